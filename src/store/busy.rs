//! Waiting for another writer. SQLite lets one write at a time; an import
//! can hold the ledger for minutes, so a write waits for it rather than
//! failing, and the front end is told once that it is waiting.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{Context, Result};

/// How long a connection waits for a lock another process holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// As long as the other write runs (the command line).
    Patiently,
    /// At most this long, then the ledger is reported busy (the
    /// dashboard, which must never freeze).
    AtMost(Duration),
}

/// What to do once a wait has lasted about a second; set by the front end.
static NOTICE: OnceLock<fn()> = OnceLock::new();
/// Whether the notice was given: once per process is enough.
static NOTICED: AtomicBool = AtomicBool::new(false);

/// Rounds of the patient busy handler before the notice (about a second).
const NOTICE_AFTER: i32 = 20;

/// Sets what a patient wait does once it has lasted about a second (the
/// command line prints a line on stderr). Only the first call counts.
pub fn when_waiting(notice: fn()) {
    let _ = NOTICE.set(notice);
}

/// SQLite's busy handler for [`Wait::Patiently`]: never gives up (a lock
/// is only ever held by a live process; a killed one releases it).
fn patient(round: i32) -> bool {
    pause(round);
    true
}

/// One round of waiting: a little longer each round up to 64 ms, and the
/// notice once the wait has lasted about a second.
fn pause(round: i32) {
    if round == NOTICE_AFTER
        && !NOTICED.swap(true, Ordering::Relaxed)
        && let Some(notice) = NOTICE.get()
    {
        notice();
    }
    let shift = u32::try_from(round.clamp(0, 6)).unwrap_or(6);
    std::thread::sleep(Duration::from_millis(1 << shift));
}

/// Runs `attempt` again for as long as `wait` allows while it fails as
/// busy. SQLite answers some locks with "busy" at once, without its busy
/// handler: switching the journal mode while another process holds the
/// ledger, starting a write while one is switching it.
pub(super) fn retry<T>(
    wait: Wait,
    mut attempt: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let started = Instant::now();
    let mut round = 0;
    loop {
        match attempt() {
            Err(e) if is_busy(&e) => {
                if let Wait::AtMost(limit) = wait
                    && started.elapsed() >= limit
                {
                    return Err(e);
                }
            }
            done => return done,
        }
        pause(round);
        round = round.saturating_add(1);
    }
}

/// Sets how `conn` waits for other processes' locks.
pub(super) fn set_wait(conn: &Connection, wait: Wait) -> Result<()> {
    match wait {
        Wait::Patiently => conn.busy_handler(Some(patient)),
        Wait::AtMost(limit) => conn.busy_timeout(limit),
    }
    .context("cannot set how the ledger waits for other writers")
}

/// True when SQLite gave up on a lock another connection holds.
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
