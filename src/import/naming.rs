//! The names import makes up: of templates (`datadog-eu`) and of the
//! variables that stand for secrets (`PAYMENTS_PAGER_DUTY_SERVICE_KEY`,
//! `PAYMENTS_DATADOG_LOG_EXPORT_API_KEY`, `PAYMENTS_DYNATRACE_METRICS_AUTHORIZATION`).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{ImportOptions, written_fields};
use crate::model::{
    EntryKind, LiveEntry, LiveEntryValue, LiveIntegration, LiveValue, screaming_snake, spec,
};

/// `payments-prod` → `PAYMENTS_PROD`: letters and digits kept, the rest `_`.
pub(super) fn variable_part(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        format!("P_{out}")
    } else {
        out
    }
}

/// `Api-Key ${X}` → `API_KEY_X`: letters and digits kept, the rest one
/// `_`, at most `max` characters; `None` when nothing is left.
fn name_word(text: &str, max: usize) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        if out.len() >= max {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    (!out.is_empty()).then(|| out.to_owned())
}

/// What the variables of one log or metric integration start with: the
/// project and the type (`PAYMENTS_PROD_DATADOG_LOG_EXPORT`), or for a
/// metric integration its provider (`PAYMENTS_PROD_DYNATRACE_METRICS`).
pub(super) fn entry_prefix(project: &str, entry: &LiveEntry) -> String {
    let project = variable_part(project);
    match entry.kind {
        EntryKind::Metric => match entry.get("providerType") {
            Some(LiveEntryValue::Text(provider)) => match name_word(provider, 24) {
                Some(provider) => format!("{project}_{provider}_METRICS"),
                None => format!("{project}_METRICS"),
            },
            _ => format!("{project}_METRICS"),
        },
        kind => format!("{project}_{kind}"),
    }
}

/// The variable of one header's value: the entry's prefix and the header's
/// name (`..._AUTHORIZATION`), at most 32 characters of it; `..._HEADER`
/// for a name without a letter or digit.
pub(super) fn header_variable(prefix: &str, header: &str) -> String {
    let word = name_word(header, 32).unwrap_or_else(|| "HEADER".to_owned());
    format!("{prefix}_{word}")
}

/// `team ${X}/EU!` → `team-x-eu`: lowercase letters and digits, the rest
/// one `-`, at most 24 characters; empty when nothing is left.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(24);
    out.trim_matches('-').to_owned()
}

/// What a template's name may say of the integration it holds, by field,
/// in the order tried: its enum fields (a region, even when Atlas's
/// default), its other plain fields, then the last characters of its
/// secrets' masks (shown beside the variable anyway).
fn name_words(
    integration: &LiveIntegration,
    options: &ImportOptions,
) -> [Vec<(&'static str, String)>; 3] {
    let written = written_fields(integration, options);
    let text = |value: &LiveValue| match value {
        LiveValue::Text(t) => t.clone(),
        LiveValue::Bool(b) => b.to_string(),
    };
    let enums = spec(integration.kind)
        .fields
        .iter()
        .filter(|f| !f.sensitive && !f.allowed.is_empty())
        .filter(|f| options.api.has_v2_fields() || !f.v2_only)
        .filter_map(|f| {
            let value = integration
                .get(f.name)
                .cloned()
                .or_else(|| f.live_default())?;
            Some((f.name, slug(&text(&value))))
        })
        .collect();
    let plain = written
        .iter()
        .filter(|(f, _)| !f.sensitive && f.allowed.is_empty())
        .map(|(f, value)| match value {
            LiveValue::Bool(true) => (f.name, slug(f.name)),
            LiveValue::Bool(false) => (f.name, format!("no-{}", slug(f.name))),
            LiveValue::Text(t) => (f.name, slug(t)),
        })
        .collect();
    let masks = written
        .iter()
        .filter(|(f, _)| f.sensitive)
        .filter_map(|(f, value)| match value {
            // What output shows of the mask, never more: a short secret's
            // mask is stars only there, and names none of its characters.
            LiveValue::Text(t) if crate::secret::looks_masked(t) => {
                let shown = crate::secret::shown_mask(t);
                let tail: String = shown.chars().filter(char::is_ascii_alphanumeric).collect();
                let tail = &tail[tail.len().saturating_sub(4)..];
                (!tail.is_empty()).then(|| (f.name, slug(tail)))
            }
            _ => None,
        })
        .collect();
    [enums, plain, masks]
}

/// Appends to each name that others share the words (of `said`, per
/// name) of the fields whose values tell those names apart.
fn refine(names: &mut [String], said: &[&[(&str, String)]]) {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        by_name.entry(name.clone()).or_default().push(index);
    }
    for members in by_name.values().filter(|m| m.len() > 1) {
        let word = |m: usize, field: &str| {
            said[m]
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, w)| w.as_str())
        };
        let fields: BTreeSet<&str> = members
            .iter()
            .flat_map(|&m| said[m].iter().map(|(f, _)| *f))
            .collect();
        let telling: Vec<&str> = fields
            .into_iter()
            .filter(|field| {
                let values: BTreeSet<Option<&str>> =
                    members.iter().map(|&m| word(m, field)).collect();
                values.len() > 1
            })
            .collect();
        for &m in members {
            let mut parts = vec![names[m].clone()];
            parts.extend(
                said[m]
                    .iter()
                    .filter(|(f, w)| telling.contains(f) && !w.is_empty())
                    .map(|(_, w)| w.clone()),
            );
            names[m] = parts.join("-");
        }
    }
}

/// A name for each template, unique among them all (every file of the
/// output): the type and its enum values (`datadog-eu`), then, only
/// between templates that would share a name, the plain fields that tell
/// them apart, then their masks' last characters (`pager-duty-us-8237`),
/// then a number.
pub(super) fn template_names(
    templates: &[&LiveIntegration],
    options: &ImportOptions,
) -> Vec<String> {
    let words: Vec<[Vec<(&str, String)>; 3]> = templates
        .iter()
        .map(|integration| name_words(integration, options))
        .collect();
    let join = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let mut names: Vec<String> = templates
        .iter()
        .zip(&words)
        .map(|(integration, words)| {
            let mut parts = vec![slug(integration.kind.as_str())];
            parts.extend(words[0].iter().map(|(_, w)| w.clone()));
            join(parts)
        })
        .collect();
    for level in [1, 2] {
        let said: Vec<&[(&str, String)]> = words.iter().map(|w| w[level].as_slice()).collect();
        refine(&mut names, &said);
    }
    let mut taken: HashSet<String> = HashSet::new();
    for name in &mut names {
        let base = name.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            *name = format!("{base}-{n}");
            n += 1;
        }
    }
    names
}

/// `{PREFIX}_{FIELD}`, without saying the type twice: the prefix ends in
/// the type (`PAYMENTS_MICROSOFT_TEAMS`), and a field may start with it
/// (`microsoftTeamsWebhookUrl`), giving `PAYMENTS_MICROSOFT_TEAMS_WEBHOOK_URL`.
pub(super) fn variable_name(prefix: &str, field: &str) -> String {
    let field = screaming_snake(field);
    // The longest end of the prefix that the field starts with, on `_`.
    let repeated = prefix
        .match_indices('_')
        .map(|(at, _)| &prefix[at + 1..])
        .chain(std::iter::once(prefix))
        .filter(|end| field.starts_with(&format!("{end}_")))
        .map(str::len)
        .max();
    match repeated {
        Some(len) => format!("{prefix}{}", &field[len..]),
        None => format!("{prefix}_{field}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IntegrationType;

    fn live(kind: IntegrationType, fields: &[(&str, &str)]) -> LiveIntegration {
        let specs = spec(kind).fields;
        LiveIntegration {
            kind,
            id: None,
            fields: fields
                .iter()
                .map(|(name, value)| {
                    let field = specs.iter().find(|f| f.name == *name).expect("a field");
                    (field, LiveValue::Text((*value).to_owned()))
                })
                .collect(),
            unmodelled: Vec::new(),
        }
    }

    fn names(templates: &[LiveIntegration]) -> Vec<String> {
        let refs: Vec<&LiveIntegration> = templates.iter().collect();
        template_names(&refs, &ImportOptions::default())
    }

    #[test]
    fn template_names_say_the_type_and_what_tells_them_apart() {
        use IntegrationType::{Datadog, PagerDuty, Slack};
        let key = |tail: &str| format!("****************************{tail}");
        assert_eq!(
            names(&[
                live(Datadog, &[("apiKey", &key("ab12")), ("region", "EU")]),
                live(Datadog, &[("apiKey", &key("cd34")), ("region", "US")]),
            ]),
            ["datadog-eu", "datadog-us"]
        );
        // Atlas's default region is named too; then the keys tell them apart.
        assert_eq!(
            names(&[
                live(PagerDuty, &[("serviceKey", &key("8237"))]),
                live(PagerDuty, &[("serviceKey", &key("51cd"))]),
                live(PagerDuty, &[("serviceKey", &key("efdf")), ("region", "EU")]),
            ]),
            ["pager-duty-us-8237", "pager-duty-us-51cd", "pager-duty-eu"]
        );
        // A short secret's mask shows only stars in output: its name says
        // none of the characters Atlas's mask let through.
        let short = names(&[
            live(PagerDuty, &[("serviceKey", "****8237")]),
            live(PagerDuty, &[("serviceKey", &key("51cd"))]),
        ]);
        assert!(short.iter().all(|name| !name.contains("8237")), "{short:?}");
        // Only the plain field that differs is said, made safe to write.
        assert_eq!(
            names(&[
                live(Slack, &[("channelName", "#alerts"), ("teamName", "acme")]),
                live(
                    Slack,
                    &[("channelName", "\n${X}: ops"), ("teamName", "acme")]
                ),
            ]),
            ["slack-alerts", "slack-x-ops"]
        );
        // Alike in all Atlas shows (one organization's key in another): numbered.
        let same = live(PagerDuty, &[("serviceKey", &key("8237"))]);
        assert_eq!(
            names(&[same.clone(), same.clone(), same]),
            ["pager-duty-us", "pager-duty-us-2", "pager-duty-us-3"]
        );
    }

    #[test]
    fn variable_names_say_the_type_once() {
        assert_eq!(
            variable_name("PAYMENTS_MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl"),
            "PAYMENTS_MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(
            variable_name("PAYMENTS_PAGER_DUTY", "serviceKey"),
            "PAYMENTS_PAGER_DUTY_SERVICE_KEY"
        );
        assert_eq!(
            variable_name("MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl"),
            "MICROSOFT_TEAMS_WEBHOOK_URL"
        );
        assert_eq!(variable_name("SLACK", "apiToken"), "SLACK_API_TOKEN");
    }

    #[test]
    fn entry_variables_say_the_project_the_type_and_the_header() {
        let entry = |kind: EntryKind, provider: Option<&str>| LiveEntry {
            kind,
            id: "6620a1b2c3d4e5f6a7b8c9d0".into(),
            fields: provider
                .map(|p| {
                    let field = kind.field("providerType").expect("providerType");
                    (field, LiveEntryValue::Text(p.to_owned()))
                })
                .into_iter()
                .collect(),
            unmodelled: Vec::new(),
        };
        let datadog = entry_prefix("payments-prod", &entry(EntryKind::Datadog, None));
        assert_eq!(datadog, "PAYMENTS_PROD_DATADOG_LOG_EXPORT");
        assert_eq!(
            variable_name(&datadog, "apiKey"),
            "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY"
        );
        let dynatrace = entry_prefix(
            "payments-prod",
            &entry(EntryKind::Metric, Some("DYNATRACE")),
        );
        assert_eq!(dynatrace, "PAYMENTS_PROD_DYNATRACE_METRICS");
        assert_eq!(
            header_variable(&dynatrace, "Authorization"),
            "PAYMENTS_PROD_DYNATRACE_METRICS_AUTHORIZATION"
        );
        // What Atlas sends is never more than letters, digits and `_`.
        let odd = entry_prefix("p", &entry(EntryKind::Metric, Some("\n${X}: #")));
        assert_eq!(odd, "P_X_METRICS");
        assert_eq!(header_variable("P", "api-key\n${X}"), "P_API_KEY_X");
        assert_eq!(header_variable("P", "--: #"), "P_HEADER");
        assert_eq!(
            header_variable("P", &"x".repeat(5000)),
            format!("P_{}", "X".repeat(32))
        );
        assert_eq!(
            entry_prefix("p", &entry(EntryKind::Metric, Some("$$"))),
            "P_METRICS"
        );
    }

    #[test]
    fn variable_parts_keep_letters_and_digits_and_start_with_a_letter() {
        assert_eq!(variable_part("payments-prod"), "PAYMENTS_PROD");
        assert_eq!(variable_part("9 lives!"), "P_9_LIVES");
    }
}
