#!/usr/bin/env bash
# Benchmark: `dun import payments` of a camt.053 of ENTRIES entries matched
# against a ledger of open invoices (the open-items ledger of
# benches/open_items.sh: 1,000,000 open invoices, 20,000 customers).
# The statement (benches/matching_camt.py, seeded) pays invoices by
# dun's creditor reference, by invoice number (one or two), by an IBAN an
# earlier entry taught, by the payer's name and exact amount, in part;
# some entries wait and some are money going out.
# Each run imports into a fresh copy of the ledger (the import writes).
# With BASE_BIN set, that binary (the one before a change) is run too,
# alternating with dun, and the two ledgers afterwards are compared: the
# import summaries, matches and their why, what waits, `dun aging` and the
# allocations and payments written must be the same.
# Reports wall time and peak memory of every run, and the median ratio.
# Needs sqlite3 and python3.
# Usage: benches/matching.sh [LEDGER] [ENTRIES] [PAIRS]
#   LEDGER: an existing ledger (copied, never written); without it one is
#   built from benches/open_items.py (1M rows, as benches/open_items.sh).
# (DUN_BIN=path runs that binary instead of building a release one.)
set -euo pipefail
cd "$(dirname "$0")/.."
ledger=${1:-}
entries=${2:-100000}
pairs=${3:-1}
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
if [ -z "${DUN_BIN:-}" ]; then
  cargo build --release --quiet
fi
dun=${DUN_BIN:-$PWD/target/release/dun}
base=${BASE_BIN:-}
as_of=2026-11-22
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
if [ -z "$ledger" ]; then
  python3 benches/open_items.py "$dir/open-items.csv" --rows 1000000 --customers 20000 --as-of "$as_of"
  ledger="$dir/open.db"
  "$dun" --db "$ledger" --as-of "$as_of" import invoices "$dir/open-items.csv" >/dev/null
fi
camt="$dir/statement.xml"
python3 benches/matching_camt.py "$ledger" "$camt" --entries "$entries"
echo "statement: $entries entries, $(stat -c %s "$camt") bytes;" \
  "ledger: $(sqlite3 "file:$ledger?mode=ro" 'SELECT COUNT(*) FROM invoice WHERE open_minor > 0') open invoices"

# One import into a fresh copy: prints "seconds peak_kb", keeps the ledger
# and the JSON report under $dir/$2.
run() {
  local bin=$1 name=$2
  rm -rf "${dir:?}/$name"; mkdir "$dir/$name"
  sqlite3 "file:$ledger?mode=ro" ".backup '$dir/$name/ledger.db'"
  /usr/bin/time -f "%e %M" -o "$dir/$name/time" \
    "$bin" --db "$dir/$name/ledger.db" --as-of "$as_of" import payments "$camt" --format json \
    >"$dir/$name/report.json"
  cat "$dir/$name/time"
}

summary() {
  python3 - "$1" <<'PY'
import collections, json, sys
r = json.load(open(sys.argv[1]))
rules = collections.Counter(m["rule"] for m in r["matches"])
print("outcome=%s matched=%d waiting=%d rules=%s" % (r["outcome"], r["matched"], len(r["waiting"]), dict(sorted(rules.items()))))
PY
}

# What an import left in a ledger, for comparing two binaries.
state() {
  local db=$1
  sqlite3 "$db" "SELECT invoice_id, payment_id, credit_note_id, amount_minor, allocated_on, discount_minor FROM allocation ORDER BY id;
    SELECT id, customer_id, paid_on, amount_minor, unapplied_minor, currency, invoice_id, payer_iban, import_key FROM payment ORDER BY id;
    SELECT id, line, amount_minor, counterparty, reference, import_key, payer_iban, structured_reference, why FROM receipt ORDER BY id;
    SELECT id, open_minor, closed_on FROM invoice WHERE open_minor <> amount_minor OR closed_on IS NOT NULL ORDER BY id;" | md5sum
  "$dun" --db "$db" --as-of "$as_of" aging --format json | md5sum
  "$dun" --db "$db" --as-of "$as_of" payment allocate --format json | md5sum
}

report_view() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("sha256",):
    r.pop(k, None)
print(json.dumps({k: r.get(k) for k in ("outcome", "counts", "matched", "matches", "waiting", "notes", "errors")}, sort_keys=True))
PY
}

times=()
for i in $(seq 1 "$pairs"); do
  if [ -n "$base" ]; then
    read -r bs bk < <(run "$base" base)
    echo "base run $i: ${bs}s ${bk} KB"
  fi
  read -r ds dk < <(run "$dun" dun)
  echo "dun  run $i: ${ds}s ${dk} KB"
  [ -n "$base" ] && times+=("$(python3 -c "print($ds / $bs)")")
done
summary "$dir/dun/report.json"
if [ -n "$base" ]; then
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median ratio dun/base: %.3f\n", a[int((NR+1)/2)]}'
  if [ "$(report_view "$dir/dun/report.json")" = "$(report_view "$dir/base/report.json")" ] \
    && [ "$(state "$dir/dun/ledger.db")" = "$(state "$dir/base/ledger.db")" ]; then
    echo "same: reports, matches and why, waiting lines, allocations, payments, aging"
  else
    echo "DIFFERENT results between dun and base" >&2
    summary "$dir/base/report.json"
    [ -n "${KEEP:-}" ] && { cp -r "$dir/dun" "$dir/base" "$KEEP"/; }
    exit 1
  fi
fi
