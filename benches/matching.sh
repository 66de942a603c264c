#!/usr/bin/env bash
# Benchmark: `dun import payments` of a bank CSV of 100,000 incoming lines
# matched against the 1M-invoice demo ledger (about 20,000 customers).
# A quarter of the lines quote the creditor reference dun gives an invoice,
# a quarter an invoice number, a quarter give only the payer's name and the
# exact open amount of one of its invoices, a quarter come from unknown
# payers and wait. Reports wall time, peak memory and what was matched.
# Needs sqlite3 and python3. Usage: benches/matching.sh [INVOICES] [LINES]
# (DUN_BIN=path runs that binary instead of building a release one.)
set -euo pipefail
cd "$(dirname "$0")/.."
invoices=${1:-1000000}
lines=${2:-100000}
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
if [ -z "${DUN_BIN:-}" ]; then
  cargo build --release --quiet
fi
dun=${DUN_BIN:-$PWD/target/release/dun}
as_of=2026-11-22
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
db="$dir/ledger.db"
"$dun" --db "$db" --as-of "$as_of" demo --invoices "$invoices" --no-tui >/dev/null 2>&1
python3 - "$db" "$dir/bank.csv" "$lines" <<'PY'
import csv, random, sqlite3, sys
db, out, lines = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = sqlite3.connect(db).execute(
    "SELECT i.id, i.number, i.open_minor, i.currency, c.name FROM invoice i"
    " JOIN customer c ON c.id = i.customer_id"
    " WHERE i.kind = 'invoice' AND i.open_minor > 0 AND i.written_off_on IS NULL").fetchall()
random.seed(7)
picked = random.sample(rows, min(len(rows), lines))
def rf(body):
    digits = "".join(str(ord(c) - 55) if c.isalpha() else c for c in body + "RF00")
    return "RF%02d%s" % (98 - int(digits) % 97, body)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Date", "Amount", "Currency", "Payer", "Reference"])
    for n, (iid, number, open_minor, cur, name) in enumerate(picked):
        amount = "%d.%02d" % divmod(open_minor, 100)
        kind = n % 4
        if kind == 0:
            w.writerow(["2026-11-20", amount, cur, name.upper(), "Payment " + rf("I%d" % iid)])
        elif kind == 1:
            w.writerow(["2026-11-20", amount, cur, "", "Invoice " + number])
        elif kind == 2:
            w.writerow(["2026-11-20", amount, cur, name, "thank you"])
        else:
            w.writerow(["2026-11-20", amount, cur, "Payer %d" % n, "transfer %d" % n])
PY
echo "statement: $(($(wc -l <"$dir/bank.csv") - 1)) lines; ledger: $(sqlite3 "$db" 'SELECT COUNT(*) FROM invoice') documents"
/usr/bin/time -f "wall_s=%e peak_rss_kb=%M" -o "$dir/time" \
  "$dun" --db "$db" --as-of "$as_of" import payments "$dir/bank.csv" --format json >"$dir/report.json"
cat "$dir/time"
python3 - "$dir/report.json" <<'PY'
import collections, json, sys
r = json.load(open(sys.argv[1]))
rules = collections.Counter(m["rule"] for m in r["matches"])
print("outcome=%s matched=%d waiting=%d rules=%s" % (r["outcome"], r["matched"], len(r["waiting"]), dict(rules)))
PY
