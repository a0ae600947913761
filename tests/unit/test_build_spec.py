"""The trimming rules of ``build.spec`` hold for the paths of all three platforms (the spec must
work unchanged on Windows and macOS, where it cannot be run here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "# ---------------------------------------------------------------- the analysis"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    pytest.importorskip("PyInstaller")
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert MARKER in source
    rules: dict[str, Any] = {"SPECPATH": str(ROOT), "__name__": "build_spec"}
    exec(compile(source.split(MARKER)[0], "build.spec", "exec"), rules)
    return rules


def kept(spec: dict[str, Any], dest: str) -> bool:
    return bool(spec["keep"]((dest, "/src/" + dest, "BINARY")))


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6\\plugins\\tls\\qschannelbackend.dll",
        "PySide6/Qt/plugins/networkinformation/libqglib.dylib",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6\\plugins\\platforminputcontexts\\qtvirtualkeyboardplugin.dll",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6\\Qt6Quick.dll",
        "PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6\\translations\\qt_fr.qm",
        "libcairo.so.2",
        "libssl.so.3",
    ],
)
def test_left_out(spec: dict[str, Any], dest: str) -> None:
    assert not kept(spec, dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/lib/libQt6Network.so.6",  # QtPdf links it
        "PySide6\\Qt6Pdf.dll",
        "PySide6/Qt/lib/QtCharts.framework/Versions/A/QtCharts",
        "PySide6/Qt/lib/libQt6OpenGL.so.6",  # QtCharts links it
        "PySide6/Qt/translations/qtbase_zh_CN.qm",
        "pillow.libs/libjpeg-6dc8d115.so.62.4.0",
        "libcrypto.so.3",  # hashlib
    ],
)
def test_kept(spec: dict[str, Any], dest: str) -> None:
    assert kept(spec, dest)


def test_qtnetwork_is_not_excluded_and_network_protocols_are(spec: dict[str, Any]) -> None:
    assert "PySide6.QtNetwork" not in spec["QT_EXCLUDES"]
    assert {"ssl", "ftplib", "smtplib", "http.server", "xmlrpc"} <= set(spec["PY_EXCLUDES"])


def test_resource_datas_carry_catalogs_checklists_and_icon_not_sources(
    spec: dict[str, Any],
) -> None:
    if not list((ROOT / "resources" / "locale").rglob("*.mo")):
        pytest.skip("catalogs not compiled (tools/compile_catalogs.sh)")
    datas = spec["resource_datas"]()
    names = {Path(src).name for src, _dest in datas}
    assert "miit-2024.json" in names and "inspector.png" in names
    assert any(n.endswith(".mo") for n in names)
    assert not any(n.endswith((".py", ".po")) for n in names)
    for src, dest in datas:  # same place under resources/ as in the source tree
        rel = Path(src).resolve().parent.relative_to(ROOT)
        assert Path(dest) == rel


def test_x265_encoder_is_replaced_by_the_stub_on_linux(
    spec: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pillow-heif's libx265 (the encoder) becomes packaging/x265_stub.c compiled under the
    same file name and soname; every other library keeps its source."""
    import shutil
    import subprocess
    import sys

    if not sys.platform.startswith("linux") or not (shutil.which("cc") and shutil.which("nm")):
        pytest.skip("the stub is built on Linux with a C compiler")
    heif = pytest.importorskip("pillow_heif")
    libs = Path(heif.__file__).resolve().parent.parent / "pillow_heif.libs"
    if not libs.is_dir():
        pytest.skip("pillow-heif without vendored libraries")
    monkeypatch.setitem(spec, "STAGING", str(tmp_path))
    binaries = [(f"pillow_heif.libs/{p.name}", str(p), "BINARY") for p in sorted(libs.iterdir())]
    out = spec["x265_stub"](binaries)
    assert [d for d, _s, _t in out] == [d for d, _s, _t in binaries]
    changed = [(d, s) for (d, s, _t), (_d, old, _o) in zip(out, binaries, strict=True) if s != old]
    assert len(changed) == 1 and Path(changed[0][0]).name.startswith("libx265")
    stub = Path(changed[0][1])
    assert stub.stat().st_size < 100_000 < Path(libs / stub.name).stat().st_size
    dynamic = subprocess.run(
        ["readelf", "-d", str(stub)], check=True, capture_output=True, text=True
    ).stdout
    assert f"[{stub.name}]" in dynamic  # the soname libheif asks for
