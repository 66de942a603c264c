#!/usr/bin/env bash
# Benchmark: build the 1M-invoice demo ledger (about 20,000 customers) and
# report wall time, peak memory and file size. Usage:
#   benches/demo_million.sh [INVOICES]
set -euo pipefail
cd "$(dirname "$0")/.."
invoices=${1:-1000000}
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/bench.db"
start=$(date +%s.%N)
if command -v /usr/bin/time >/dev/null; then
  /usr/bin/time -f "peak_rss_kb=%M" -o "$dir/time" \
    ./target/release/dun --db "$db" --as-of 2026-11-22 demo --invoices "$invoices" --no-tui >/dev/null 2>&1
else
  ./target/release/dun --db "$db" --as-of 2026-11-22 demo --invoices "$invoices" --no-tui >/dev/null 2>&1
fi
end=$(date +%s.%N)
printf 'invoices=%s wall_s=%s ' "$invoices" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
[ -f "$dir/time" ] && printf '%s ' "$(tail -1 "$dir/time")"
printf 'file_bytes=%s\n' "$(stat -c %s "$db")"
