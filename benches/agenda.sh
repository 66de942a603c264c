#!/usr/bin/env bash
# Benchmark: `dun agenda` end to end on the 1M-invoice demo ledger, against
# the sqlite3 shell running a plain aging query over the same invoices.
# Needs hyperfine and sqlite3 (Debian: apt-get install hyperfine sqlite3).
# Usage: benches/agenda.sh [INVOICES] [LEDGER]  (the ledger is built once
# and kept when a path is given).
set -euo pipefail
cd "$(dirname "$0")/.."
invoices=${1:-1000000}
db=${2:-}
for tool in hyperfine sqlite3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }
done
cargo build --release --quiet
dun=./target/release/dun
as_of=2026-11-22
if [ -z "$db" ]; then
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; db="$dir/bench.db"
fi
if [ ! -f "$db" ]; then
  "$dun" --db "$db" --as-of "$as_of" demo --invoices "$invoices" --no-tui >/dev/null 2>&1
fi
open=$(sqlite3 "$db" "SELECT COUNT(*) FROM invoice WHERE open_minor > 0 AND kind = 'invoice'")
echo "ledger: $invoices invoices, $open open, $(stat -c %s "$db") bytes"
json=$(mktemp)
hyperfine --warmup 2 --runs 10 --export-json "$json" \
  -n "dun agenda" "$dun --db $db --as-of $as_of agenda > /dev/null" \
  -n "sqlite3 aging (open invoices)" "sqlite3 $db < benches/sql/aging_open.sql > /dev/null" \
  -n "sqlite3 aging (all invoices)" "sqlite3 $db < benches/sql/aging_all.sql > /dev/null" >/dev/null
python3 - "$json" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
dun = runs["dun agenda"]["median"]
for name, r in runs.items():
    print(f"{name:32} median {r['median']*1000:8.1f} ms  (min {r['min']*1000:.1f}, max {r['max']*1000:.1f})")
for name in ("sqlite3 aging (open invoices)", "sqlite3 aging (all invoices)"):
    print(f"ratio dun agenda / {name}: {dun / runs[name]['median']:.2f}")
PY
rm -f "$json"
/usr/bin/time -f "dun agenda peak RSS: %M KB" "$dun" --db "$db" --as-of "$as_of" agenda >/dev/null
