#!/usr/bin/env bash
# Installs everything Inspector needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (CJK font, poppler, Xvfb libraries) and a private virtual environment .venv
# with the app and its development tools; compiles the gettext catalogs (.po -> .mo). Called by tools/run.sh and tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# its lines in the language of the run: INSPECTOR_LANG=en in English, else Chinese (tools/run.sh
# sets it); say "中文" "English". The output of apt-get and pip, shown when they fail, is theirs.
say() { if [ "${INSPECTOR_LANG:-}" = en ]; then echo "$2" >&2; else echo "$1" >&2; fi; }

APT_PACKAGES="fonts-wqy-microhei poppler-utils xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 age unzip gettext"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  say "[安装] 安装系统软件包：apt-get install$missing" "[setup] apt-get install$missing"
  aptlog=$(mktemp)
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing; } >"$aptlog" 2>&1; then
    cat "$aptlog" >&2; say "[安装] apt-get 安装失败（见上方输出）" "[setup] apt-get failed (see above)"; exit 1
  fi
  rm -f "$aptlog"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "[安装] 创建虚拟环境 .venv" "[setup] creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.inspector-installed
want=$(sha256sum pyproject.toml | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "[安装] 安装 Python 依赖：pip install -e .[dev]" "[setup] pip install -e .[dev]"
  piplog=$(mktemp)
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[dev]"; } >"$piplog" 2>&1; then
    cat "$piplog" >&2; say "[安装] pip 安装失败（见上方输出）" "[setup] pip install failed (see above)"; exit 1
  fi
  rm -f "$piplog"
  echo "$want" > "$stamp"
fi

# the message catalogs Python's gettext reads (only those whose .po changed)
bash tools/compile_catalogs.sh
