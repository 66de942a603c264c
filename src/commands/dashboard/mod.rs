//! `dun` and `dun demo`: the dashboard. Loads the board, runs the terminal
//! loop, and carries out the app's effects against the ledger.

mod apply;
mod load;
mod watch;

pub use apply::{Applied, apply, run_effects};
pub use load::{load_board, load_customer};
pub use watch::Watch;

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;

use super::Session;
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::app::{App, Effect};
use crate::tui::keymap::{Key, Keymap};
use crate::tui::message::Message;
use crate::tui::ui;

/// Appends a line to the log file beside the ledger; never to the screen.
/// The file is the owner's alone (0600, whatever the umask), and holds
/// what the dashboard did and how long it took: actions, timings, which
/// kind of write or send succeeded; never text typed into a form, amounts,
/// names or addresses.
pub(super) fn log_line(session: &Session, line: &str) {
    let mut path = session.db.clone().into_os_string();
    path.push(".log");
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    if let Ok(mut file) = options.open(path) {
        // A file made by an earlier version, or under a lax umask, is
        // narrowed to its owner before anything is written to it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if file
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .is_err()
            {
                return;
            }
        }
        let _ = writeln!(
            file,
            "{} {}",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            crate::text::sanitize(line)
        );
    }
}

/// The keymap: defaults, with `keymap.toml` from the config folder merged over them.
fn keymap() -> Result<Keymap> {
    let Some(path) = super::project_dirs().map(|d| d.config_dir().join("keymap.toml")) else {
        return Ok(Keymap::default_map());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            Keymap::with_user(&text).map_err(|e| anyhow::anyhow!("keymap {}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default_map()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Opens the dashboard on the session's ledger, or prints the aging when
/// the output is not a terminal.
pub(super) fn run(session: &Session, out: &mut dyn Write) -> Result<()> {
    let mut store = session.open_existing()?;
    if !std::io::stdout().is_terminal() {
        writeln!(
            out,
            "(the dashboard needs a terminal; showing the aging instead)"
        )?;
        return super::report::print_summary(session, &store, out);
    }
    let keymap = keymap()?;
    let started = Instant::now();
    let board = load_board(session, &store)?;
    let mut app = App::new(board, keymap).with_display(
        session.config.config.locale,
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    );
    log_line(session, &format!("board loaded in {:?}", started.elapsed()));
    let mut terminal = ratatui::try_init().context("cannot take over the terminal")?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let result = event_loop(session, &mut store, &mut app, &mut terminal, started);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::try_restore().context("cannot restore the terminal")?;
    result
}

/// How often the ledger is checked for writes made elsewhere.
const WATCH: Duration = Duration::from_millis(200);

/// What the loop wakes up for.
enum Wake {
    /// A key, a click, a resize.
    Input(Event),
    /// A write made elsewhere: the effect that reloads what it changed.
    Reload(Effect),
    /// Nothing for one watch period: a tick, so status messages fade.
    Idle,
}

/// Waits one watch period for the next terminal event, else checks the
/// ledger for writes made elsewhere.
fn next_event(store: &Store, watch: &mut Watch) -> Result<Wake> {
    if event::poll(WATCH).context("cannot read the keyboard")? {
        return Ok(Wake::Input(
            event::read().context("cannot read the keyboard")?,
        ));
    }
    Ok(match watch.changes(store)? {
        Some(reload) => Wake::Reload(reload),
        None => Wake::Idle,
    })
}

fn event_loop(
    session: &Session,
    store: &mut Store,
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    started: Instant,
) -> Result<()> {
    // A keystroke is timed from its arrival to the end of the frame that
    // shows its result; the log file keeps each time (see BENCHMARKS.md).
    let mut pending: Option<(Instant, String)> = None;
    let mut first = true;
    let mut watch = Watch::new(store)?;
    while !app.quit {
        let height = terminal.size().map(|s| s.height).unwrap_or(24);
        app.handle(Message::Resized(ui::page_rows(height)));
        terminal
            .draw(|frame| ui::draw(app, frame))
            .context("cannot draw")?;
        if first {
            log_line(
                session,
                &format!(
                    "first frame after {} ms",
                    started.elapsed().as_secs_f64() * 1e3
                ),
            );
            first = false;
        }
        if let Some((at, key)) = pending.take() {
            log_line(
                session,
                &format!(
                    "keystroke {key} took {:.3} ms",
                    at.elapsed().as_secs_f64() * 1e3
                ),
            );
        }
        let event = match next_event(store, &mut watch)? {
            Wake::Input(event) => event,
            Wake::Reload(reload) => {
                // The ledger was written elsewhere: show what it holds now.
                if let Err(e) = run_effects(session, store, app, vec![reload]) {
                    app.handle(Message::Failed(format!("{e:#}")));
                }
                continue;
            }
            Wake::Idle => {
                let retry = app.tick();
                if let Err(e) = run_effects(session, store, app, retry) {
                    app.handle(Message::Failed(format!("{e:#}")));
                }
                continue;
            }
        };
        let arrived = Instant::now();
        let effects = match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                // The log names the action, never the key typed into a form.
                let action = Key::from_event(&key)
                    .and_then(|k| app.keymap.action(app.mode(), k))
                    .map_or("typing", Action::name);
                pending = Some((arrived, action.to_string()));
                app.key(key)
            }
            Event::Mouse(mouse) => match mouse.kind {
                MouseEventKind::ScrollDown => app.update(Action::MoveDown),
                MouseEventKind::ScrollUp => app.update(Action::MoveUp),
                MouseEventKind::Down(MouseButton::Left) => {
                    let size = terminal.size().unwrap_or_default();
                    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
                    app.click(ui::hit(app, area, mouse.column, mouse.row))
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        if !effects.is_empty()
            && let Err(e) = run_effects(session, store, app, effects)
        {
            app.handle(Message::Failed(format!("{e:#}")));
        }
    }
    Ok(())
}
