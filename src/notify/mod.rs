//! Talking to customers: reminders and statements rendered from templates
//! in the customer's language, and mail that cannot be made to carry
//! extra headers or recipients.

pub mod mail;
pub mod render;

pub use mail::{MailError, mailbox, message};
pub use render::{
    InvoiceLine, MissedInstalment, Party, ReminderContext, ReminderKind, Rendered, Renderer,
    StatementContext, StatementLine,
};
