#!/usr/bin/env bash
# Compiles the gettext catalogs resources/locale/<lang>/LC_MESSAGES/*.po into the .mo files that
# Python's gettext reads at run time, with GNU msgfmt (Debian package "gettext", installed by
# tools/setup.sh). Idempotent: a catalog is compiled only when its .mo is missing or older than
# its .po. The .mo files are build output (gitignored); a build compiles them before packaging.
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
