#!/usr/bin/env bash
# Benchmark: the dashboard on the demo ledger in a real terminal (tmux,
# 160x48): time to first frame, time per keystroke (arrival to the end of
# the frame showing its result: move, open a customer, filter, log a
# follow-up) and peak memory. Usage: benches/dashboard.sh [INVOICES] [LEDGER]
# COLD=1 drops the ledger's pages from the operating system's cache first
# (needs python3): the first start of a morning, when what the screens do
# not read (the invoice table's rows) is on disk, not in memory.
# (DUN_BIN=path runs that binary instead of building a release one.)
set -euo pipefail
cd "$(dirname "$0")/.."
invoices=${1:-1000000}
db=${2:-}
command -v tmux >/dev/null || { echo "needs tmux (apt-get install tmux)" >&2; exit 1; }
if [ -z "${DUN_BIN:-}" ]; then
  cargo build --release --quiet
fi
dun=${DUN_BIN:-$PWD/target/release/dun}
as_of=2026-11-22
dir=$(mktemp -d); trap 'tmux -L dunbench kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
[ -n "$db" ] || db="$dir/bench.db"
[ -f "$db" ] || "$dun" --db "$db" --as-of "$as_of" demo --invoices "$invoices" --no-tui >/dev/null 2>&1
rm -f "$db.log"
if [ -n "${COLD:-}" ]; then
  python3 - "$db" "$db-wal" <<'PY'
import os, sys
for path in sys.argv[1:]:
    if os.path.exists(path):
        fd = os.open(path, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
fi
start=$(date +%s.%N)
tmux -L dunbench new-session -d -s dun -x 160 -y 48 \
  "/usr/bin/time -f peak_rss_kb=%M -o $dir/time $dun --db $db --as-of $as_of; echo DUN-EXIT; sleep 5"
wait_for() {
  for _ in $(seq 1 600); do
    tmux -L dunbench capture-pane -p -t dun 2>/dev/null | grep -q -- "$1" && return 0
    sleep 0.05
  done
  echo "timed out waiting for $1" >&2; tmux -L dunbench capture-pane -p -t dun >&2; exit 1
}
keys() { tmux -L dunbench send-keys -t dun "$@"; sleep 0.15; }
wait_for "2 Agenda"
echo "first frame on screen after $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms (tmux start included)"
keys j; keys j; keys j; keys k                     # move on the agenda
keys Enter; wait_for "call first"                  # open a customer
keys Escape; keys 1                                # back, aging screen
keys G; keys g; keys s; keys S                     # last, first, sort, reverse
keys /; keys r; keys o; keys s; keys Enter         # filter
keys Escape; keys 2
keys l; wait_for "Log a follow-up"; keys Tab; keys -l "bench"; keys Enter   # log a follow-up
wait_for "logged the"
keys q; wait_for DUN-EXIT
grep -h "first frame after" "$db.log" | sed 's/^[^ ]* /dun: /'
awk '/keystroke/ { t = $(NF - 1) + 0; n++; sum += t; if (t > max) { max = t; key = $3 } }
     END { printf "keystrokes: %d, mean %.2f ms, slowest %.2f ms (%s)\n", n, sum / n, max, key }' "$db.log"
grep -h "keystroke" "$db.log" | sed 's/^[^ ]* /  /'
cat "$dir/time"
