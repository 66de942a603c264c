//! The dashboard: aging, agenda and customer screens, driven by the
//! keyboard. `app` holds the state and applies actions, `ui` draws it,
//! `keymap` turns keys into actions; the shell (`commands::dashboard`)
//! loads the data and carries out the writes, and hands each outcome back
//! as a `message::Message` for the app to handle.

pub mod action;
pub mod app;
pub mod form;
pub mod keymap;
pub mod message;
pub mod model;
pub mod palette;
pub mod requests;
pub mod sort;
pub mod ui;
