//! How one field of the file compares with what Atlas returned, and how
//! either side may be shown. The mask rules themselves live in `secret`.

use super::types::Shown;
use crate::model::{FieldSpec, FieldValue, LiveValue, ReadBack};
use crate::secret::{self, Secret};

/// The result of comparing a declared value with a live one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Comparison {
    Same,
    Different,
}

/// Compares a declared value (defaults filled in) with the live value
/// (Atlas's default standing in for a value Atlas left out).
pub(crate) fn compare(field: &FieldSpec, desired: &FieldValue, live: &LiveValue) -> Comparison {
    let same = match (desired, live) {
        (FieldValue::Bool(want), LiveValue::Bool(have)) => want == have,
        (FieldValue::Text(want), LiveValue::Text(have)) if !field.sensitive => want == have,
        (FieldValue::Text(want), LiveValue::Text(have)) => {
            secret_matches(field, &Secret::new(want.as_str()), have)
        }
        (FieldValue::Secret(want), LiveValue::Text(have)) => secret_matches(field, want, have),
        (FieldValue::Bool(_), LiveValue::Text(_))
        | (FieldValue::Text(_) | FieldValue::Secret(_), LiveValue::Bool(_)) => false,
    };
    if same {
        Comparison::Same
    } else {
        Comparison::Different
    }
}

fn secret_matches(field: &FieldSpec, desired: &Secret, live: &str) -> bool {
    // Equal text is the same value whatever Atlas's masking did (it may
    // return a documented-masked field in clear, as it once did).
    if desired.is(live) {
        return true;
    }
    let through_mask = match field.read_back {
        ReadBack::Masked | ReadBack::UrlMasked => true,
        // Documented as returned in clear: compare exactly, unless Atlas has
        // started masking it.
        ReadBack::Clear => secret::looks_masked(live),
        ReadBack::Never => false,
    };
    through_mask && desired.matches_mask(live)
}

/// How a declared value is shown: secrets as Atlas would mask them.
pub(crate) fn show_desired(field: &FieldSpec, value: &FieldValue) -> Shown {
    match value {
        FieldValue::Bool(b) => Shown::Bool(*b),
        FieldValue::Text(text) if !field.sensitive => Shown::Text(text.clone()),
        FieldValue::Text(text) => show_secret(field, &Secret::new(text.as_str())),
        FieldValue::Secret(secret) => show_secret(field, secret),
    }
}

/// How a live value is shown. Sensitive values are masked again even when
/// Atlas already masked them (masking a mask changes nothing), so that a
/// value Atlas returned in clear is never shown.
pub(crate) fn show_live(field: &FieldSpec, value: &LiveValue) -> Shown {
    match value {
        LiveValue::Bool(b) => Shown::Bool(*b),
        LiveValue::Text(text) if !field.sensitive => Shown::Text(text.clone()),
        LiveValue::Text(text) => show_secret(field, &Secret::new(text.as_str())),
    }
}

fn show_secret(field: &FieldSpec, value: &Secret) -> Shown {
    match field.read_back {
        ReadBack::Never => Shown::WriteOnly,
        ReadBack::UrlMasked => Shown::Masked(value.url_mask()),
        ReadBack::Masked | ReadBack::Clear => Shown::Masked(value.mask()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IntegrationType, spec};
    use crate::secret::Secret;

    fn field(kind: IntegrationType, name: &str) -> &'static FieldSpec {
        spec(kind).field(name).expect("field in the table")
    }

    #[test]
    fn masked_secrets_compare_through_the_mask() {
        let key = field(IntegrationType::Datadog, "apiKey");
        let desired = FieldValue::Secret(Secret::new("0123456789abcdef0123456789abcdef"));
        let same = LiveValue::Text(secret::mask("0123456789abcdef0123456789abcdef"));
        let other = LiveValue::Text(secret::mask("0123456789abcdef0123456789abc000"));
        assert_eq!(compare(key, &desired, &same), Comparison::Same);
        assert_eq!(compare(key, &desired, &other), Comparison::Different);
    }

    #[test]
    fn a_secret_whose_tail_looks_like_a_url_still_matches_its_mask() {
        let key = field(IntegrationType::OpsGenie, "apiKey");
        for value in ["opsgenie-key://x", "k://", "abc://d/"] {
            let desired = FieldValue::Secret(Secret::new(value));
            let live = LiveValue::Text(secret::mask(value));
            assert_eq!(compare(key, &desired, &live), Comparison::Same, "{value}");
        }
    }

    #[test]
    fn clear_secrets_compare_exactly_unless_atlas_masked_them() {
        let token = field(IntegrationType::NewRelic, "readToken");
        let desired = FieldValue::Secret(Secret::new("read-token-1234"));
        let clear_same = LiveValue::Text("read-token-1234".into());
        let clear_other = LiveValue::Text("read-token-9999".into());
        let clear_same_tail = LiveValue::Text("READ-TOKEN-1234".into());
        let masked = LiveValue::Text(secret::mask("read-token-1234"));
        assert_eq!(compare(token, &desired, &clear_same), Comparison::Same);
        assert_eq!(
            compare(token, &desired, &clear_other),
            Comparison::Different
        );
        assert_eq!(
            compare(token, &desired, &clear_same_tail),
            Comparison::Different
        );
        assert_eq!(compare(token, &desired, &masked), Comparison::Same);
    }

    #[test]
    fn live_secrets_are_shown_masked_even_when_atlas_returned_them_in_clear() {
        let token = field(IntegrationType::NewRelic, "writeToken");
        let shown = show_live(token, &LiveValue::Text("write-token-abcd".into()));
        assert_eq!(shown, Shown::Masked("************abcd".into()));
        let url = field(IntegrationType::Webhook, "url");
        let shown = show_live(url, &LiveValue::Text("https://h.example/p/q/xyz1".into()));
        assert_eq!(shown, Shown::Masked("https://h.example/****xyz1".into()));
        let password = field(IntegrationType::Prometheus, "password");
        let shown = show_desired(password, &FieldValue::Secret(Secret::new("hunter22")));
        assert_eq!(shown, Shown::WriteOnly);
    }
}
