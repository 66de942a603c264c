#!/usr/bin/env bash
# Benchmark: each `dun report` end to end on the 1M-invoice demo ledger,
# against `dun agenda` on the same ledger, alternating in one run, each
# one's peak memory, and the forecast's backtest error. Needs hyperfine
# (Debian: apt-get install hyperfine) and GNU time (/usr/bin/time).
# Usage: benches/reports.sh [INVOICES] [LEDGER]  (the ledger is built once
# and kept when a path is given). DUN_BIN runs another build of dun.
set -euo pipefail
cd "$(dirname "$0")/.."
invoices=${1:-1000000}
db=${2:-}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
cargo build --release --quiet
dun=${DUN_BIN:-./target/release/dun}
as_of=2026-11-22
if [ -z "$db" ]; then
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; db="$dir/bench.db"
fi
if [ ! -f "$db" ]; then
  "$dun" --db "$db" --as-of "$as_of" demo --invoices "$invoices" --no-tui >/dev/null 2>&1
fi
run() { echo "$dun --db $db --as-of $as_of $* > /dev/null"; }
json=$(mktemp)
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$json" \
  -n "agenda" "$(run agenda)" \
  -n "report dso" "$(run report dso)" \
  -n "report cei" "$(run report cei)" \
  -n "report payers" "$(run report payers)" \
  -n "report changes" "$(run report changes --since 2026-11-15)" \
  -n "report forecast" "$(run report forecast)" \
  -n "report forecast --backtest" "$(run report forecast --backtest)" >/dev/null
python3 - "$json" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
agenda = runs["agenda"]["median"]
for name, r in runs.items():
    print(f"{name:28} median {r['median']*1000:8.1f} ms  ratio to agenda {r['median']/agenda:5.2f}")
PY
rm -f "$json"
echo "peak memory, one run each:"
peak() { /usr/bin/time -f "%M" "$dun" --db "$db" --as-of "$as_of" "$@" 2>&1 >/dev/null | tail -1; }
for cmd in "agenda" "report dso" "report cei" "report payers" \
  "report changes --since 2026-11-15" "report forecast" "report forecast --backtest"; do
  # shellcheck disable=SC2086
  printf '%-40s %6d MB\n' "$cmd" $(( $(peak $cmd) / 1024 ))
done
echo "backtest (forecast as of 13 weeks before $as_of against what was paid):"
"$dun" --db "$db" --as-of "$as_of" report forecast --backtest | grep -E '^(total|Week)'
