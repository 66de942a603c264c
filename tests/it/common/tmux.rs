//! The real binary in a real terminal: a tmux server of the test's own.
//! Needs tmux (`.ci/run` installs it).

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A tmux server of the test's own, with one session `dun`.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        // Tests run side by side in one process: a server each.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let socket = format!("dun-e2e-{}-{n}", std::process::id());
        Tmux { socket }
    }

    /// Runs the dashboard (`dun --db DB --as-of AS_OF ARGS…`) in a fresh
    /// home under `home`, in a WIDTHxHEIGHT terminal, with umask 022.
    pub fn dashboard(home: &Path, db: &Path, args: &str, (width, height): (u16, u16)) -> Tmux {
        let home = home.display();
        let command = format!(
            "umask 022; env -u DUN_DB -u DUN_CONFIG HOME={home} XDG_CONFIG_HOME={home}/config TERM=xterm-256color {} --db {} --as-of {} {args}; echo DUN-EXIT=$?; sleep 30",
            env!("CARGO_BIN_EXE_dun"),
            db.display(),
            super::AS_OF,
        );
        let tmux = Tmux::new();
        let (width, height) = (width.to_string(), height.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "dun",
            "-x",
            &width,
            "-y",
            &height,
            &command,
        ]);
        tmux
    }

    /// The dashboard on `ledger` in a 120×40 terminal, once it shows the
    /// board.
    pub fn board(ledger: &super::Ledger) -> Tmux {
        let tmux = Tmux::dashboard(ledger.dir.path(), &ledger.db, "", (120, 40));
        tmux.wait_for("2 Agenda");
        tmux
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "dun"])
    }

    /// Waits until the screen shows `text`; at most ten seconds.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_within(text, Duration::from_secs(10))
    }

    /// Waits until the screen shows `text`, at most `limit`.
    pub fn wait_within(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < limit,
                "waited for {text:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen no longer shows `text`; at most ten seconds.
    pub fn wait_gone(&self, text: &str) {
        let start = Instant::now();
        while self.screen().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "waited for {text:?} to go; the screen shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Quits the dashboard with `q` and waits for it to exit cleanly.
    pub fn quit(&self) {
        self.keys(&["q"]);
        self.wait_for("DUN-EXIT=0");
    }

    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "dun", key]);
        }
    }

    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "dun", "-l", text]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
