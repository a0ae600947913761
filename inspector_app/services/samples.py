"""``sample``: write a synthetic, realistic case package (for training, tests, benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inspector_app.errors import UsageError
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.files import cannot_write


def generate_sample(
    scenario: str,
    out: str | Path,
    *,
    seed: int = 0,
    size: str = "small",
    variant: str | None = None,
    recipients: Sequence[str] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write the sample package of ``scenario`` (``clean`` or a rule id in lower case) to
    ``out``; the same seed gives the same bytes. Returns the path written.

    Raises:
        UsageError: ``encrypted`` without recipients, recipients with another variant, or a
            recipient that is not an age public key.
        InputRefused, EnvironmentProblem: ``out`` cannot be written.
    """
    from inspector_app.samples import generate

    if variant == "encrypted" and not recipients:
        raise UsageError(bi("--variant encrypted needs at least one --recipient KEY."))
    if recipients and variant != "encrypted":
        raise UsageError(bi("--recipient is only used with --variant encrypted."))
    if recipients:
        import pyrage

        for key in recipients:
            try:
                pyrage.x25519.Recipient.from_str(key.strip())
            except Exception as exc:  # pyrage raises its own error types
                raise UsageError(bi("Not an age recipient: {key}", key=key)) from exc
    path = Path(out)
    try:
        return generate(
            scenario,
            path,
            seed=seed,
            size=size,
            variant=variant,
            recipients=list(recipients),
            progress=progress,
            cancel=cancel,
        )
    except OSError as exc:  # the generator only writes: the output cannot be written
        raise cannot_write(exc, path) from exc


__all__ = ["generate_sample"]
