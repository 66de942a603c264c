//! Hostile input through the real binary: CSV output that a spreadsheet
//! never evaluates, text bounded at every way in, ambiguous or wrong files
//! refused with their line and column, and a reader whose memory is bounded
//! by the row, not the file, whatever shape the file takes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{AS_OF, Ledger, LedgerBuilder};
use proptest::prelude::*;

const HEADER: &[u8] = b"number,customer,customer_name,email,issue_date,due_date,amount,currency\n";

/// A good row under [`HEADER`] with its `column` (1-based) holding `value`.
fn row(column: usize, value: &[u8]) -> Vec<u8> {
    let good: [&[u8]; 8] = [
        b"INV-1",
        b"ACME",
        b"Acme",
        b"a@acme.example",
        b"2026-10-01",
        b"2026-10-31",
        b"1.00",
        b"EUR",
    ];
    let mut line = Vec::new();
    for (i, cell) in good.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        line.extend_from_slice(if i + 1 == column { value } else { cell });
    }
    line.push(b'\n');
    line
}

/// [`HEADER`] and these rows.
fn file(rows: &[Vec<u8>]) -> Vec<u8> {
    [HEADER.to_vec(), rows.concat()].concat()
}

/// A ledger seeded with one invoice, so an import that wrongly wrote
/// something would show in the dump.
fn seeded() -> Ledger {
    LedgerBuilder::new()
        .customer("SEED", "Seed Ltd")
        .invoice("S-1", "SEED", "2026-10-01", "2026-10-31", "10.00")
        .build()
}

/// `dun import invoices` of `bytes` written to `name`: (exit code, stderr).
fn import(ledger: &Ledger, name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let path = ledger.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Imports `bytes`, which must be refused with a line of stderr starting
/// `NAME:LINE:COLUMN:` and holding `fragment`, leaving the ledger as it was.
fn refused_at(bytes: &[u8], line: u64, column: usize, fragment: &str) -> String {
    let ledger = seeded();
    let before = ledger.dump();
    let (code, stderr) = import(&ledger, "bad.csv", bytes);
    assert_eq!(code, Some(1), "{stderr}");
    let place = format!("bad.csv:{line}:{column}:");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(&place) && l.contains(fragment)),
        "no {place} … {fragment} in:\n{stderr}"
    );
    assert_eq!(ledger.dump(), before, "a refused file changed the ledger");
    stderr
}

// ── 1. No formula injection ────────────────────────────────────────────

/// Every CSV cell that starts like a formula is a number dun computed.
fn assert_no_formula(csv: &str) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in &record.unwrap() {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                assert!(
                    cell.parse::<rust_decimal::Decimal>().is_ok(),
                    "a spreadsheet would evaluate {cell:?} in:\n{csv}"
                );
            }
        }
    }
}

#[test]
fn csv_output_never_hands_a_spreadsheet_a_formula() {
    let file = [
        HEADER,
        b"=1+2,ACME,\"=HYPERLINK(\"\"http://x.example\"\")\",ar@acme.example,2026-10-01,2026-10-31,100.00,EUR\n",
        b"@SUM(A1),+CMD,-2+3,ap@b.example,2026-10-01,2026-10-31,50.00,EUR\n",
    ]
    .concat();
    let ledger = LedgerBuilder::new()
        .import_invoices("formulas.csv", &file)
        .call(&[
            "invoice",
            "add",
            "CN-1",
            "--customer",
            "ACME",
            "--issued",
            "2026-11-01",
            "--due",
            "2026-11-01",
            "--amount",
            "30",
            "--credit-note",
        ])
        .call(&[
            "payment",
            "add",
            "--customer",
            "+CMD",
            "--amount",
            "80",
            "--date",
            "2026-11-02",
            "--reference",
            "=EVIL()",
        ])
        .build();
    let lists: [&[&str]; 6] = [
        &["customer", "list"],
        &["invoice", "list"],
        &["payment", "list"],
        &["aging"],
        &["agenda"],
        &["import", "history"],
    ];
    for args in lists {
        let csv = ledger.ok(&[args, &["--format", "csv"]].concat());
        assert_no_formula(&csv);
    }
    let customers = ledger.ok(&["customer", "list", "--format", "csv"]);
    assert!(
        customers.contains("'+CMD,'-2+3,-30.00,"),
        "quoted text, a numeric negative balance:\n{customers}"
    );
    assert!(customers.contains("\"'=HYPERLINK(\"\"http://x.example\"\")\""));
    let payments = ledger.ok(&["payment", "list", "--format", "csv"]);
    assert!(payments.contains(",'=EVIL(),'@SUM(A1)"), "{payments}");
    // JSON and tables keep the text exactly.
    let json = ledger.json(&["customer", "list"]);
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"-2+3") && names.contains(&"=HYPERLINK(\"http://x.example\")"));
    let table = ledger.ok(&["invoice", "list"]);
    assert!(
        table.contains("=1+2 ") && !table.contains("'=1+2"),
        "{table}"
    );
}

// ── 2. Memory bounded by the row; text bounded everywhere ─────────────

#[test]
fn an_oversized_field_is_refused_with_its_place_and_a_short_quote() {
    // A good row (no column 0 to replace), then one with a huge name.
    let huge = file(&[row(0, b""), row(3, &[b'A'; 100 * 1024])]);
    let stderr = refused_at(&huge, 3, 3, "a field of at most");
    assert!(stderr.len() < 1000, "{} bytes of stderr", stderr.len());
}

#[test]
fn an_oversized_line_is_refused_with_its_place() {
    // Twenty fields of 60 000 bytes: no one of them is too long, the line is.
    let wide = format!("EUR,{}", format!("{},", "x".repeat(60_000)).repeat(20));
    let wide = file(&[row(8, wide.as_bytes())]);
    let ledger = seeded();
    let before = ledger.dump();
    let (code, stderr) = import(&ledger, "wide.csv", &wide);
    assert_eq!(code, Some(1), "{}", &stderr[..stderr.len().min(1000)]);
    assert!(stderr.len() < 1000, "{} bytes of stderr", stderr.len());
    // The column where the line crosses the limit, past the header's.
    let column: usize = stderr
        .lines()
        .find_map(|l| l.split_once("wide.csv:2:").map(|(_, rest)| rest))
        .and_then(|rest| rest.split(':').next())
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no wide.csv:2:COLUMN: in {stderr}"));
    assert!(column > 9, "{stderr}");
    assert!(stderr.contains("a line of at most"), "{stderr}");
    assert_eq!(ledger.dump(), before);
}

#[test]
fn imported_text_is_bounded_and_quoted_by_a_short_prefix() {
    let name = file(&[row(3, &[b'N'; 300])]);
    let stderr = refused_at(&name, 2, 3, "at most 200 characters");
    assert!(!stderr.contains(&"N".repeat(100)), "{stderr}");
    refused_at(
        &file(&[row(1, &[b'7'; 201])]),
        2,
        1,
        "at most 200 characters",
    );
}

#[test]
fn typed_text_is_bounded_on_the_command_line() {
    let ledger = seeded();
    let before = ledger.dump();
    let long = "L".repeat(201);
    let note = "n".repeat(4001);
    let cases: [Vec<&str>; 4] = [
        vec!["customer", "add", "BIG", "--name", &long],
        vec!["customer", "add", &long, "--name", "Big Ltd"],
        vec![
            "payment",
            "add",
            "--customer",
            "SEED",
            "--amount",
            "1",
            "--date",
            "2026-11-01",
            "--reference",
            &long,
        ],
        vec!["log", "SEED", "--kind", "note", "--note", &note],
    ];
    for args in cases {
        let out = ledger.dun().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("at most"), "{args:?}: {stderr}");
        assert!(stderr.len() < 400, "{args:?}: {} bytes", stderr.len());
    }
    assert_eq!(ledger.dump(), before);
}

#[test]
fn an_error_quotes_a_short_prefix_of_a_long_value() {
    let ledger = seeded();
    let garbage = format!("2026-{}", "9".repeat(5000));
    let out = ledger
        .dun()
        .args(["payment", "add", "--customer", "SEED", "--amount"])
        .arg(&garbage)
        .args(["--date", "2026-11-01"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2026-999"), "{stderr}");
    assert!(stderr.len() < 300, "{} bytes: {stderr}", stderr.len());
}

#[test]
fn a_failed_migration_does_not_print_its_sql() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger-v3.db"),
        &db,
    )
    .unwrap();
    // A table of a later migration already there: that migration fails.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE message_claim (x INTEGER);")
        .unwrap();
    drop(conn);
    let out = common::bare_dun(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["--as-of", AS_OF, "customer", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot migrate"), "{stderr}");
    assert!(
        !stderr.contains("CREATE") && !stderr.contains("INSERT"),
        "{stderr}"
    );
}

// ── 8. Ambiguous or wrong input refused, not guessed ──────────────────

#[test]
fn two_columns_for_one_field_are_refused() {
    let file = b"number,customer,customer_name,email,issue_date,due_date,amount,currency,amount\n\
INV-1,ACME,Acme,a@acme.example,2026-10-01,2026-10-31,1.00,EUR,2.00\n";
    refused_at(file, 1, 9, "amount");
    // The same name once folded: case, accents and punctuation aside.
    let file =
        b"number,customer,Customer Name,email,issue_date,due_date,amount,currency,customer_name\n\
INV-1,ACME,Acme,a@acme.example,2026-10-01,2026-10-31,1.00,EUR,Other\n";
    refused_at(file, 1, 9, "customer_name");
}

#[test]
fn an_invalid_byte_in_a_utf8_file_is_refused() {
    let body = file(&[row(3, "Società".as_bytes()), row(3, b"Caf\xe9")]);
    refused_at(&body, 3, 3, "UTF-8");
    let with_bom = [b"\xEF\xBB\xBF".to_vec(), file(&[row(3, b"Caf\xe9")])].concat();
    refused_at(&with_bom, 2, 3, "UTF-8");
    // A file that is Windows-1252 throughout still reads as such.
    let legacy = file(&[row(3, b"Caf\xe9 \x80")]);
    let ledger = Ledger::new();
    let (code, stderr) = import(&ledger, "legacy.csv", &legacy);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(ledger.ok(&["customer", "list"]).contains("Café €"));
}

#[test]
fn a_time_that_does_not_exist_is_refused() {
    refused_at(&file(&[row(5, b"2026-10-01 25:00")]), 2, 5, "a date");
    refused_at(&file(&[row(5, b"2026-10-01T10:61")]), 2, 5, "a date");
    // A real time after the date is still read.
    let ledger = Ledger::new();
    let good = [row(5, b"2026-10-01 23:59:59"), row(6, b"2026-10-31T10:00Z")];
    let good = file(&good);
    let (code, stderr) = import(&ledger, "good.csv", &good);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn an_amount_with_two_signs_is_refused() {
    for amount in ["$$5", "€€5.00", "EUR 5.00 EUR"] {
        refused_at(&file(&[row(7, amount.as_bytes())]), 2, 7, "an amount like");
    }
}

// ── The reader against hostile shapes: no panic, memory bounded ───────

/// What an import of a hostile file may take beyond an import of a small
/// one, in KiB: less than the files below (32 MiB each), so memory that
/// grew with the file would show. Before the reader was bounded, a 30 MiB
/// line cost 160 MiB more than a small file.
const GROWTH_KIB: u64 = 24 * 1024;

/// Runs `dun import invoices FILE` and watches its peak resident memory
/// (VmHWM in /proc/PID/status, read every millisecond while it runs: Linux
/// only, nothing to install). Returns (exit code, peak KiB, stderr).
fn import_watched(ledger: &Ledger, file: &Path) -> (Option<i32>, u64, String) {
    let stderr_path = ledger.dir.path().join("stderr.txt");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dun"))
        .env("HOME", ledger.dir.path())
        .env("XDG_CONFIG_HOME", ledger.dir.path().join("config"))
        .env_remove("DUN_CONFIG")
        .arg("--db")
        .arg(&ledger.db)
        .args(["--as-of", AS_OF, "import", "invoices"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let mut stderr = String::new();
    std::fs::File::open(&stderr_path)
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), peak, stderr)
}

/// Hostile files of 32 MiB, each named by its shape.
fn hostile_files() -> Vec<(&'static str, Vec<u8>)> {
    const BIG: usize = 32 << 20;
    let name = |name: &[u8]| row(3, name);
    let mut wide_rows = HEADER.to_vec();
    while wide_rows.len() < BIG {
        // Fields under the field limit, rows under the line limit.
        wide_rows.extend(name(&[&[b'w'; 60_000][..], b","].concat().repeat(12)));
    }
    vec![
        ("one huge line", [HEADER, &vec![b'A'; BIG]].concat()),
        (
            "one huge quoted field",
            [
                HEADER,
                b"INV-1,ACME,\"",
                &b"line\n".repeat(BIG / 5),
                b"\"\n",
            ]
            .concat(),
        ),
        ("many columns in the header", b",".repeat(BIG)),
        (
            "many columns in a row",
            [HEADER, &b",".repeat(BIG)].concat(),
        ),
        ("NUL bytes", file(&[name(&vec![0; BIG])])),
        ("invalid UTF-8", file(&[name(&vec![0xFF; BIG])])),
        (
            "mixed encodings",
            file(&[
                name("Società".as_bytes()),
                name(&b"Caf\xe9 ".repeat(BIG / 5)),
            ]),
        ),
        ("many wide rows", wide_rows),
    ]
}

#[test]
fn hostile_files_are_refused_in_bounded_memory_and_change_nothing() {
    let ledger = seeded();
    let before = ledger.dump();
    let small = ledger.dir.path().join("small.csv");
    std::fs::write(&small, file(&[row(0, b"")])).unwrap();
    // The small import's peak, the most of five runs: a short run may end
    // between two readings of its memory, so one reading can fall short.
    let mut baseline = 0;
    for _ in 0..5 {
        let (code, peak, stderr) = import_watched(&ledger, &small);
        assert_eq!(code, Some(0), "{stderr}");
        baseline = baseline.max(peak);
    }
    let before_hostile = ledger.dump();
    for (shape, bytes) in hostile_files() {
        let path = ledger.dir.path().join("hostile.csv");
        std::fs::write(&path, &bytes).unwrap();
        drop(bytes);
        let (code, peak, stderr) = import_watched(&ledger, &path);
        assert_eq!(
            code,
            Some(1),
            "{shape}: {}",
            &stderr[..stderr.len().min(2000)]
        );
        assert!(peak > 0, "{shape}: no memory reading");
        assert!(
            peak < baseline + GROWTH_KIB,
            "{shape}: {peak} KiB at the peak, a small file {baseline} KiB"
        );
        assert!(
            stderr.len() < 200_000,
            "{shape}: {} bytes of stderr",
            stderr.len()
        );
        assert_eq!(ledger.dump(), before_hostile, "{shape} changed the ledger");
    }
    assert_ne!(before, before_hostile, "the small file was imported");
}

/// Small hostile pieces: NUL, invalid bytes, quotes, line ends, marks.
fn hostile_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"\0".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\xe9".to_vec()),
        Just("à".as_bytes().to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"2026-10-01 25:00".to_vec()),
        Just(b"$$5".to_vec()),
        Just(b"=1+2".to_vec()),
        (1_usize..3000).prop_map(|n| vec![b'x'; n]),
        proptest::collection::vec(any::<u8>(), 0..16),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A header and rows cut from hostile pieces: the binary never panics,
    /// and a refused file leaves the ledger exactly as it was.
    #[test]
    fn hostile_rows_never_panic_and_a_refusal_changes_nothing(
        pieces in proptest::collection::vec(hostile_piece(), 1..40),
    ) {
        let ledger = seeded();
        let before = ledger.dump();
        let bytes = [HEADER.to_vec(), pieces.concat()].concat();
        let (code, stderr) = import(&ledger, "fuzz.csv", &bytes);
        prop_assert!(code == Some(0) || code == Some(1), "exit {:?}: {}", code, stderr);
        prop_assert!(!stderr.contains("panicked"), "{}", stderr);
        if code == Some(1) {
            prop_assert_eq!(ledger.dump(), before);
        }
    }
}
