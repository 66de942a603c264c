//! Text from data (names, notes, file contents) made safe for a terminal.

use std::borrow::Cow;
use std::fmt::Write;

/// True for characters that must never reach a terminal raw: C0 and C1
/// controls (ESC starts escape sequences), DEL, and the bidirectional
/// overrides that can make text display in a misleading order.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{2028}' | '\u{2029}'
        )
}

/// The longest a short text may be, in characters: a code, an invoice
/// number, a name, an email address, a phone number, a reference.
pub const MAX_SHORT: usize = 200;

/// The longest a long text may be, in characters: a note, an outcome, a
/// reason.
pub const MAX_LONG: usize = 4000;

/// How much of a value an error message quotes, in characters.
pub const QUOTED: usize = 40;

/// Refuses text typed for a short field (a code, a name, a reference)
/// that holds control characters or is longer than [`MAX_SHORT`], naming
/// the field.
pub fn check_field(field: &str, text: &str) -> Result<(), String> {
    match unsafe_char(text) {
        Some(why) => Err(format!("{field} {why}")),
        None => check_length(field, text, MAX_SHORT),
    }
}

/// Refuses text longer than `max` characters, naming the field.
pub fn check_length(field: &str, text: &str, max: usize) -> Result<(), String> {
    // Bytes first: most text is short, and counting characters is slower.
    if text.len() <= max {
        return Ok(());
    }
    match text.chars().count() {
        n if n > max => Err(format!(
            "{field} is {n} characters long; expected at most {max} characters"
        )),
        _ => Ok(()),
    }
}

/// A value as an error message quotes it: made safe for a terminal and
/// cut to its first [`QUOTED`] characters, so a hostile value of any size
/// costs a line.
pub fn excerpt(text: &str) -> String {
    let cut = text.char_indices().nth(QUOTED).map(|(i, _)| i);
    match cut {
        Some(i) => format!("{}…", sanitize(&text[..i])),
        None => sanitize(text).into_owned(),
    }
}

/// What is wrong with text that holds an unsafe character ("contains the
/// control character U+001B; expected plain text"), if anything is.
pub fn unsafe_char(text: &str) -> Option<String> {
    text.chars().find(|c| is_unsafe(*c)).map(|c| {
        format!(
            "contains the control character U+{:04X}; expected plain text",
            u32::from(c)
        )
    })
}

/// Replaces every unsafe character with a visible escape such as `\x1b`,
/// so hostile data is shown, not obeyed. Borrows when nothing needs to change.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let code = u32::from(c);
            let _ = if code < 0x100 {
                write!(out, "\\x{code:02x}")
            } else {
                write!(out, "\\u{{{code:04x}}}")
            };
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_controls_and_keeps_ordinary_text() {
        assert_eq!(sanitize("Rossi & Figli S.r.l."), "Rossi & Figli S.r.l.");
        assert_eq!(sanitize("Société Générale"), "Société Générale");
        assert_eq!(sanitize("Evil\u{1b}[2J Corp"), "Evil\\x1b[2J Corp");
        assert_eq!(sanitize("a\r\nb\u{7f}"), "a\\x0d\\x0ab\\x7f");
        assert_eq!(sanitize("x\u{9b}31m"), "x\\x9b31m");
        assert_eq!(sanitize("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(sanitize("x\u{200f}y"), "x\\u{200f}y");
        assert!(super::check_field("--name", "Acme\u{1b}").is_err());
        assert!(super::check_field("--name", "Société Générale").is_ok());
        assert!(super::check_field("--name", &"é".repeat(200)).is_ok());
        assert!(super::check_field("--name", &"é".repeat(201)).is_err());
        assert_eq!(super::excerpt(&"x".repeat(5000)).chars().count(), 41);
        assert_eq!(super::excerpt("a\u{1b}b"), "a\\x1bb");
    }
}
