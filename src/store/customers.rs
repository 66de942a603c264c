//! Customers and their contacts.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter};

use super::rows::{self, iso};
use super::{Context, Result, Store, StoreError, Tx};
use dun_core::ledger::{Contact, ContactRole, Customer, CustomerId, EarlyDiscount};
use dun_core::money::Money;

const SELECT: &str = "SELECT id, code, name, email, phone, language, payment_terms_days,
        discount_percent, discount_days, credit_limit_minor, credit_currency,
        policy_profile, notes, created_on FROM customer";

impl Tx<'_> {
    /// Adds a customer; refuses a code already in use.
    pub(crate) fn insert_customer(&self, customer: &Customer) -> Result<CustomerId> {
        insert_customer(self.sql(), customer)
    }

    /// Writes back every field of an existing customer, contacts included.
    pub(crate) fn update_customer(&self, customer: &Customer) -> Result<()> {
        let tx = self.sql();
        {
            let mut values = field_values(customer)?;
            values.push(Value::Integer(customer.id));
            tx.execute(
                "UPDATE customer SET code = ?1, name = ?2, email = ?3, phone = ?4, language = ?5,
                    payment_terms_days = ?6, discount_percent = ?7, discount_days = ?8,
                    credit_limit_minor = ?9, credit_currency = ?10, policy_profile = ?11,
                    notes = ?12, created_on = ?13
                 WHERE id = ?14",
                params_from_iter(values),
            )
            .context("cannot update customer")?;
            tx.execute("DELETE FROM contact WHERE customer_id = ?1", [customer.id])
                .context("cannot replace contacts")?;
            insert_contacts(tx, customer.id, &customer.contacts)
        }
    }
}

impl Store {
    /// The customer with this id.
    pub fn customer_by_id(&self, id: CustomerId) -> Result<Customer> {
        let sql = format!("{SELECT} WHERE id = ?1");
        let found = self
            .conn()
            .query_row(&sql, [id], read_customer)
            .optional()
            .context("cannot look up customer")?;
        let mut customer = found.ok_or_else(|| StoreError::NotFound {
            what: "customer",
            key: id.to_string(),
        })??;
        customer.contacts = self.contacts_of(customer.id)?;
        Ok(customer)
    }

    /// The customer with this code.
    pub fn customer_by_code(&self, code: &str) -> Result<Customer> {
        let sql = format!("{SELECT} WHERE code = ?1");
        let found = self
            .conn()
            .query_row(&sql, [code.trim()], read_customer)
            .optional()
            .context("cannot look up customer")?;
        let mut customer = found.ok_or_else(|| StoreError::NotFound {
            what: "customer",
            key: code.to_string(),
        })??;
        customer.contacts = self.contacts_of(customer.id)?;
        Ok(customer)
    }

    /// Every customer, ordered by code, with contacts.
    pub fn customers(&self) -> Result<Vec<Customer>> {
        let sql = format!("{SELECT} ORDER BY code");
        let mut stmt = self.conn().prepare(&sql).context("cannot list customers")?;
        let mut customers = stmt
            .query_map([], read_customer)
            .context("cannot list customers")?
            .map(|r| r.context("cannot read customer")?)
            .collect::<Result<Vec<_>>>()?;
        let mut contacts = self.all_contacts()?;
        contacts.sort_by_key(|(id, _)| *id);
        for customer in &mut customers {
            let start = contacts.partition_point(|(id, _)| *id < customer.id);
            customer.contacts = contacts[start..]
                .iter()
                .take_while(|(id, _)| *id == customer.id)
                .map(|(_, c)| c.clone())
                .collect();
        }
        Ok(customers)
    }

    /// Every customer's code and name, by id: what lists need to label rows.
    pub fn customer_names(
        &self,
    ) -> Result<std::collections::HashMap<CustomerId, (String, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, code, name FROM customer")
            .context("cannot list customers")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?))))
            .context("cannot list customers")?;
        rows.map(|r| r.context("cannot read customer")).collect()
    }

    /// Every customer's policy profile (none: the standard ladder), by id:
    /// what the payers report compares each record with.
    pub fn policy_profiles(
        &self,
    ) -> Result<std::collections::BTreeMap<CustomerId, Option<String>>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, policy_profile FROM customer")
            .context("cannot list customers")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))
            .context("cannot list customers")?;
        rows.map(|r| r.context("cannot read customer")).collect()
    }

    fn contacts_of(&self, customer_id: CustomerId) -> Result<Vec<Contact>> {
        Ok(self
            .query_contacts("WHERE customer_id = ?1", customer_id)?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    fn all_contacts(&self) -> Result<Vec<(CustomerId, Contact)>> {
        self.query_contacts("WHERE ?1 = ?1", 0)
    }

    fn query_contacts(&self, filter: &str, arg: i64) -> Result<Vec<(CustomerId, Contact)>> {
        let sql = format!(
            "SELECT customer_id, role, name, email, phone FROM contact {filter} ORDER BY role"
        );
        let mut stmt = self.conn().prepare(&sql).context("cannot read contacts")?;
        let rows = stmt
            .query_map([arg], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })
            .context("cannot read contacts")?;
        let mut contacts = Vec::new();
        for row in rows {
            let (customer_id, role, name, email, phone) = row.context("cannot read contact")?;
            let role = ContactRole::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown contact role '{role}'")))?;
            contacts.push((
                customer_id,
                Contact {
                    role,
                    name,
                    email,
                    phone,
                },
            ));
        }
        Ok(contacts)
    }
}

pub(crate) fn insert_customer(tx: &Transaction<'_>, customer: &Customer) -> Result<CustomerId> {
    let exists: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM customer WHERE code = ?1)",
            [&customer.code],
            |r| r.get(0),
        )
        .context("cannot check customer code")?;
    if exists {
        return Err(StoreError::Refused(format!(
            "customer code '{}' is already in use",
            customer.code
        )));
    }
    tx.execute(
        "INSERT INTO customer (code, name, email, phone, language, payment_terms_days,
            discount_percent, discount_days, credit_limit_minor, credit_currency,
            policy_profile, notes, created_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params_from_iter(field_values(customer)?),
    )
    .context("cannot insert customer")?;
    let id = tx.last_insert_rowid();
    insert_contacts(tx, id, &customer.contacts)?;
    Ok(id)
}

fn insert_contacts(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    contacts: &[Contact],
) -> Result<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO contact (customer_id, role, name, email, phone) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .context("cannot insert contact")?;
    for c in contacts {
        stmt.execute(params![
            customer_id,
            c.role.as_str(),
            c.name,
            c.email,
            c.phone
        ])
        .context("cannot insert contact")?;
    }
    Ok(())
}

/// The customer's columns in table order, `code` to `created_on`.
fn field_values(c: &Customer) -> Result<Vec<Value>> {
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    let (limit, limit_currency) = match c.credit_limit {
        Some(m) => (
            Value::Integer(rows::minor(m.amount, m.currency)?),
            Value::Text(m.currency.to_string()),
        ),
        None => (Value::Null, Value::Null),
    };
    Ok(vec![
        Value::Text(c.code.clone()),
        Value::Text(c.name.clone()),
        text(&c.email),
        text(&c.phone),
        Value::Text(c.language.code().into()),
        c.payment_terms_days
            .map_or(Value::Null, |d| Value::Integer(d.into())),
        c.early_discount
            .map_or(Value::Null, |d| Value::Text(d.percent.to_string())),
        c.early_discount
            .map_or(Value::Null, |d| Value::Integer(d.days.into())),
        limit,
        limit_currency,
        text(&c.policy_profile),
        text(&c.notes),
        Value::Text(iso(c.created_on)),
    ])
}

type Raw = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<u32>,
    Option<String>,
    Option<u32>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn read_customer(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Customer>> {
    let raw: Raw = (
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
    );
    Ok(customer_from_raw(raw))
}

fn customer_from_raw(raw: Raw) -> Result<Customer> {
    let (
        id,
        code,
        name,
        email,
        phone,
        language,
        terms,
        d_percent,
        d_days,
        limit,
        limit_cur,
        policy,
        notes,
        created,
    ) = raw;
    let language = language
        .parse()
        .map_err(|e: String| StoreError::Corrupt(e))?;
    let early_discount = match (d_percent, d_days) {
        (Some(percent), Some(days)) => Some(EarlyDiscount {
            percent: percent
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("bad discount '{percent}'")))?,
            days,
        }),
        _ => None,
    };
    let credit_limit = match (limit, limit_cur) {
        (Some(minor), Some(cur)) => {
            let currency = rows::currency(&cur)?;
            Some(Money::new(rows::amount(minor, currency), currency))
        }
        _ => None,
    };
    Ok(Customer {
        id,
        code,
        name,
        email,
        phone,
        language,
        contacts: Vec::new(),
        payment_terms_days: terms,
        early_discount,
        credit_limit,
        policy_profile: policy,
        notes,
        created_on: rows::date(&created)?,
    })
}
