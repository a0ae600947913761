#!/usr/bin/env bash
# Compiles the gettext catalogs resources/locale/<lang>/LC_MESSAGES/*.po into the .mo files that
# Python's gettext reads at run time, with GNU msgfmt (Debian package "gettext", installed by
# tools/setup.sh). Idempotent: a catalog is compiled only when its .mo is missing or older than
# its .po. Then, per language, the catalogs merged into one file that the app reads instead of
# every .mo when it was made from exactly those .mo files (LC_MESSAGES/catalogs.cache, written by
# `python -m inspector_app.mofile --write-cache`; the Python of the build: $PYTHON, else .venv).
# The .mo and cache files are build output (gitignored); a build compiles them before packaging.
set -euo pipefail
cd "$(dirname "$0")/.."
# its lines in the language of the run (INSPECTOR_LANG=en: English, else Chinese)
say() { if [ "${INSPECTOR_LANG:-}" = en ]; then echo "$2" >&2; else echo "$1" >&2; fi; }
if ! command -v msgfmt >/dev/null 2>&1; then
  say "[翻译目录] 找不到 msgfmt：请安装 GNU gettext（tools/setup.sh 会安装）" \
    "[catalogs] msgfmt not found: install GNU gettext (tools/setup.sh does)"
  exit 1
fi
shopt -s nullglob
for po in resources/locale/*/LC_MESSAGES/*.po; do
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    # --check: header, format strings and Plural-Forms are verified; a broken catalog fails
    msgfmt --check --output-file="$mo.tmp" "$po"
    mv -f "$mo.tmp" "$mo"
    say "[翻译目录] 已编译 $mo" "[catalogs] compiled $mo"
  fi
done
# the merged catalogs of each language (rewritten only when they changed)
PY=$(command -v "${PYTHON:-.venv/bin/python}" || command -v .venv/Scripts/python.exe || true)
if [ -z "$PY" ]; then
  say "[翻译目录] 找不到 Python（${PYTHON:-\$PYTHON} 或 .venv）：未写合并目录缓存（程序照常逐个读取 .mo）" \
    "[catalogs] no Python (${PYTHON:-\$PYTHON} or .venv): merged catalog cache not written (the app reads each .mo)"
  exit 0
fi
folders=(resources/locale/*/LC_MESSAGES)
[ ${#folders[@]} -gt 0 ] || exit 0
report=$("$PY" -m inspector_app.mofile --write-cache "${folders[@]}")
while IFS=$'\t' read -r what folder; do
  case "$what" in
    written) say "[翻译目录] 已写入合并缓存 $folder/catalogs.cache" \
      "[catalogs] wrote the merged cache $folder/catalogs.cache" ;;
    removed) say "[翻译目录] 已删除无法使用的合并缓存 $folder/catalogs.cache" \
      "[catalogs] removed the merged cache $folder/catalogs.cache (catalogs it cannot stand for)" ;;
  esac
done <<<"$report"
