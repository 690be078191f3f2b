//! Warnings at each entry of the file that declares an integration whose
//! service is ending (the dates are in `model::END_OF_LIFE`). A warning
//! names no secret: of a Teams URL it says the host's suffix only.

use super::problem::Problems;
use super::raw::{RawEntry, RawField, RawFile, RawSlot, RawValue};
use crate::model::{
    Day, EndOfLife, Ending, IntegrationType, TEAMS_CONNECTOR_HOST_SUFFIX, When, end_of_life,
};

/// Warns of every entry in `raw` (defaults, templates, projects) that
/// declares an ending integration, counting days from `today`.
pub fn warn_end_of_life(raw: &RawFile, today: Day, problems: &mut Problems) {
    let entries = raw
        .defaults
        .iter()
        .filter_map(|d| d.integrations.as_ref())
        .chain(
            raw.templates
                .iter()
                .flat_map(|t| &t.0)
                .map(|t| &t.integrations),
        )
        .chain(raw.projects.iter().filter_map(|p| p.integrations.as_ref()))
        .flat_map(|integrations| &integrations.0);
    for entry in entries {
        let RawSlot::Present(fields) = &entry.slot else {
            continue;
        };
        match entry.kind.value {
            IntegrationType::OpsGenie => opsgenie(entry, today, problems),
            IntegrationType::NewRelic => new_relic(entry, problems),
            IntegrationType::MicrosoftTeams => teams(fields, problems),
            IntegrationType::Slack => slack(fields, problems),
            _ => {}
        }
    }
}

fn opsgenie(entry: &RawEntry, today: Day, problems: &mut Problems) {
    let ending = end_of_life(Ending::Opsgenie);
    let Some(last_day) = ending.last_day else {
        return;
    };
    problems
        .warning(
            entry.kind.span.clone(),
            format!("Opsgenie {}", ends(today, last_day)),
        )
        .label("end of life")
        .help(help(ending));
}

/// `ends on 2027-04-05 (in 124 days)`, `ends today, 2027-04-05`, or
/// `ended on 2027-04-05 (3 days ago)`.
fn ends(today: Day, last_day: Day) -> String {
    match today.days_until(last_day) {
        0 => format!("ends today, {last_day}"),
        1 => format!("ends on {last_day} (tomorrow)"),
        days if days > 0 => format!("ends on {last_day} (in {days} days)"),
        -1 => format!("ended on {last_day} (yesterday)"),
        days => format!("ended on {last_day} ({} days ago)", -days),
    }
}

fn new_relic(entry: &RawEntry, problems: &mut Problems) {
    let ending = end_of_life(Ending::NewRelic);
    let when = ending
        .last_day
        .map_or_else(String::new, |day| format!(" on {day}"));
    problems
        .warning(
            entry.kind.span.clone(),
            format!("New Relic's Atlas integration reached its end of life{when}"),
        )
        .label("end of life")
        .help(help(ending));
}

fn teams(fields: &[RawField], problems: &mut Problems) {
    let Some(url) = fields
        .iter()
        .find(|f| f.spec.name == "microsoftTeamsWebhookUrl")
    else {
        return;
    };
    let value = match &url.value.value {
        RawValue::Secret(secret) => secret.expose(),
        RawValue::Text(text) => text.as_str(),
        RawValue::Bool(_) => return,
    };
    if !is_teams_connector(value) {
        return;
    }
    problems
        .warning(
            url.value.span.clone(),
            format!(
                "this Microsoft Teams URL is an Office 365 connector (its host ends in \
                 `{TEAMS_CONNECTOR_HOST_SUFFIX}`), which Microsoft is retiring"
            ),
        )
        .label("Office 365 connector")
        .help(help(end_of_life(Ending::TeamsConnector)));
}

/// Whether `url`'s host is an Office 365 connector's. The URL is a secret:
/// only this yes or no leaves here.
fn is_teams_connector(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    host.to_ascii_lowercase()
        .trim_end_matches('.')
        .ends_with(TEAMS_CONNECTOR_HOST_SUFFIX)
}

/// What can be seen of a legacy Slack integration in the file: Atlas sets
/// `teamName` on legacy integrations, and a token the user holds did not
/// come from the Atlas UI's OAuth connection (which never shows one). A
/// token's prefix tells nothing: OAuth and legacy tokens share `xoxb-` and
/// `xoxp-`.
fn slack(fields: &[RawField], problems: &mut Problems) {
    let marks: Vec<&RawField> = ["apiToken", "teamName"]
        .iter()
        .filter_map(|name| fields.iter().find(|f| f.spec.name == *name))
        .collect();
    let Some(first) = marks.first() else {
        return;
    };
    let named: Vec<String> = marks.iter().map(|f| format!("`{}`", f.spec.name)).collect();
    problems
        .warning(
            first.value.span.clone(),
            format!(
                "this Slack integration looks legacy ({} set), and Atlas says legacy Slack tokens \
                 will soon no longer be supported",
                named.join(" and ")
            ),
        )
        .label("legacy Slack")
        .help(help_noting(
            end_of_life(Ending::SlackLegacyToken),
            "No date has been announced, and tether cannot see how Atlas connected this one: \
             Atlas sets `teamName` on legacy integrations, and a token you hold did not come \
             from the Atlas UI, which never shows one.",
        ));
}

/// The dated facts, then what to do.
fn help(ending: &EndOfLife) -> String {
    help_noting(ending, "")
}

/// The dated facts, a `note`, then what to do.
fn help_noting(ending: &EndOfLife, note: &str) -> String {
    let facts: Vec<String> = ending
        .milestones
        .iter()
        .map(|m| match m.when {
            When::On(day) => format!("on {day} {}", m.what),
            When::In { year, month } => format!("in {} {year} {}", month_name(month), m.what),
            When::NotAnnounced => m.what.to_owned(),
        })
        .collect();
    let facts = facts.join("; ");
    let mut first = facts.chars();
    let facts = first
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(first).collect());
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(" {note}")
    };
    format!("{facts}.{note} What to do: {}.", ending.advice)
}

fn month_name(month: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{ends, is_teams_connector};
    use crate::config::{Severity, Unset, load_str_on};
    use crate::model::Day;

    fn day(text: &str) -> Day {
        text.parse().unwrap()
    }

    /// The warnings of `text` as `line:col message`, on `today`.
    fn warnings(text: &str, env: &[(&str, &str)], today: &str) -> Vec<String> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let loaded = load_str_on("t.yaml", text, (&env, Unset::Error), day(today))
            .unwrap_or_else(|r| panic!("{}", r.render(false)));
        let report = &loaded.warnings.0[0];
        let Some(source) = report.source.as_ref() else {
            return Vec::new();
        };
        report
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .map(|p| {
                let at = crate::model::Origin::in_text("", source, p.span.clone().unwrap().start);
                format!(
                    "{}:{} {} | {}",
                    at.line,
                    at.column,
                    p.message,
                    p.help.clone().unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn opsgenie_counts_the_days_to_its_end_then_says_it_ended() {
        let end = day("2027-04-05");
        for (today, said) in [
            ("2026-12-02", "ends on 2027-04-05 (in 124 days)"),
            ("2027-04-04", "ends on 2027-04-05 (tomorrow)"),
            ("2027-04-05", "ends today, 2027-04-05"),
            ("2027-04-06", "ended on 2027-04-05 (yesterday)"),
            ("2027-05-05", "ended on 2027-04-05 (30 days ago)"),
        ] {
            assert_eq!(ends(day(today), end), said, "on {today}");
        }
    }

    const FILE: &str = "\
version: 1
defaults:
  integrations:
    OPS_GENIE:
      apiKey: ${OG_KEY}
templates:
  chat:
    MICROSOFT_TEAMS:
      microsoftTeamsWebhookUrl: ${TEAMS_URL}
projects:
  - name: a
    use: [chat]
    integrations:
      NEW_RELIC:
        accountId: 0123456789abcdef0123456789abcdef01234011
        licenseKey: ${NR_KEY}
        readToken: ${NR_KEY}
        writeToken: ${NR_KEY}
      SLACK:
        channelName: alerts
        teamName: acme
  - name: b
    integrations:
      OPS_GENIE: absent
      NEW_RELIC: absent
";

    const TEAMS_URL: &str = "https://contoso.webhook.office.com/webhookb2/secret-part-77aa";

    fn env() -> Vec<(&'static str, &'static str)> {
        vec![
            ("OG_KEY", "11111111-2222-4333-8444-555566667777"),
            ("TEAMS_URL", TEAMS_URL),
            ("NR_KEY", "0123456789abcdef0123456789abcdef01234012"),
        ]
    }

    #[test]
    fn each_declaring_entry_is_warned_at_its_place_and_absent_is_not() {
        let found = warnings(FILE, &env(), "2026-12-02");
        let places: Vec<&str> = found.iter().map(|w| w.split_once(' ').unwrap().0).collect();
        assert_eq!(places, ["4:5", "9:33", "14:7", "21:19"], "{found:#?}");
        assert!(found[0].contains("Opsgenie ends on 2027-04-05 (in 124 days)"));
        assert!(found[0].contains("On 2025-06-04 Atlassian stopped selling Opsgenie"));
        assert!(found[1].contains("`.webhook.office.com`"));
        assert!(found[1].contains("In August 2024 Microsoft closed"));
        assert!(found[1].contains("unverified"));
        assert!(found[2].contains("end of life on 2021-06-16"));
        assert!(found[3].contains("`teamName` set"));
        for warning in &found {
            assert!(!warning.contains("contoso"), "{warning}");
            assert!(!warning.contains("secret-part"), "{warning}");
        }
    }

    #[test]
    fn opsgenie_after_its_end_says_it_ended() {
        let found = warnings(FILE, &env(), "2027-06-01");
        assert!(
            found[0].contains("Opsgenie ended on 2027-04-05 (57 days ago)"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_teams_url_elsewhere_and_an_oauth_slack_are_not_warned() {
        let file = "\
version: 1
projects:
  - name: a
    integrations:
      MICROSOFT_TEAMS:
        microsoftTeamsWebhookUrl: ${TEAMS_URL}
      SLACK:
        channelName: alerts
";
        let env = [(
            "TEAMS_URL",
            "https://prod-00.westus.logic.azure.com/workflows/0005",
        )];
        assert_eq!(
            warnings(file, &env, "2026-12-02"),
            Vec::<String>::new(),
            "a Workflows URL and a Slack with only its channel"
        );
    }

    #[test]
    fn connector_hosts_are_recognised_by_their_suffix_only() {
        for yes in [
            "https://contoso.webhook.office.com/webhookb2/x",
            "https://Contoso.WEBHOOK.office.com:443/x",
            "https://user:pw@contoso.webhook.office.com/x",
            "https://contoso.webhook.office.com",
        ] {
            assert!(is_teams_connector(yes), "{yes}");
        }
        for no in [
            "https://webhook.office.com.example.com/x",
            "https://example.com/contoso.webhook.office.com",
            "https://example.com/?h=contoso.webhook.office.com",
            "contoso.webhook.office.com/x",
            "https://prod-00.westus.logic.azure.com/workflows/x",
        ] {
            assert!(!is_teams_connector(no), "{no}");
        }
    }
}
