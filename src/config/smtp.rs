//! `[smtp]`: how to reach the mail server, and the rules that keep its
//! secrets: no password in the file, no credentials in the clear to a host
//! other than this machine.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Deserialize;

use super::{Problem, problem};

/// How to reach the mail server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Transport security.
    pub tls: TlsMode,
    /// Login name, if the server wants one.
    pub username: Option<String>,
    /// A password written in the file: refused, never read or kept.
    pub password: Option<Present>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// Command whose output is the password.
    pub password_command: Option<String>,
    /// The From header.
    pub from: String,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: 587,
            tls: TlsMode::Starttls,
            username: None,
            password: None,
            password_env: None,
            password_command: None,
            from: String::new(),
        }
    }
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text (local relays and tests only).
    None,
    /// Upgrade with STARTTLS.
    Starttls,
    /// TLS from the first byte.
    Tls,
}

/// A key that is there, its value thrown away unread: a secret written
/// where it must not be, to be refused by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Present)
    }
}

impl SmtpConfig {
    /// No password in the file; credentials in the clear only to 127.0.0.1
    /// or ::1. Errors name the key, never a value.
    pub(super) fn check(&self) -> Result<(), Problem> {
        if self.password.is_some() {
            return Err(problem(
                "smtp.password",
                "a password is never read from the config file; name an environment \
                 variable holding it in smtp.password_env, or a command printing it in \
                 smtp.password_command"
                    .into(),
            ));
        }
        if self.tls == TlsMode::None && self.username.is_some() && !is_loopback(&self.host) {
            return Err(problem(
                "smtp.tls",
                "\"none\" would send the login (smtp.username) unencrypted to smtp.host; \
                 expected \"starttls\" or \"tls\", or a relay on 127.0.0.1 or ::1"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// True for 127.0.0.1 and ::1 (brackets allowed), this machine's loopback.
fn is_loopback(host: &str) -> bool {
    let host = host.trim();
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    matches!(bare.parse::<IpAddr>(),
        Ok(ip) if ip == IpAddr::V4(Ipv4Addr::LOCALHOST) || ip == IpAddr::V6(Ipv6Addr::LOCALHOST))
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_this_machine_is_loopback() {
        assert!(is_loopback("127.0.0.1") && is_loopback("::1") && is_loopback("[::1]"));
        for other in [
            "localhost.example.com",
            "127.0.0.2",
            "10.0.0.1",
            "mail.example.com",
            "",
        ] {
            assert!(!is_loopback(other), "{other}");
        }
    }
}
