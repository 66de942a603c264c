//! Matching an export's customers to the ledger's: by code, else by name;
//! new ones are created, and a file's email, name or customer-since date
//! updates a known one.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::layout::fold;
use crate::store::{ImportTx, KnownCustomer, StoreError};
use dun_core::ledger::CustomerId;

/// Who a row names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerKey {
    /// A code, when the file has a code column.
    pub code: Option<String>,
    /// A name, when the file has a name column.
    pub name: Option<String>,
    /// A value that may be a code or a name.
    pub either: Option<String>,
    /// An email to keep on the customer.
    pub email: Option<String>,
    /// When the relationship began, when the file has a column for it.
    pub since: Option<NaiveDate>,
}

impl CustomerKey {
    /// How the row names its customer, for messages.
    pub fn label(&self) -> &str {
        self.code
            .as_deref()
            .or(self.either.as_deref())
            .or(self.name.as_deref())
            .unwrap_or("")
    }
}

/// The ledger's customers, indexed for matching, kept in step with what
/// the import creates.
pub struct CustomerIndex {
    known: Vec<KnownCustomer>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    by_id: HashMap<CustomerId, usize>,
    /// Customers created so far.
    pub created: u64,
    /// Customers updated so far.
    pub updated: u64,
}

impl CustomerIndex {
    /// Reads every customer.
    pub fn load(tx: &ImportTx<'_>) -> Result<CustomerIndex, StoreError> {
        let mut index = CustomerIndex {
            known: Vec::new(),
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            by_id: HashMap::new(),
            created: 0,
            updated: 0,
        };
        for customer in tx.customers()? {
            index.add(customer);
        }
        Ok(index)
    }

    fn add(&mut self, customer: KnownCustomer) {
        let i = self.known.len();
        self.by_code.insert(customer.code.clone(), i);
        self.by_id.insert(customer.id, i);
        self.by_name
            .entry(fold(&customer.name))
            .or_default()
            .push(i);
        self.known.push(customer);
    }

    /// The code of the customer with this id.
    pub fn code(&self, id: CustomerId) -> Option<&str> {
        self.by_id.get(&id).map(|&i| self.known[i].code.as_str())
    }

    /// The customer a row names without creating or changing anything:
    /// `Ok(None)` when there is none, `Err` when the name is not unique.
    pub fn find(&self, key: &CustomerKey) -> Result<Option<CustomerId>, String> {
        Ok(self.position(key)?.map(|i| self.known[i].id))
    }

    fn position(&self, key: &CustomerKey) -> Result<Option<usize>, String> {
        if let Some(code) = key.code.as_deref() {
            return Ok(self.by_code.get(code).copied());
        }
        if let Some(either) = key.either.as_deref()
            && let Some(&i) = self.by_code.get(either)
        {
            return Ok(Some(i));
        }
        let Some(name) = key.name.as_deref().or(key.either.as_deref()) else {
            return Ok(None);
        };
        match self.by_name.get(&fold(name)).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([i]) => Ok(Some(*i)),
            Some(many) => Err(format!(
                "{} customers are named '{name}' ({}); add a customer code column",
                many.len(),
                many.iter()
                    .map(|&i| self.known[i].code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// The customer a row names, created when new and updated when the
    /// file gives a different name (matched by code), email or start of the
    /// relationship.
    pub fn resolve(
        &mut self,
        tx: &mut ImportTx<'_>,
        key: &CustomerKey,
    ) -> Result<Result<CustomerId, String>, StoreError> {
        match self.position(key) {
            Ok(Some(i)) => self.update(tx, i, key).map(Ok),
            Ok(None) => self.create(tx, key).map(Ok),
            Err(why) => Ok(Err(why)),
        }
    }

    /// The payment terms of a customer, when it has them.
    pub fn terms_days(&self, id: CustomerId) -> Option<u32> {
        self.known
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.terms_days)
    }

    /// Brings a known customer in line with what the row says of it.
    fn update(
        &mut self,
        tx: &mut ImportTx<'_>,
        i: usize,
        key: &CustomerKey,
    ) -> Result<CustomerId, StoreError> {
        let known = &self.known[i];
        let by_code = key.code.is_some() || key.either.as_deref() == Some(known.code.as_str());
        let new_name = key.name.as_deref().filter(|n| by_code && *n != known.name);
        let new_email = key
            .email
            .as_deref()
            .filter(|e| known.email.as_deref() != Some(*e));
        let new_since = key.since.filter(|s| known.since != Some(*s));
        if new_name.is_none() && new_email.is_none() && new_since.is_none() {
            return Ok(known.id);
        }
        let changed = KnownCustomer {
            name: new_name.unwrap_or(&known.name).to_string(),
            email: new_email.or(known.email.as_deref()).map(str::to_string),
            since: new_since.or(known.since),
            ..known.clone()
        };
        tx.update_customer(&changed)?;
        if changed.name != self.known[i].name {
            let old = fold(&self.known[i].name);
            if let Some(list) = self.by_name.get_mut(&old) {
                list.retain(|&j| j != i);
            }
            self.by_name.entry(fold(&changed.name)).or_default().push(i);
        }
        let id = changed.id;
        self.known[i] = changed;
        self.updated += 1;
        Ok(id)
    }

    /// Creates the customer a row names.
    fn create(
        &mut self,
        tx: &mut ImportTx<'_>,
        key: &CustomerKey,
    ) -> Result<CustomerId, StoreError> {
        let name = key
            .name
            .clone()
            .or_else(|| key.either.clone())
            .or_else(|| key.code.clone())
            .unwrap_or_default();
        let code = match key
            .code
            .clone()
            .or_else(|| key.name.as_ref().and(key.either.clone()))
        {
            Some(code) => code,
            None => self.code_for(&name),
        };
        let mut customer = KnownCustomer {
            id: 0,
            code,
            name,
            email: key.email.clone(),
            since: key.since,
            terms_days: None,
        };
        customer.id = tx.create_customer(&customer)?;
        let id = customer.id;
        self.add(customer);
        self.created += 1;
        Ok(id)
    }

    /// A new code made from a name: its letters and digits in capitals,
    /// made unique with a number.
    fn code_for(&self, name: &str) -> String {
        let base: String = fold(name)
            .split(' ')
            .collect::<Vec<_>>()
            .join("-")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(16)
            .collect::<String>()
            .trim_matches('-')
            .to_ascii_uppercase();
        let base = if base.is_empty() {
            "CUSTOMER".to_string()
        } else {
            base
        };
        if !self.by_code.contains_key(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|c| !self.by_code.contains_key(c))
            .unwrap_or(base)
    }
}
