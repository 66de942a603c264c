//! What a file is before dun writes anything to it: missing, blank (what
//! an interrupted first run leaves), a dun ledger of some schema version,
//! or another application's database; and whether it can be written.

use std::fs::OpenOptions;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Context, Result, SCHEMA_VERSION, StoreError};

/// `PRAGMA application_id` of demo ledgers ("dunD"), so `dun demo` never
/// replaces a real ledger.
pub(super) const DEMO_APPLICATION_ID: i64 = 0x6475_6E44;

/// The tables every dun ledger has had since its first schema.
const FIRST_TABLES: &[&str] = &[
    "customer",
    "contact",
    "invoice",
    "payment",
    "allocation",
    "activity",
];

/// Why a ledger cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    /// The file system is mounted read-only.
    FileSystem,
    /// The file's permissions (or attributes) forbid writing it.
    File,
}

impl std::fmt::Display for ReadOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReadOnly::FileSystem => "it is on a read-only file system",
            ReadOnly::File => "the file is read-only",
        })
    }
}

/// Whether the existing file at `path` can be written, and if not why.
pub(super) fn writable(path: &Path) -> Result<Option<ReadOnly>> {
    match OpenOptions::new().read(true).write(true).open(path) {
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
            Ok(Some(ReadOnly::FileSystem))
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(Some(ReadOnly::File)),
        Err(source) => Err(StoreError::Io {
            context: "cannot open",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// How a connection that only reads opens the ledger. Without its own
/// mutex: a `Connection` is used by one thread at a time (it is `Send`,
/// not `Sync`), so the lock SQLite would take on every call, each column
/// of each row read included, guards nothing.
pub(crate) const READ_ONLY: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_ONLY.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

/// Opens a ledger that cannot be written, for reading. On a read-only file
/// system SQLite cannot create the shared-memory file a WAL ledger is read
/// with; the ledger is then read once, as it is, into memory (nothing can
/// write it from here), and the copy is read instead.
pub(super) fn open_read_only(path: &Path, why: ReadOnly) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, READ_ONLY).context("cannot open the ledger")?;
    let readable = conn.query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0));
    match readable {
        Err(e)
            if why == ReadOnly::FileSystem
                && e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) =>
        {
            let flags = READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
            let file = Connection::open_with_flags(immutable_uri(path), flags)
                .context("cannot open the ledger")?;
            copy_to_memory(&file)
        }
        _ => Ok(conn),
    }
}

/// A copy in memory of the database `from` holds.
pub(super) fn copy_to_memory(from: &Connection) -> Result<Connection> {
    let mut copy = Connection::open_in_memory().context("cannot read the ledger into memory")?;
    rusqlite::backup::Backup::new(from, &mut copy)
        .and_then(|b| b.run_to_completion(1024, std::time::Duration::ZERO, None))
        .context("cannot read the ledger into memory")?;
    Ok(copy)
}

/// `file:PATH?immutable=1`, the path's bytes escaped as a URI needs.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"/._-~".contains(byte) {
            uri.push(char::from(*byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// What an existing SQLite file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// No schema at all: an empty file, or one a first run left
    /// before its first migration committed.
    Blank,
    /// A dun ledger at this schema version (1 or more).
    Ledger(usize),
    /// Something dun did not make: another application's database.
    Foreign,
}

/// What [`inspect`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Inspected {
    /// What the file holds.
    pub found: Found,
    /// Whether it carries the demo ledger's mark.
    pub demo: bool,
}

/// Reads what the file holds, with queries only: nothing is written,
/// not even the journal mode.
pub(super) fn inspect(conn: &Connection, path: &Path) -> Result<Inspected> {
    let read = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let header =
        read("PRAGMA application_id").and_then(|id| Ok((id, read("PRAGMA user_version")?)));
    let (application_id, version) = match header {
        Ok(found) => found,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return Err(not_a_ledger(path));
        }
        Err(e) => return Err(e).context("cannot read the ledger's header"),
    };
    let demo = application_id == DEMO_APPLICATION_ID;
    if application_id != 0 && !demo {
        return Ok(Inspected {
            found: Found::Foreign,
            demo,
        });
    }
    let objects = read("SELECT count(*) FROM sqlite_master").context("cannot read the schema")?;
    if objects == 0 && version == 0 {
        return Ok(Inspected {
            found: Found::Blank,
            demo,
        });
    }
    let mut has_first_tables = true;
    for table in FIRST_TABLES {
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .context("cannot read the schema")?;
        has_first_tables &= found == 1;
    }
    let found = match usize::try_from(version) {
        Ok(version) if version >= 1 && has_first_tables => Found::Ledger(version),
        _ => Found::Foreign,
    };
    Ok(Inspected { found, demo })
}

/// The error for a file dun did not make.
pub(super) fn not_a_ledger(path: &Path) -> StoreError {
    StoreError::NotALedger {
        path: path.to_path_buf(),
    }
}

/// Refuses what dun must not open: another application's database, and a
/// ledger from a newer dun. Both are left exactly as they were.
pub(super) fn check(found: Found, path: &Path) -> Result<usize> {
    match found {
        Found::Blank => Ok(0),
        Found::Foreign => Err(not_a_ledger(path)),
        Found::Ledger(version) if version > SCHEMA_VERSION => Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
        }),
        Found::Ledger(version) => Ok(version),
    }
}
