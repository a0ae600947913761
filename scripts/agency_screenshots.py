"""Render every page of the agency console in Chinese and English into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/agency_screenshots.py [--work DIR]

Builds the console's demo batch (the world of ``tests/gui/agency/world.py``: three enterprises'
packages, three experts' bundles, a roster of four with a re-inspection), then drives the
console as the agency would — import the roster (deadline in 23 days), the bundles (one
tampered: quarantined), settle Q1 with a signed decision, run the cross-enterprise rules,
draft one enterprise's reports — and saves ``docs/screenshots/agency-<page>-<lang>.png``
(1280 × 800). Look at each one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the demo batch (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = args.work or Path(tempfile.mkdtemp(prefix="agency-shots-"))
    shutil.rmtree(work, ignore_errors=True)

    from inspector_app import identity
    from inspector_app.i18n import set_language
    from inspector_app.values import now
    from tests.gui.agency.world import PASSPHRASE, build_console_world
    from ui.app import create_app

    world = build_console_world(work)
    app = create_app(language="zh_CN")
    from ui.agency.window import AgencyWindow
    from ui.tasks import wait_all

    def settle() -> None:
        for _i in range(5):
            wait_all()
            app.processEvents()

    window = AgencyWindow(world.agency)
    window.signer_keeper.signer = identity.unlock(world.agency, PASSPHRASE)
    window.resize(1280, 800)
    window.show()
    settle()
    roster = window.pages["roster"]
    roster.file_edit.setText(str(world.roster))
    roster.batch_edit.setText("2025-2")
    deadline = now().date() + timedelta(days=23)
    from PySide6.QtCore import QDate

    roster.deadline_edit.setDate(QDate(deadline.year, deadline.month, deadline.day))
    roster.import_roster()
    settle()
    inbox = window.pages["inbox"]
    inbox.add_files(
        [world.bundles[k] for k in ("e3-2", "e1", "e2-tampered", "e2", "e3-1")]
        + [world.bundles["e1"]]
    )
    settle()
    disputes = window.pages["disagreements"]
    disputes.select_enterprise(world.usccs["clean"])
    settle()
    from ui.agency.common import IdRole

    for r in range(disputes.proxy.rowCount()):
        if disputes.proxy.index(r, 1).data(IdRole)[1] == "Q1":
            disputes.view.selectRow(r)
    disputes.value_combo.setCurrentIndex(1)
    disputes.reason_edit.setText("现场核实：车间已覆盖网络")
    disputes.sign()
    settle()
    for r in range(disputes.proxy.rowCount()):
        if disputes.proxy.index(r, 1).data(IdRole)[1] == "conclusion":
            disputes.view.selectRow(r)
    cross = window.pages["cross"]
    cross.run_rules()
    settle()
    for r in range(cross.proxy.rowCount()):
        if cross.proxy.index(r, 0).data() == "CROSS_DUPLICATE_PHOTO":
            cross.table.selectRow(r)
            break
    settle()
    reports = window.pages["reports"]
    reports.out_edit.setText(str(work / "drafts"))
    reports.which.setCurrentIndex(reports.which.findData(world.usccs["clean"]))
    reports.generate()
    settle()
    roster.select_uscc(world.usccs["burst"])  # the re-inspection: earlier requirements shown
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang, suffix in (("zh_CN", "zh"), ("en", "en")):
        set_language(lang)
        window.retranslate()
        settle()
        for name in window.pages:
            path = args.out / f"agency-{name}-{suffix}.png"
            if window.render_page(name, path) != 0:
                print(f"could not write {path}", file=sys.stderr)
                return 1
            written.append(path)
    window.close()
    settle()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
