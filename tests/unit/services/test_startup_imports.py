"""The desktop app's first page (the case list) does not import what it never uses: numpy (via
sqlite-utils, the rule engine, the log readers), the validator, the sample generator, the
reports. Each check runs in a fresh interpreter (``sys.modules`` of this one is shared by every
test). Only what is imported is asserted, never a time (``benchmarks/bench_startup.py`` times it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app.services import import_case, open_case
from tests.unit.services.conftest import make_home

HEAVY = (
    "numpy",
    "reportlab",
    "inspector_app.samples",
    "inspector_app.analysis.engine",
    "inspector_app.casepkg.validator",
    "inspector_app.casepkg.logs",
    "inspector_app.checklist.scoring",
    "PIL",
    "reports",
    "sync",
)

ROOT = Path(__file__).resolve().parents[3]


def loaded_after(code: str, also: tuple[str, ...] = ()) -> dict[str, bool]:
    names = (*HEAVY, *also)
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps({{m: m in sys.modules for m in {names!r}}}))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, bool] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_importing_the_services_imports_none_of_them() -> None:
    loaded = loaded_after(
        "import inspector_app.services, inspector_app.casepkg, inspector_app.checklist"
    )
    assert not any(loaded.values()), loaded


@pytest.mark.parametrize("analysed", [False, True], ids=["imported", "analysed"])
def test_listing_cases_imports_none_of_them(
    tmp_path: Path, clean_package: Path, analysed: bool
) -> None:
    """Nor sqlite-utils (the list reads the store through the standard library), also when
    the case's analysis is cached (its flags are read beside the pickle, not unpickled)."""
    home = make_home(tmp_path, "li", role="expert")
    case_id = import_case(home, clean_package).case_id
    if analysed:
        open_case(home, case_id).analysis()
    loaded = loaded_after(
        "from pathlib import Path\n"
        "from inspector_app.home import Home\n"
        "from inspector_app.services.caselist import list_cases\n"
        f"(case,) = list_cases(Home(Path({str(home.root)!r})))\n"
        f"assert case.analysed is {analysed}",
        also=("sqlite_utils",),
    )
    assert not any(loaded.values()), loaded


#: what a listing decodes findings with: not imported when the store did not change since
#: the last listing (its values come from the workspace's case list cache)
STORE_MODULES = (
    "inspector_app.findings.store",
    "inspector_app.findings.core",
    "inspector_app.findings.records",
    "inspector_app.findings.outcome",
    "decimal",
    "sqlite_utils",
)


def test_a_second_listing_imports_none_of_the_store(tmp_path: Path, clean_package: Path) -> None:
    """After one listing (which writes the cache), a listing in a fresh interpreter reads the
    cache: none of the store's modules, no finding decoded; the same rows. Without the cache
    file the probe does see the store imported."""
    from inspector_app.services import add_finding, list_cases, unlock_identity
    from inspector_app.services.caselist_cache import CACHE_NAME
    from tests.unit.services.conftest import PASSPHRASE

    home = make_home(tmp_path, "li", role="expert")
    case_id = import_case(home, clean_package).case_id
    signer = unlock_identity(home, PASSPHRASE)
    add_finding(home, case_id, {"kind": "observation", "text": "现场"}, signer=signer)
    add_finding(
        home,
        case_id,
        {"kind": "conclusion", "recommendation": "improve", "summary": "…", "requirements": ["x"]},
        signer=signer,
    )
    (listed,) = list_cases(home)
    assert listed.display_status == "concluded"
    assert (home.workspace / CACHE_NAME).is_file()
    code = (
        "from pathlib import Path\n"
        "from inspector_app.home import Home\n"
        "from inspector_app.services.caselist import list_cases\n"
        f"(case,) = list_cases(Home(Path({str(home.root)!r})))\n"
        f"assert (case.case_id, case.display_status) == ({case_id!r}, 'concluded'), case\n"
        f"assert case.row.to_json() == {listed.row.to_json()!r}, case.row"  # type: ignore[union-attr]
    )
    loaded = loaded_after(code, also=STORE_MODULES)
    assert not any(loaded.values()), loaded
    (home.workspace / CACHE_NAME).unlink()
    loaded = loaded_after(code, also=STORE_MODULES)
    assert loaded["inspector_app.findings.store"] and loaded["decimal"], loaded
    assert not loaded["sqlite_utils"], loaded
    # that listing wrote the cache again: the next one is served from it
    assert not any(loaded_after(code, also=STORE_MODULES).values())


def test_the_probe_sees_an_import() -> None:
    """The check itself can fail: the rule engine imports numpy."""
    loaded = loaded_after("import inspector_app.analysis.engine")
    assert loaded["inspector_app.analysis.engine"] and loaded["numpy"]


def test_lazy_names_resolve() -> None:
    """Every public name of the lazy packages resolves (PEP 562 ``__getattr__``)."""
    from inspector_app import casepkg, checklist, findings, services

    for package in (services, casepkg, checklist, findings):
        assert set(package.__all__) == set(package._LAZY), package.__name__
        for name in package.__all__:
            assert getattr(package, name) is not None, name
        assert set(package.__all__) <= set(dir(package))
    try:
        services.no_such_name  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("an unknown name must raise AttributeError")
