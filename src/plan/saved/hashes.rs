//! The salted hashes of a saved plan: Argon2id for secrets (slow on
//! purpose, once per distinct value), and keyed SHA-256 fingerprints of the
//! live objects a plan was computed against, a secret Atlas returned in
//! clear entering one only as its Argon2id hash.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::{
    IntegrationType, LiveEntry, LiveEntryValue, LiveIntegrations, LiveValue, PushBasedExport,
};
use crate::secret::{Secret, shows_only_mask};

/// Salted hashes of secrets, each distinct value hashed once: the hash is
/// slow on purpose, and a fleet shares a few secrets across many projects.
pub(super) struct Hashes<'a> {
    pub(super) salt: &'a str,
    done: HashMap<Secret, String>,
}

impl<'a> Hashes<'a> {
    pub(super) fn new(salt: &'a str) -> Self {
        Hashes {
            salt,
            done: HashMap::new(),
        }
    }

    /// How many Argon2id hashes were computed.
    #[cfg(test)]
    pub(super) fn computed(&self) -> usize {
        self.done.len()
    }

    pub(super) fn of(&mut self, secret: &Secret) -> String {
        let salt = self.salt;
        self.done
            .entry(secret.clone())
            .or_insert_with(|| secret.salted_hash(salt))
            .clone()
    }
}

/// A fingerprint of an integration as Atlas listed it, salted. Plain fields
/// and Atlas's masks are no secrets: they go into one fast keyed hash. A
/// secret field whose value is anything but a mask (Atlas returns some in
/// clear, and any answer may) enters it only as its Argon2id hash, computed
/// once per distinct value.
pub(super) fn fingerprint(
    live: &LiveIntegrations,
    kind: IntegrationType,
    hashes: &mut Hashes<'_>,
) -> Option<String> {
    let integration = live.known.get(&kind)?;
    let mut canonical = format!("{kind}\nid={:?}\n", integration.id);
    for (spec, value) in &integration.fields {
        let shown = match value {
            LiveValue::Bool(b) => b.to_string(),
            LiveValue::Text(text) if spec.sensitive && !shows_only_mask(text) => {
                format!("argon2id:{}", hashes.of(&Secret::new(text.as_str())))
            }
            LiveValue::Text(text) => format!("{text:?}"),
        };
        canonical.push_str(&format!("{}={shown}\n", spec.name));
    }
    Some(keyed_hash(hashes.salt, &canonical))
}

/// SHA-256 of the salt's length, the salt and `text`, hex.
fn keyed_hash(salt: &str, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update((salt.len() as u64).to_be_bytes());
    hasher.update(salt.as_bytes());
    hasher.update(text.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fingerprint of a log or metric integration as Atlas listed it,
/// salted, as for an integration: plain values and masks in one keyed
/// hash, a secret field holding anything but a mask by its Argon2id hash.
/// Header values are never answered, so only their names enter it.
pub(super) fn entry_fingerprint(live: &LiveEntry, hashes: &mut Hashes<'_>) -> String {
    let mut canonical = format!(
        "{}\n{}\nid={:?}\n",
        live.kind.family().path(),
        live.kind,
        live.id
    );
    for (field, value) in &live.fields {
        let shown = match value {
            LiveEntryValue::Bool(b) => b.to_string(),
            LiveEntryValue::Text(text) if field.is_secret() && !shows_only_mask(text) => {
                format!("argon2id:{}", hashes.of(&Secret::new(text.as_str())))
            }
            LiveEntryValue::Text(text) => format!("{text:?}"),
            LiveEntryValue::Set(values) | LiveEntryValue::HeaderNames(values) => {
                format!("{values:?}")
            }
        };
        canonical.push_str(&format!("{}={shown}\n", field.name));
    }
    keyed_hash(hashes.salt, &canonical)
}

/// A fingerprint of the push-based log export, salted; `None` when the
/// project has none (`UNCONFIGURED`).
pub(super) fn push_based_fingerprint(export: &PushBasedExport, salt: &str) -> Option<String> {
    export.is_configured().then(|| {
        let canonical = format!(
            "pushBasedLogExport\nstate={:?}\nbucketName={:?}\nprefixPath={:?}\niamRoleId={:?}\n",
            export.state, export.bucket_name, export.prefix_path, export.iam_role_id
        );
        keyed_hash(salt, &canonical)
    })
}

#[cfg(test)]
mod tests {
    use super::{Hashes, fingerprint};
    use crate::model::{IntegrationType, LiveIntegration, LiveIntegrations, LiveValue, spec};
    use crate::secret::mask;

    const SALT: &str = "0123456789abcdef0123456789abcdef";

    fn live(kind: IntegrationType, fields: &[(&str, &str)]) -> LiveIntegrations {
        let table = spec(kind);
        let fields = fields
            .iter()
            .map(|(name, value)| {
                let field = table.field(name).expect("a field of the type");
                (field, LiveValue::Text((*value).to_owned()))
            })
            .collect();
        let integration = LiveIntegration {
            kind,
            id: Some("id-1".to_owned()),
            fields,
            unmodelled: Vec::new(),
        };
        LiveIntegrations {
            known: [(kind, integration)].into(),
            unknown_types: Vec::new(),
        }
    }

    fn pager_duty(key: &str) -> LiveIntegrations {
        live(
            IntegrationType::PagerDuty,
            &[("serviceKey", &mask(key)), ("region", "US")],
        )
    }

    fn new_relic(license: &str) -> LiveIntegrations {
        live(
            IntegrationType::NewRelic,
            &[
                ("accountId", "a".repeat(40).as_str()),
                ("licenseKey", license),
                ("readToken", "read-token-in-clear-0001"),
                ("writeToken", "write-token-in-clear-0001"),
            ],
        )
    }

    #[test]
    fn masks_and_plain_fields_are_fingerprinted_without_argon2id() {
        let mut hashes = Hashes::new(SALT);
        let fingerprints: Vec<_> = (0..1000)
            .map(|i| {
                let key = format!("pagerduty-key-of-project-{i:05}");
                fingerprint(&pager_duty(&key), IntegrationType::PagerDuty, &mut hashes)
            })
            .collect();
        assert_eq!(hashes.computed(), 0);
        assert_ne!(
            fingerprints[0], fingerprints[1],
            "another mask, another print"
        );
        assert_eq!(
            fingerprints[0],
            fingerprint(
                &pager_duty("pagerduty-key-of-project-00000"),
                IntegrationType::PagerDuty,
                &mut hashes
            )
        );
    }

    #[test]
    fn secrets_atlas_returns_in_clear_are_argon2id_hashed_once_per_value() {
        let mut hashes = Hashes::new(SALT);
        let license = "b".repeat(40);
        let first = fingerprint(&new_relic(&license), IntegrationType::NewRelic, &mut hashes);
        for _ in 0..100 {
            let again = fingerprint(&new_relic(&license), IntegrationType::NewRelic, &mut hashes);
            assert_eq!(again, first);
        }
        // licenseKey, readToken and writeToken: one hash each.
        assert_eq!(hashes.computed(), 3);
        let other = fingerprint(
            &new_relic(&"c".repeat(40)),
            IntegrationType::NewRelic,
            &mut hashes,
        );
        assert_eq!(hashes.computed(), 4);
        assert_ne!(other, first);
    }

    #[test]
    fn a_value_in_a_masked_field_that_is_no_mask_is_hashed_as_a_secret() {
        let mut hashes = Hashes::new(SALT);
        let clear = live(
            IntegrationType::PagerDuty,
            &[("serviceKey", "a-key-atlas-sent-in-clear-01")],
        );
        let print = fingerprint(&clear, IntegrationType::PagerDuty, &mut hashes);
        assert!(print.is_some());
        assert_eq!(hashes.computed(), 1);
    }

    fn entry(
        kind: crate::model::EntryKind,
        fields: &[(&str, crate::model::LiveEntryValue)],
    ) -> crate::model::LiveEntry {
        crate::model::LiveEntry {
            kind,
            id: "65f1a2b3c4d5e6f7a8b9c0a3".into(),
            fields: fields
                .iter()
                .map(|(name, value)| (kind.field(name).expect("a field"), value.clone()))
                .collect(),
            unmodelled: Vec::new(),
        }
    }

    fn splunk(token: &str) -> crate::model::LiveEntry {
        use crate::model::LiveEntryValue::Text;
        entry(
            crate::model::EntryKind::Splunk,
            &[
                ("hecUrl", Text("https://splunk.example.com:8088".into())),
                ("hecToken", Text(token.into())),
            ],
        )
    }

    fn metric(headers: &[&str]) -> crate::model::LiveEntry {
        use crate::model::LiveEntryValue::{HeaderNames, Text};
        entry(
            crate::model::EntryKind::Metric,
            &[
                ("endpoint", Text("https://otlp.example.com".into())),
                (
                    "headers",
                    HeaderNames(headers.iter().map(|h| (*h).to_owned()).collect()),
                ),
            ],
        )
    }

    #[test]
    fn an_entrys_masked_secret_is_fingerprinted_without_argon2id_and_a_clear_one_with() {
        use super::entry_fingerprint;
        let mut hashes = Hashes::new(SALT);
        let token = "splunk-hec-token-0000000000000001";
        let masked = entry_fingerprint(&splunk(&mask(token)), &mut hashes);
        assert_eq!(hashes.computed(), 0);
        let clear = entry_fingerprint(&splunk(token), &mut hashes);
        assert_eq!(hashes.computed(), 1);
        assert_ne!(clear, masked);
        assert_eq!(clear, entry_fingerprint(&splunk(token), &mut hashes));
        assert_eq!(hashes.computed(), 1);
    }

    #[test]
    fn header_names_enter_an_entrys_fingerprint() {
        use super::entry_fingerprint;
        let mut hashes = Hashes::new(SALT);
        let one = entry_fingerprint(&metric(&["Authorization"]), &mut hashes);
        assert_eq!(
            one,
            entry_fingerprint(&metric(&["Authorization"]), &mut hashes)
        );
        assert_ne!(one, entry_fingerprint(&metric(&["Api-Key"]), &mut hashes));
        assert_eq!(hashes.computed(), 0);
    }
}
