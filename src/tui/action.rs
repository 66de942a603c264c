//! Every user intent on the dashboard is one `Action`. Keys map to actions
//! (see `keymap`), actions change the app state (see `app`). The names are
//! the ones the keymap file uses, and the help screen shows the doc lines.

use std::fmt;

macro_rules! actions {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// Something the bookkeeper asks the dashboard to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The snake_case name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// One line for the help screen.
            pub fn describe(self) -> &'static str {
                match self { $(Action::$variant => concat!($($doc),*).trim_ascii(),)* }
            }

            /// The action with this keymap name.
            pub fn from_name(name: &str) -> Option<Action> {
                Action::ALL.iter().copied().find(|a| a.name() == name)
            }
        }
    };
}

actions! {
    /// Leave dun.
    Quit => "quit",
    /// Close the overlay or go back to the previous screen.
    Back => "back",
    /// Show the keys that work here.
    Help => "help",
    /// Show the aging of every customer.
    ShowAging => "show_aging",
    /// Show today's agenda.
    ShowAgenda => "show_agenda",
    /// Show DSO, CEI, the cash forecast and this week's changes.
    ShowInsight => "show_insight",
    /// Go to the next screen.
    NextScreen => "next_screen",
    /// Move the selection down.
    MoveDown => "move_down",
    /// Move the selection up.
    MoveUp => "move_up",
    /// Move down a page.
    PageDown => "page_down",
    /// Move up a page.
    PageUp => "page_up",
    /// Go to the first row.
    First => "first",
    /// Go to the last row.
    Last => "last",
    /// Open the selected customer.
    Open => "open",
    /// Filter customers by code, name or invoice number.
    Filter => "filter",
    /// Show only one action on the agenda (calls, emails…), in turn.
    FilterAction => "filter_action",
    /// Choose the column to sort by.
    SortMenu => "sort_menu",
    /// Reverse the sort order.
    SortReverse => "sort_reverse",
    /// Log a follow-up (call, email, promise…) for the selected customer.
    LogFollowUp => "log_follow_up",
    /// Log the selected agenda item's action as done.
    MarkDone => "mark_done",
    /// Record a payment from the selected customer.
    RecordPayment => "record_payment",
    /// Open a dispute on the selected invoice.
    Dispute => "dispute",
    /// Resolve the selected invoice's dispute.
    ResolveDispute => "resolve_dispute",
    /// Put the customer on hold, or release the hold.
    ToggleHold => "toggle_hold",
    /// Preview the selected agenda item's email, then send it.
    PreviewMessage => "preview_message",
    /// Edit the open customer's notes.
    EditNotes => "edit_notes",
    /// Find any action by name and run it.
    Palette => "palette",
    /// Reload everything from the ledger (dun also does when it changes).
    Reload => "reload",
    /// Undo the last follow-up, payment or promise saved in this session.
    Undo => "undo",
    /// On the customer screen: pick a follow-up, payment or promise to remove.
    RemoveEntry => "remove_entry",
    /// Show the bank lines waiting to be allocated.
    ShowWaiting => "show_waiting",
    /// On the waiting bank lines: choose the next candidate of the line.
    NextCandidate => "next_candidate",
    /// On the waiting bank lines: allocate the line to the chosen
    /// candidate (asks first; the same key again confirms).
    Allocate => "allocate",
    /// In a form: go to the next field.
    NextField => "next_field",
    /// In a form: go to the previous field.
    PreviousField => "previous_field",
    /// In a form: save.
    Submit => "submit",
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn names_round_trip_and_every_action_is_described() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(*action));
            assert!(!action.describe().is_empty(), "{action}");
            assert!(
                action
                    .name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
        }
        assert_eq!(Action::from_name("explode"), None);
    }
}
