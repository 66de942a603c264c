#!/usr/bin/env bash
# Benchmark: `dun import invoices` of the demo's CSV export into a fresh
# ledger (validating, normalising, creating customers, indexing, keeping
# the measure history), against the sqlite3 shell's own `.import` of the
# same file into one unindexed table. Also the peak memory of the import.
# Needs hyperfine and sqlite3 (Debian: apt-get install hyperfine sqlite3).
# Usage: benches/import.sh [INVOICES]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
invoices=${1:-1000000}
for tool in hyperfine sqlite3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }
done
cargo build --release --quiet
dun=$PWD/target/release/dun
as_of=2026-11-22
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
csv="$dir/invoices.csv"
"$dun" --as-of "$as_of" demo --invoices "$invoices" --csv "$csv" >/dev/null
echo "file: $(($(wc -l <"$csv") - 1)) rows, $(stat -c %s "$csv") bytes"
json="$dir/runs.json"
hyperfine --warmup 1 --runs 5 --export-json "$json" \
  -n "dun import" --prepare "rm -f $dir/ledger.db*" \
  "$dun --db $dir/ledger.db --as-of $as_of import invoices $csv > /dev/null" \
  -n "sqlite3 .import" --prepare "rm -f $dir/plain.db*" \
  "sqlite3 $dir/plain.db '.import --csv $csv invoices'" >/dev/null
python3 - "$json" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in runs.items():
    print(f"{name:16} median {r['median']:6.2f} s  (min {r['min']:.2f}, max {r['max']:.2f})")
print(f"ratio dun import / sqlite3 .import: {runs['dun import']['median'] / runs['sqlite3 .import']['median']:.2f}")
PY
rm -f "$dir"/ledger.db*
/usr/bin/time -f "dun import peak RSS: %M KB" \
  "$dun" --db "$dir/ledger.db" --as-of "$as_of" import invoices "$csv" >/dev/null
echo "ledger: $(stat -c %s "$dir/ledger.db") bytes, $(sqlite3 "$dir/ledger.db" 'SELECT COUNT(*) FROM invoice') documents"
