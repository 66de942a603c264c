//! What comes back to the app from the shell: the outcome of each effect it
//! carried out (a customer loaded, a write saved, a board refreshed, an
//! email ready or sent). The shell computes the data and hands it over as
//! a message; only `App::handle` changes the state.

use super::app::Preview;
use super::model::{AgendaRow, AgingRow, Board, CustomerDetail};

/// The outcome of an effect, for `App::handle`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The customer screen's data was loaded: show that customer.
    CustomerLoaded(CustomerDetail),
    /// A write finished: the status line's message, or the error to show
    /// in the form (on the status line when no form is open).
    Saved(Result<String, String>),
    /// A save found the ledger busy with another dun's write: the form
    /// stays open saying so, and is saved again on the next idle tick.
    Waiting(String),
    /// One customer's rows and agenda items were recomputed after a write.
    Refreshed {
        /// The customer written to.
        customer_id: i64,
        /// Its aging rows now (none when it owes nothing).
        rows: Vec<AgingRow>,
        /// Its agenda items now.
        agenda: Vec<AgendaRow>,
        /// Its customer screen reloaded, when that customer is open; shown
        /// without leaving the screen the user is on.
        detail: Option<CustomerDetail>,
    },
    /// The email an agenda item asks for, ready to be shown before sending.
    PreviewReady(Preview),
    /// An email was sent, or could not be: the preview closes and the
    /// status line says which.
    Sent(Result<String, String>),
    /// The whole board was reloaded from the ledger, and the open
    /// customer's screen with it: shown in place of what was there,
    /// keeping the selections on the same rows.
    Reloaded {
        /// The board now.
        board: Board,
        /// The open customer's screen now; `None` when none is open or it
        /// is gone.
        detail: Option<CustomerDetail>,
    },
    /// A write went through: how to undo it, or `None` when it cannot be
    /// undone from the dashboard (it replaces what `u` would undo).
    Undoable(Option<super::requests::Undo>),
    /// The shell could not carry out an effect: the status line says why.
    Failed(String),
    /// The Insight screen's figures were worked out.
    InsightLoaded(super::app::InsightView),
    /// The terminal was drawn with this many rows in the list areas: the
    /// size of a page for page up and page down.
    Resized(usize),
}
