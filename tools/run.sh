#!/usr/bin/env bash
# The main job on a bundled sample case: generate a realistic case package, validate it,
# analyse it for red flags and score the enterprise's self-assessment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export INSPECTOR_HOME=${INSPECTOR_HOME:-$PWD/.demo-home}
out=${INSPECTOR_HOME}/samples
mkdir -p "$out"
app=.venv/bin/inspector-app
scenario=${1:-usage_burst}
$app sample --scenario "$scenario" --seed 7 --out "$out/$scenario.case.zip"
$app validate "$out/$scenario.case.zip"
$app analyze "$out/$scenario.case.zip"
$app score "$out/$scenario.case.zip" --self
