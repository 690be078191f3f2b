//! What a saved operation sends, in a form that holds no secret: the
//! non-secret fields as they are, each secret by its salted Argon2id hash.

use std::collections::BTreeMap;

use serde_json::Value;

use super::hashes::Hashes;
use crate::model::{Entry, EntryValue, FieldValue, Integration};
use crate::plan::Declared;
use crate::secret::Secret;

/// The non-secret fields and the hashes of the secrets of a write.
pub(super) type Described = (BTreeMap<String, Value>, BTreeMap<String, String>);

/// The non-secret fields and the salted secret hashes of a desired
/// integration, defaults filled in as the PUT sends them.
pub(super) fn describe(desired: &Integration, hashes: &mut Hashes<'_>) -> Described {
    let mut fields = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    for (spec, value) in desired.with_defaults().fields {
        // Whether a value is secret is the table's call, whatever its variant.
        let secret = match value {
            FieldValue::Bool(b) => {
                fields.insert(spec.name.to_owned(), Value::Bool(b));
                continue;
            }
            FieldValue::Text(text) if !spec.sensitive => {
                fields.insert(spec.name.to_owned(), Value::String(text));
                continue;
            }
            FieldValue::Text(text) => Secret::new(text),
            FieldValue::Secret(secret) => secret,
        };
        secrets.insert(spec.name.to_owned(), hashes.of(&secret));
    }
    (fields, secrets)
}

/// The same for a log or metric integration, as its POST or PUT body holds
/// it: every declared field, and the only value of one the file left out
/// (`authType: HEADER`). Headers are their names (fields) and each value's
/// hash (secrets, as `headers[0]`): their values are write-only.
pub(super) fn describe_entry(desired: &Entry, hashes: &mut Hashes<'_>) -> Described {
    let mut fields = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    for field in desired.kind.fields() {
        let name = field.name.to_owned();
        let value = match desired.get(field.name) {
            Some(EntryValue::Text(text)) if field.is_secret() => {
                secrets.insert(name, hashes.of(&Secret::new(text.as_str())));
                continue;
            }
            Some(EntryValue::Secret(secret)) => {
                secrets.insert(name, hashes.of(secret));
                continue;
            }
            Some(EntryValue::Text(text)) => Value::String(text.clone()),
            Some(EntryValue::Bool(b)) => Value::Bool(*b),
            Some(EntryValue::Set(values)) => {
                Value::Array(values.iter().cloned().map(Value::String).collect())
            }
            Some(EntryValue::Headers(headers)) => {
                for (at, header) in headers.iter().enumerate() {
                    secrets.insert(format!("{name}[{at}]"), hashes.of(&header.value));
                }
                Value::Array(
                    headers
                        .iter()
                        .map(|header| Value::String(header.name.clone()))
                        .collect(),
                )
            }
            None => match field.only_value {
                Some(only) => Value::String(only.to_owned()),
                None => continue,
            },
        };
        fields.insert(name, value);
    }
    (fields, secrets)
}

/// What a create or update sends, whichever it writes.
pub(super) fn describe_declared(desired: &Declared, hashes: &mut Hashes<'_>) -> Described {
    match desired {
        Declared::Integration(integration) => describe(integration, hashes),
        Declared::Entry(entry) => describe_entry(entry, hashes),
    }
}
