"""Smoke test of a frozen build (``scripts/build`` runs it): the frozen executables, never the
source tree.

    .venv/bin/python packaging/smoke.py dist/Inspector

1. ``inspector-app --version`` (the console executable: a windowed Windows one has no stdout);
2. the frozen CLI makes a sample package, validates, analyses and scores it, and drafts the
   inspection plan PDF (reportlab with the bundled CJK font); when the build has pillow-heif,
   the frozen CLI reads a HEIC photo (its EXIF: ``PHOTO_EDITED``) — the Linux build's x265 is a
   stub (build.spec), decoding must still work;
3. the bundled font and its licence, the compiled catalogs are in the build;
4. the frozen desktop app starts offscreen on that package, renders the overview and the usage
   page (QtCharts) to PNGs with ``--screenshot`` and quits with exit code 0, no traceback and
   no Qt warning;
5. a process pool (the report drafts, ``--workers 2``) in the frozen CLI with the ``spawn``
   start method of Windows and macOS;
6. portable mode: with ``portable.txt`` beside the executables, the data goes to
   ``Inspector-data`` beside them (both removed afterwards);
7. the folder's size.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE_SUFFIX = ".exe" if os.name == "nt" else ""


def version() -> str:
    text = (ROOT / "inspector_app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    assert found is not None
    return found.group(1)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


class Smoke:
    def __init__(self, dist: Path, work: Path) -> None:
        self.dist = dist
        self.cli_exe = dist / f"inspector-app{EXE_SUFFIX}"
        self.gui_exe = dist / f"Inspector{EXE_SUFFIX}"
        self.work = work
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
        self.env["QT_QPA_PLATFORM"] = "offscreen"
        for exe in (self.cli_exe, self.gui_exe):
            if not exe.is_file():
                raise SystemExit(f"smoke: {exe} is missing")

    def run(
        self,
        exe: Path,
        *argv: str,
        home: Path | None = None,
        timeout: float = 300,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        args = [str(exe), *argv]
        if home is not None:
            args += ["--home", str(home)]
        start = time.perf_counter()
        done = subprocess.run(
            args,
            check=False,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.work,
        )
        took = time.perf_counter() - start
        shown = " ".join(argv[:3])
        print(f"  {exe.name} {shown} … exit {done.returncode} ({took:.1f} s)", flush=True)
        if done.returncode != 0:
            raise SystemExit(
                f"smoke: {exe.name} {' '.join(argv)} failed ({done.returncode})\n"
                f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
            )
        return done

    def cli_json(
        self, *argv: str, home: Path, env: dict[str, str] | None = None
    ) -> dict[str, object]:
        value = json.loads(self.run(self.cli_exe, *argv, "--json", home=home, env=env).stdout)
        assert isinstance(value, dict)
        return value


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"smoke: {path} is not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def heic_package(path: Path) -> Path:
    """A package whose photo is a HEIC edited in Photoshop (EXIF Software), written with the
    source tree's pillow-heif (the frozen one cannot encode: its x265 is a stub)."""
    import io

    import pillow_heif
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.unit.casepkg.builders import build_package

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif[0x0131] = "Adobe Photoshop 25.0"
    exif.get_ifd(0x8769)[0x9003] = "2024:07:01 09:15:00"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 90, 160)).save(buf, format="HEIF", exif=exif.tobytes())

    def edit(files: dict[str, bytes]) -> None:
        files["photos/现场.heic"] = buf.getvalue()

    return build_package(path, edit_files=edit)


def spawn_pool(s: Smoke, work: Path) -> None:
    """The agency's report drafts of two enterprises with ``--workers 2`` (a
    ``ProcessPoolExecutor``), the start method forced to ``spawn`` (``INSPECTOR_MP_START``, read
    by the entry scripts): how Windows and macOS start every worker. Each worker is the frozen
    executable started again with ``--multiprocessing-fork`` (and the resource tracker with
    ``-c``); unless ``freeze_support`` catches it (``packaging/rthook_lazy.py``, the entry
    scripts) it would run the CLI on those arguments and the pool would break."""
    agency = work / "agency"
    env = {"INSPECTOR_PASSPHRASE": "smoke-test-passphrase", "INSPECTOR_MP_START": "spawn"}
    s.run(
        s.cli_exe, "identity", "init", "--name", "Smoke", "--role", "agency", home=agency, env=env
    )
    for seed in ("1", "2"):
        package = work / f"pool-{seed}.case.zip"
        s.run(
            s.cli_exe,
            "sample",
            "--scenario",
            "clean",
            "--seed",
            seed,
            "--out",
            str(package),
            home=agency,
        )
        s.cli_json("case", "import", str(package), home=agency)
    out = work / "pool-reports"
    done = s.cli_json(
        "report", "--all", "--format", "json", "--workers", "2", "--out", str(out),
        home=agency, env=env,
    )  # fmt: skip
    files = [Path(str(f)) for f in done.get("files", [])]  # type: ignore[attr-defined]
    written = [f if f.is_absolute() else s.work / f for f in files]
    if (
        done.get("enterprises") != 2
        or len(written) != 2
        or not all(f.is_file() and json.loads(f.read_text(encoding="utf-8")) for f in written)
    ):
        raise SystemExit(f"smoke: the spawned report workers did not deliver: {done}")
    print(f"  2 enterprises drafted by 2 spawned workers: {', '.join(f.name for f in written)}")


def internal_dir(dist: Path) -> Path:
    """Where the bundled files are (`_internal` of PyInstaller ≥ 6, else the folder itself)."""
    internal = dist / "_internal"
    return internal if internal.is_dir() else dist


def main(dist: Path) -> int:
    dist = dist.resolve()
    with tempfile.TemporaryDirectory(prefix="inspector-smoke-") as tmp:
        work = Path(tmp)
        s = Smoke(dist, work)
        home = work / "home"

        print("[smoke] console --version", flush=True)
        out = s.run(s.cli_exe, "--version").stdout.strip()
        if out != f"inspector-app {version()}":
            raise SystemExit(f"smoke: --version printed {out!r}")

        print("[smoke] the frozen CLI on a sample package", flush=True)
        package = work / "usage_burst.case.zip"
        s.run(s.cli_exe, "sample", "--scenario", "usage_burst", "--out", str(package), home=home)
        valid = s.cli_json("validate", str(package), home=home)
        if valid.get("valid") is not True:
            raise SystemExit(f"smoke: validate says {valid}")
        analysis = s.cli_json("analyze", str(package), home=home)
        flags = analysis.get("flags")
        if not isinstance(flags, list) or not any(
            isinstance(f, dict) and f.get("rule") == "USAGE_BURST" for f in flags
        ):
            raise SystemExit(f"smoke: analyze did not raise USAGE_BURST: {flags}")
        score = s.cli_json("score", str(package), "--self", home=home)
        if "level" not in score or "score" not in score:
            raise SystemExit(f"smoke: score printed {sorted(score)}")
        plan = s.cli_json("report", "--plan", str(package), "--out", str(work / "plan"), home=home)
        files = [Path(str(f)) for f in plan.get("files", [])]  # type: ignore[attr-defined]
        if not files or not all(f.is_file() and f.read_bytes()[:5] == b"%PDF-" for f in files):
            raise SystemExit(f"smoke: the inspection plan was not written: {plan}")

        print("[smoke] a process pool in the frozen CLI, started with spawn", flush=True)
        spawn_pool(s, work)

        internal = internal_dir(dist)
        if list(internal.glob("pillow_heif*")):
            print("[smoke] the frozen CLI reads a HEIC photo", flush=True)
            heic = heic_package(work / "heic.case.zip")
            analysis = s.cli_json("analyze", str(heic), home=home)
            if "photos/现场.heic" in json.dumps(
                analysis.get("photos_unreadable", []), ensure_ascii=False
            ) or not any(
                isinstance(f, dict)
                and f.get("rule") == "PHOTO_EDITED"
                and ".heic" in json.dumps(f, ensure_ascii=False)
                for f in analysis.get("flags", [])  # type: ignore[union-attr]
            ):
                raise SystemExit(f"smoke: the HEIC photo was not read: {analysis}")

        print("[smoke] bundled data", flush=True)
        fonts = internal / "resources" / "fonts"
        font_files = sorted(p.name for p in fonts.iterdir()) if fonts.is_dir() else []
        if not any(n.endswith((".ttc", ".ttf")) for n in font_files) or not any(
            "LICENSE" in n for n in font_files
        ):
            raise SystemExit(f"smoke: the CJK font or its licence is missing: {font_files}")
        catalogs = list((internal / "resources" / "locale").rglob("*.mo"))
        if not catalogs:
            raise SystemExit("smoke: no compiled catalogs in the build")
        print(f"  fonts: {', '.join(font_files)}; {len(catalogs)} catalogs")

        print("[smoke] the frozen desktop app, offscreen", flush=True)
        gui_home = work / "gui-home"
        for page in ("overview", "usage"):
            png = work / f"{page}.png"
            done = s.run(
                s.gui_exe, str(package), "--page", page, "--screenshot", str(png), home=gui_home
            )
            noise = [
                line
                for line in done.stderr.splitlines()
                if line.strip() and "propagateSizeHints" not in line
            ]
            if noise:
                raise SystemExit("smoke: the app wrote to stderr:\n" + "\n".join(noise[:20]))
            width, height = png_size(png)
            if width < 800 or height < 500 or png.stat().st_size < 20_000:
                raise SystemExit(f"smoke: {png.name} looks empty ({width}×{height})")
            print(f"  {page}: {width}×{height}, {png.stat().st_size // 1024} KiB")

        print("[smoke] portable mode", flush=True)
        marker, data = dist / "portable.txt", dist / "Inspector-data"
        if data.exists():
            raise SystemExit(f"smoke: {data} exists before the test; remove it")
        marker.write_text("portable\n", encoding="utf-8")
        try:
            s.run(s.cli_exe, "case", "list", "--json")
            if not (data / "logs" / "inspector.log").is_file():
                raise SystemExit("smoke: portable mode did not use Inspector-data")
        finally:
            marker.unlink()
            if data.exists():
                import shutil

                shutil.rmtree(data)

    size = folder_size(dist)
    print(f"[smoke] passed; {dist} holds {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: smoke.py DIST_FOLDER")
    sys.exit(main(Path(sys.argv[1])))
