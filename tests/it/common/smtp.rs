//! A real SMTP server on 127.0.0.1 (mailin-embedded) that keeps what it
//! receives, for the tests of `dun send` and of the dashboard's mail.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Response, Server, response};

use super::{Ledger, LedgerBuilder};

/// One message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

/// Every message received so far.
pub type Mails = Arc<Mutex<Vec<Received>>>;

#[derive(Clone, Default)]
struct Catcher {
    mails: Mails,
    current: Received,
    /// How long the server takes to accept each message.
    delay: Duration,
}

impl Handler for Catcher {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Received {
            to: to.to_vec(),
            data: Vec::new(),
        };
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        std::thread::sleep(self.delay);
        self.mails
            .lock()
            .unwrap()
            .push(std::mem::take(&mut self.current));
        response::OK
    }
}

/// An SMTP server on a free port of 127.0.0.1, serving until the test ends.
pub fn smtp_server() -> (u16, Mails) {
    slow_smtp_server(Duration::ZERO)
}

/// An SMTP server that takes `delay` to accept each message, so that two
/// senders running together overlap.
pub fn slow_smtp_server(delay: Duration) -> (u16, Mails) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (port, serve_on(listener, delay))
}

/// Serves SMTP on `listener` until the test ends.
pub fn serve_on(listener: TcpListener, delay: Duration) -> Mails {
    let catcher = Catcher {
        delay,
        ..Catcher::default()
    };
    let mails = catcher.mails.clone();
    let mut server = Server::new(catcher);
    server.with_name("dun-test").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    mails
}

/// A free port of 127.0.0.1 where nothing listens (yet).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A config file in the ledger's folder: our company, and mail through the
/// server on `port`; `extra` is appended as it is.
pub fn mail_config(ledger: &Ledger, port: u16, extra: &str) -> std::path::PathBuf {
    let path = ledger.dir.path().join("dun.toml");
    std::fs::write(
        &path,
        format!(
            "[company]\nname = \"Acme Supplies Ltd\"\nemail = \"accounts@acme.example\"\nphone = \"+44 20 7946 0000\"\n\
             billing_contact = \"Jane Smith\"\niban = \"GB33BUKB20201555555555\"\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nfrom = \"Acme Accounts <ar@acme.example>\"\n{extra}"
        ),
    )
    .unwrap();
    path
}

/// `dun send` with the config file `config`.
pub fn send(ledger: &Ledger, config: &Path) -> Output {
    ledger
        .dun()
        .arg("--config")
        .arg(config)
        .arg("send")
        .output()
        .unwrap()
}

/// `dun send --dry-run` into an outbox folder: its output and the files.
pub fn dry_run(l: &Ledger, cfg: &Path) -> (String, Vec<PathBuf>) {
    let outbox = l.dir.path().join("outbox");
    let out = l
        .dun()
        .arg("--config")
        .arg(cfg)
        .args(["send", "--dry-run", "--to-dir"])
        .arg(&outbox)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    (String::from_utf8(out.stdout).unwrap(), files)
}

/// Twelve customers, each with one overdue email due today: C01 owes
/// 101.00 … C12 owes 112.00, so C12 comes first.
pub fn twelve_overdue() -> Ledger {
    let mut builder = LedgerBuilder::new();
    for n in 1..=12 {
        let code = format!("C{n:02}");
        builder = builder
            .customer_with(&code, &format!("Customer {n}"), |c| {
                c.email(&format!("ap{n}@example.com"))
            })
            .invoice(
                &format!("{code}-1"),
                &code,
                "2026-10-01",
                "2026-11-16",
                &format!("{}", 100 + n),
            );
    }
    builder.build()
}
