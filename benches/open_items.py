#!/usr/bin/env python3
"""Writes an open-items export: the shape a bookkeeper's first import has.

Every row is an open invoice; rows are in invoice-date order, so the
customers (drawn at random for each row) are interleaved. Deterministic for
the same arguments.

Columns: number, customer (code), name, email, issue_date, due_date,
amount, currency. Issue dates are spread over the eight months before
--as-of, terms are 15 to 60 days, so most rows are overdue. Amounts are
10.00 to 25,000.00 with two decimals; one customer in ten bills in USD,
the rest in EUR.

Usage: benches/open_items.py OUT.csv [--rows 1000000] [--customers 20000]
       [--as-of 2026-11-22] [--seed 14]
"""
import argparse
import datetime
import random


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--as-of", default="2026-11-22")
    p.add_argument("--seed", type=int, default=14)
    a = p.parse_args()
    rng = random.Random(a.seed)
    as_of = datetime.date.fromisoformat(a.as_of)
    first = as_of - datetime.timedelta(days=243)
    span = (as_of - first).days
    # Issue dates first, sorted: the export lists invoices by date.
    days = sorted(rng.randrange(span) for _ in range(a.rows))
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write("number,customer,name,email,issue_date,due_date,amount,currency\n")
        for i, day in enumerate(days, start=1):
            c = rng.randrange(a.customers) + 1
            issued = first + datetime.timedelta(days=day)
            due = issued + datetime.timedelta(days=rng.randint(15, 60))
            cents = rng.randint(1_000, 2_500_000)
            currency = "USD" if c % 10 == 0 else "EUR"
            f.write(
                f"OI-{i:07d},C{c:05d},Customer {c:05d} Srl,ar{c}@example.com,"
                f"{issued.isoformat()},{due.isoformat()},{cents // 100}.{cents % 100:02d},{currency}\n"
            )


if __name__ == "__main__":
    main()
