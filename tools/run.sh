#!/usr/bin/env bash
# The main job on a bundled sample case. Generates a realistic case package (scenario
# usage_burst by default), then:
#   - with a display: opens the desktop app on it (validates, imports and analyses it with a
#     progress bar; the first start asks for this device's identity);
#   - without one (or with --cli): runs the same review on the command line: validate, analyse
#     for red flags, score the enterprise's self-assessment, import the case and list it.
# Everything it prints is in one language: --lang zh_CN|en, else INSPECTOR_LANG, else Chinese
# (the commands' own output through the catalogs; this script's and tools/setup.sh's lines by a
# plain choice per language).
# Usage: bash tools/run.sh [SCENARIO] [--cli] [--lang zh_CN|en]
set -euo pipefail
cd "$(dirname "$0")/.."

# one line in the chosen language: say "中文" "English"
say() { if [ "$lang" = en ]; then echo "$2" >&2; else echo "$1" >&2; fi; }
usage_zh="用法：bash tools/run.sh [场景] [--cli] [--lang zh_CN|en]"
usage_en="usage: bash tools/run.sh [SCENARIO] [--cli] [--lang zh_CN|en]"

scenario=usage_burst
force_cli=0
# INSPECTOR_LANG as the app reads it (an unknown value is ignored: Chinese)
case "${INSPECTOR_LANG:-}" in en) lang=en ;; *) lang=zh_CN ;; esac
option=""
want_lang=0
for arg in "$@"; do
  if [ "$want_lang" = 1 ]; then option=$arg; want_lang=0; continue; fi
  case "$arg" in
    --cli) force_cli=1 ;;
    --lang) want_lang=1; option="?" ;;
    --lang=*) option=${arg#--lang=} ;;
    -*) say "tools/run.sh：未知选项 $arg。$usage_zh" "tools/run.sh: unknown option $arg. $usage_en"; exit 2 ;;
    *) scenario=$arg ;;
  esac
done
case "$option" in
  "") ;;
  zh|zh_CN|zh-CN) lang=zh_CN ;;
  en|en_*|en-*) lang=en ;;
  *) say "tools/run.sh：不支持的语言 $option。$usage_zh" "tools/run.sh: unknown language $option. $usage_en"; exit 2 ;;
esac
# every command below (and tools/setup.sh) speaks this language
export INSPECTOR_LANG=$lang

bash tools/setup.sh
export INSPECTOR_HOME=${INSPECTOR_HOME:-$PWD/.demo-home}
out=${INSPECTOR_HOME}/samples
mkdir -p "$out"
app=.venv/bin/inspector-app
package="$out/$scenario.case.zip"
[ -f "$package" ] || $app sample --scenario "$scenario" --seed 7 --out "$package" --lang "$lang"

has_display=0
case "$(uname -s)" in
  Darwin|MINGW*|MSYS*|CYGWIN*) has_display=1 ;;
  *) if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then has_display=1; fi ;;
esac

if [ "$has_display" = 1 ] && [ "$force_cli" = 0 ]; then
  exec $app gui "$package" --lang "$lang"
fi

if [ "$force_cli" = 1 ]; then
  say "== 在命令行上核查示例案件 ==" "== the review of the sample case on the command line =="
else
  say "== 没有图形显示：改在命令行上做同样的核查 ==" "== no display: the same review on the command line =="
fi
$app validate "$package" --lang "$lang"
$app analyze "$package" --lang "$lang"
$app score "$package" --self --lang "$lang"
$app case import "$package" --lang "$lang"
$app case list --lang "$lang"
