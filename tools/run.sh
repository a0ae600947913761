#!/usr/bin/env bash
# The main job on a bundled sample case. Generates a realistic case package (scenario
# usage_burst by default), then:
#   - with a display: opens the desktop app on it (validates, imports and analyses it with a
#     progress bar; the first start asks for this device's identity);
#   - without one (or with --cli): runs the same review on the command line, in one language
#     (INSPECTOR_LANG, default Chinese): validate, analyse for red flags, score the enterprise's
#     self-assessment, import the case and list it.
# Usage: bash tools/run.sh [SCENARIO] [--cli]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export INSPECTOR_HOME=${INSPECTOR_HOME:-$PWD/.demo-home}
lang=${INSPECTOR_LANG:-zh_CN}
out=${INSPECTOR_HOME}/samples
mkdir -p "$out"
app=.venv/bin/inspector-app
scenario=usage_burst
force_cli=0
for arg in "$@"; do
  case "$arg" in
    --cli) force_cli=1 ;;
    *) scenario=$arg ;;
  esac
done
package="$out/$scenario.case.zip"
[ -f "$package" ] || $app sample --scenario "$scenario" --seed 7 --out "$package"

has_display=0
case "$(uname -s)" in
  Darwin|MINGW*|MSYS*|CYGWIN*) has_display=1 ;;
  *) if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then has_display=1; fi ;;
esac

if [ "$has_display" = 1 ] && [ "$force_cli" = 0 ]; then
  exec $app gui "$package" --lang "$lang"
fi

echo "== no display: the same review on the command line ($lang) ==" >&2
$app validate "$package" --lang "$lang"
$app analyze "$package" --lang "$lang"
$app score "$package" --self --lang "$lang"
$app case import "$package" --lang "$lang"
$app case list --lang "$lang"
