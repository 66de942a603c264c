//! What `dun config check` reports beyond validity: the profiles in force,
//! built in or configured, and the company details letters print.

use std::collections::BTreeMap;

use super::{Company, Config, DunningSpec};

/// A profile in force, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    /// Its name.
    pub name: String,
    /// True when built in and not redefined by the config.
    pub built_in: bool,
}

/// Overrides of a built-in policy profile the ladder can use: only its
/// stages, so a ladder of one's own keeps the profile for the stages it has.
fn builtin_policy_profiles(dunning: &DunningSpec) -> BTreeMap<String, BTreeMap<String, i32>> {
    let has = |id: &str| dunning.stage.iter().any(|s| s.id == id);
    DunningSpec::default()
        .profiles
        .into_iter()
        .map(|(name, overrides)| {
            let kept = overrides.into_iter().filter(|(id, _)| has(id)).collect();
            (name, kept)
        })
        .collect()
}

impl Config {
    /// `[dunning.profiles]` adds to the built-in profiles and redefines one
    /// only by name. A built-in profile the file does not name keeps the
    /// overrides for the stages of the ladder in force.
    pub(super) fn add_builtin_profiles(&mut self) {
        let defaults = DunningSpec::default().profiles;
        for (name, overrides) in builtin_policy_profiles(&self.dunning) {
            let written = self.dunning.profiles.get(&name);
            // Left out of the file, or the built-in default itself.
            if written.is_none_or(|w| defaults.get(&name) == Some(w)) {
                self.dunning.profiles.insert(name, overrides);
            }
        }
    }

    /// The dunning policy profiles in force.
    pub fn policy_profiles(&self) -> Vec<InForce> {
        let builtins = builtin_policy_profiles(&self.dunning);
        self.dunning
            .profiles
            .iter()
            .map(|(name, overrides)| InForce {
                name: name.clone(),
                built_in: builtins.get(name) == Some(overrides),
            })
            .collect()
    }

    /// The import profiles in force: the built-in ones, then the config's
    /// (one named like a built-in one replaces it).
    pub fn import_profiles(&self) -> Vec<InForce> {
        let configured = &self.import.profiles;
        let builtins = crate::import::profile::BUILTIN
            .iter()
            .filter(|name| !configured.contains_key(**name))
            .map(|name| InForce {
                name: (*name).to_string(),
                built_in: true,
            });
        let own = configured.keys().map(|name| InForce {
            name: name.clone(),
            built_in: false,
        });
        builtins.chain(own).collect()
    }
}

impl Company {
    /// The fields reminders and letters print that are empty, each with
    /// what it is printed for.
    pub fn missing_for_letters(&self) -> Vec<(&'static str, &'static str)> {
        [
            (
                &self.name,
                "name",
                "the sender and the payee of a bank transfer",
            ),
            (&self.address, "address", "the letterhead"),
            (&self.email, "email", "the letterhead and whom to ask"),
            (&self.phone, "phone", "the letterhead and whom to ask"),
            (
                &self.billing_contact,
                "billing_contact",
                "whom to ask and the signature",
            ),
            (&self.iban, "iban", "how to pay by bank transfer"),
        ]
        .into_iter()
        .filter(|(value, _, _)| value.trim().is_empty())
        .map(|(_, key, used)| (key, used))
        .collect()
    }
}
