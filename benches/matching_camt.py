"""Writes a camt.053 statement paying a ledger's open invoices, for
benches/matching.sh. Deterministic (seeded). Usage:
python3 benches/matching_camt.py LEDGER OUT --entries N [--seed S]

The mix, of every 100 entries: 25 quote the creditor reference dun gives
an invoice (RF + "I" + its id) with the payer's IBAN, 4 the account's (RF +
"C" + customer id); 20 an invoice number in the free text; 4 two invoice
numbers paying both exactly; 12 come from an IBAN an earlier entry of the
file taught, with the exact open amount of one of that customer's
invoices; 15 give the payer's name and the exact open amount of one of
its invoices; 5 name an invoice and pay part of it; 13 wait (unknown
payers, known ones with an amount no invoice has, a number that names
nothing); 2 are money going out.
"""

import argparse
import random
import sqlite3


def rf(body):
    digits = "".join(str(ord(c) - 55) if c.isalpha() else c for c in body + "RF00")
    return "RF%02d%s" % (98 - int(digits) % 97, body)


def iban(customer_id):
    bban = "37040044%010d" % customer_id
    digits = "".join(str(ord(c) - 55) if c.isalpha() else c for c in bban + "DE00")
    return "DE%02d%s" % (98 - int(digits) % 97, bban)


def money(minor):
    return "%d.%02d" % divmod(minor, 100)


KINDS = (
    ["rf"] * 25 + ["rf_account"] * 4 + ["number"] * 20 + ["numbers"] * 4
    + ["iban"] * 12 + ["name"] * 15 + ["partial"] * 5 + ["wait"] * 13 + ["out"] * 2
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ledger")
    ap.add_argument("out")
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    db = sqlite3.connect("file:%s?mode=ro" % args.ledger, uri=True)
    names = dict(db.execute("SELECT id, name FROM customer"))
    by_customer = {}
    for iid, number, cid, open_minor, cur in db.execute(
        "SELECT id, number, customer_id, open_minor, currency FROM invoice"
        " WHERE kind = 'invoice' AND open_minor > 0 AND written_off_on IS NULL ORDER BY id"
    ):
        by_customer.setdefault(cid, []).append((iid, number, open_minor, cur))
    customers = sorted(by_customer)
    for cid in customers:
        rnd.shuffle(by_customer[cid])
    taught = []
    taught_set = set()

    def take(cid, n=1):
        pool = by_customer[cid]
        if len(pool) < n:
            return None
        return [pool.pop() for _ in range(n)]

    def any_customer(k=1):
        for _ in range(50):
            cid = rnd.choice(customers)
            if len(by_customer[cid]) >= k:
                return cid
        return None

    entries = []
    for n in range(args.entries):
        kind = rnd.choice(KINDS)
        if kind == "iban" and not taught:
            kind = "rf"
        cid = rnd.choice(taught) if kind == "iban" else any_customer(2)
        got = take(cid, 2 if kind == "numbers" else 1) if cid else None
        if not got:
            kind, got = "wait", None
        e = {"n": n, "amount": None, "cur": "EUR", "name": None, "iban": None,
             "strd": None, "ustrd": None, "credit": True}
        if got:
            iid, number, open_minor, cur = got[0]
            e["cur"] = cur
            e["amount"] = open_minor
        if kind == "rf":
            e.update(name=names[cid].upper(), iban=iban(cid), strd=rf("I%d" % iid))
            if cid not in taught_set:
                taught_set.add(cid)
                taught.append(cid)
        elif kind == "rf_account":
            e.update(name=names[cid], strd=rf("C%d" % cid), ustrd="Acconto")
            if rnd.random() < 0.5:
                e["amount"] = rnd.randint(1000, 500000)
        elif kind == "number":
            e.update(name=names[cid], ustrd="Saldo fattura %s del mese" % number)
        elif kind == "numbers":
            other = got[1]
            if other[3] != cur:
                e.update(name=names[cid], ustrd="Fattura %s" % number)
            else:
                e["amount"] = open_minor + other[2]
                e.update(name=names[cid], ustrd="Fatture %s %s" % (number, other[1]))
        elif kind == "iban":
            e.update(name="C%d HOLDING" % cid, iban=iban(cid), ustrd="Zahlung")
        elif kind == "name":
            e.update(name=names[cid], ustrd="grazie")
        elif kind == "partial":
            e["amount"] = max(1, open_minor // 2)
            e.update(name=names[cid], ustrd="Acconto fattura %s" % number)
        elif kind == "out":
            e.update(name="Supplier %d" % n, credit=False, ustrd="Invoice S-%d" % n,
                     amount=rnd.randint(1000, 900000))
        else:
            which = rnd.random()
            e["amount"] = rnd.randint(1000, 900000)
            if which < 0.5 or cid is None:
                e.update(name="Payer %d" % n, ustrd="transfer %d" % n)
            elif which < 0.8:
                e.update(name=names[cid], ustrd="vedi accordi")
            else:
                e.update(name="Payer %d" % n, ustrd="Rechnung XX-%07d" % n)
        entries.append(e)
    write(args.out, entries)


def write(out, entries):
    total = {}
    for e in entries:
        sign = 1 if e["credit"] else -1
        total[e["cur"]] = total.get(e["cur"], 0) + sign * e["amount"]
    with open(out, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n')
        f.write("<BkToCstmrStmt><GrpHdr><MsgId>BENCH-1</MsgId>"
                "<CreDtTm>2026-11-21T18:00:00</CreDtTm></GrpHdr>\n")
        for s, cur in enumerate(sorted(total)):
            f.write("<Stmt><Id>BENCH-%s</Id><CreDtTm>2026-11-21T18:00:00</CreDtTm>\n" % cur)
            f.write("<Acct><Id><IBAN>IT60X0542811101000000%06d</IBAN></Id><Ccy>%s</Ccy></Acct>\n"
                    % (s, cur))
            closing = total[cur]
            f.write(balance("OPBD", 0, cur) + balance("CLBD", closing, cur))
            for e in entries:
                if e["cur"] == cur:
                    f.write(entry(e))
            f.write("</Stmt>\n")
        f.write("</BkToCstmrStmt></Document>\n")


def balance(code, minor, cur):
    ind = "CRDT" if minor >= 0 else "DBIT"
    return ("<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy=\"%s\">%s</Amt>"
            "<CdtDbtInd>%s</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>\n"
            % (code, cur, money(abs(minor)), ind))


def entry(e):
    amt = '<Amt Ccy="%s">%s</Amt>' % (e["cur"], money(e["amount"]))
    ind = "CRDT" if e["credit"] else "DBIT"
    party = "Dbtr" if e["credit"] else "Cdtr"
    ref = "B%08d" % e["n"]
    parts = ["<RltdPties><%s><Pty><Nm>%s</Nm></Pty></%s>" % (party, e["name"], party)]
    if e["iban"]:
        parts.append("<%sAcct><Id><IBAN>%s</IBAN></Id></%sAcct>" % (party, e["iban"], party))
    parts.append("</RltdPties><RmtInf>")
    if e["ustrd"]:
        parts.append("<Ustrd>%s</Ustrd>" % e["ustrd"])
    if e["strd"]:
        parts.append("<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                     "<Issr>ISO</Issr></Tp><Ref>%s</Ref></CdtrRefInf></Strd>" % e["strd"])
    parts.append("</RmtInf>")
    return (
        "<Ntry><NtryRef>%s</NtryRef>%s<CdtDbtInd>%s</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        "<BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-20</Dt></ValDt>"
        "<AcctSvcrRef>%s</AcctSvcrRef>\n<NtryDtls><TxDtls><Refs><AcctSvcrRef>%s</AcctSvcrRef>"
        "<EndToEndId>NOTPROVIDED</EndToEndId></Refs>%s<CdtDbtInd>%s</CdtDbtInd>\n%s"
        "</TxDtls></NtryDtls></Ntry>\n"
        % (ref, amt, ind, ref, ref, amt, ind, "".join(parts))
    )


if __name__ == "__main__":
    main()
