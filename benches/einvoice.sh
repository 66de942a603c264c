#!/usr/bin/env bash
# Benchmark: `dun import invoices FOLDER` on a folder of e-invoices made from
# the public samples in tests/fixtures/einvoice (FatturaPA with three due
# dates, UBL EN 16931, CIUS-RO, Factur-X CII), each copy with its own
# number, customer and amount. Prints the elapsed time and peak memory.
# Usage: benches/einvoice.sh [FILES]  (default 10000; goal <= 3 s)
# With BASELINE=/path/to/other/dun, runs it and this build alternately,
# RUNS times each (default 3), each into a fresh ledger, on the same folder.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
cargo build --release --quiet
dun=$PWD/target/release/dun
fixtures=$PWD/tests/fixtures/einvoice
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
mkdir "$dir/inbox"
python3 - "$fixtures" "$dir/inbox" "$files" <<'PY'
import sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
read = lambda f: open(f"{src}/{f}", encoding="utf-8-sig").read()
fpa, ubl, ro, cii = (read(f) for f in (
    "fatturapa-instalments.xml", "ubl-21-en16931.xml", "cius-ro-invoice.xml",
    "factur-x-en16931.xml"))
for i in range(n):
    cents = 10000 + (i * 7919) % 900000
    amount = f"{cents // 100}.{cents % 100:02d}"
    vat = f"{(i % 2000):011d}"
    kind = i % 4
    if kind == 0:
        text = (fpa.replace("FT-12", f"FT-{i}").replace("NC-3", f"NC-{i}")
                   .replace("AF-7", f"AF-{i}").replace("09999999990", vat)
                   .replace("Rossi", f"Rossi {i % 2000}"))
        name = f"IT01234567890_{i:05d}.xml"
    elif kind == 1:
        text = (ubl.replace("F124212", f"F{i}").replace("FR19787878784", f"FR{vat}")
                   .replace("Ma jolie boutique SARL", f"Boutique {i % 2000}")
                   .replace(">208.03<", f">{amount}<"))
        name = f"ubl-{i:05d}.xml"
    elif kind == 2:
        text = (ro.replace("EXS-2026-118", f"EXS-{i}").replace("RO7654321", f"RO{vat}")
                  .replace("Client Constructii SA", f"Client {i % 2000} SA")
                  .replace(">5000.00<", f">{amount}<"))
        name = f"ro-{i:05d}.xml"
    else:
        text = (cii.replace("F20260023", f"FX{i}").replace("FR 05 987 654 321", f"FR{vat}")
                   .replace("LE CLIENT", f"CLIENT {i % 2000}")
                   .replace(">104.90<", f">{amount}<"))
        name = f"facturx-{i:05d}.xml"
    open(f"{out}/{name}", "w", encoding="utf-8").write(text)
PY
echo "folder: $files e-invoices, $(du -sh "$dir/inbox" | cut -f1)"
run() {
  rm -f "$dir/bench.db"*
  /usr/bin/time -f "$2 %e s %M KB" "$1" --db "$dir/bench.db" --as-of 2026-11-22 \
    import invoices "$dir/inbox" > "$dir/summary.txt"
}
if [ -n "${BASELINE:-}" ]; then
  for _ in $(seq "${RUNS:-3}"); do
    run "$BASELINE" baseline
    run "$dun" this
  done
else
  run "$dun" this
fi
head -3 "$dir/summary.txt"
