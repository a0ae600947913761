"""Render every page in both languages (called by ``scripts/screenshots``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from demo_home import prepare  # noqa: E402

LANGUAGES = ("zh_CN", "en")


def main(out: Path) -> int:
    from inspector_app.home import Home
    from inspector_app.i18n import set_language
    from ui.app import apply_language, create_app, setup_logging
    from ui.mainwindow import MainWindow
    from ui.pages import PAGE_NAMES

    work = Path(tempfile.mkdtemp(prefix="inspector-shots-"))
    case_id = prepare(work)
    home = Home(work / "home")
    setup_logging(home)
    set_language("zh_CN")
    create_app()
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for lang in LANGUAGES:
        apply_language(lang)
        window = MainWindow(home)
        for page in PAGE_NAMES:
            if page not in window.pages:
                failed.append(f"{page}: no such page")
                continue
            target = out / f"{page}-{lang}.png"
            if window.render_page(page, target, case=case_id) != 0:
                failed.append(f"{page}-{lang}: {window.headless_errors}")
            print(target)
        window.close()
    for line in failed:
        print("FAILED", line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/screenshots"))
