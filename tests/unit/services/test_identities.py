"""Identity services: create once, cards, recipients, the signer held for a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app import services
from inspector_app.errors import InputRefused, UsageError

from .conftest import PASSPHRASE, make_home


def test_identity_card_and_recipient(tmp_path: Path) -> None:
    home = make_home(tmp_path, "e", "expert")
    assert services.identity_exists(home)
    with pytest.raises(UsageError):
        services.require_no_identity(home)
    view = services.show_identity(home)
    assert view.to_json()["fingerprint_display"] == view.fingerprint_display
    card_path = tmp_path / "e.card.json"
    card = services.export_card(home, card_path)
    with pytest.raises(UsageError):  # never over an existing file
        services.export_card(home, card_path)
    assert services.resolve_recipient(home, str(card_path)) == card.age_recipient
    assert services.resolve_recipient(None, f" {card.age_recipient} ") == card.age_recipient
    with pytest.raises(InputRefused):
        services.resolve_recipient(None, str(tmp_path / "nothing.card"))
    signer = services.unlock_identity(home, PASSPHRASE)
    assert signer.fingerprint == view.info.fingerprint
    with pytest.raises(InputRefused):
        services.unlock_identity(home, "wrong passphrase")


def test_pack_to_a_card(tmp_path: Path, clean_package: Path) -> None:
    import zipfile

    home = make_home(tmp_path, "e", "expert")
    card_path = tmp_path / "e.card.json"
    services.export_card(home, card_path)
    folder = tmp_path / "folder"
    with zipfile.ZipFile(clean_package) as zf:
        zf.extractall(folder)
    out = tmp_path / "again.case.zip.age"
    result = services.pack_package(folder, out, recipients=[str(card_path)], home=home)
    assert result.valid and services.is_encrypted(out)
    signer = services.unlock_identity(home, PASSPHRASE)
    identities = services.package_identities(home, out, unlock=lambda: signer)
    summary = services.import_case(home, out, identities=identities)
    assert summary.case_id == result.package_id
    with pytest.raises(InputRefused):
        services.pack_package(tmp_path / "missing", tmp_path / "x.case.zip")
