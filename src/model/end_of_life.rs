//! The dates that matter to users: integrations that stop, or are about to
//! stop, working. One table, each entry with its source, so that a date
//! that moves is one edit here. `config` turns these into warnings at the
//! entry of the file that declares one.

use super::{Day, IntegrationType};

/// What is ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ending {
    /// Atlassian's Opsgenie, the service itself.
    Opsgenie,
    /// Microsoft Teams incoming webhooks made by Office 365 connectors.
    TeamsConnector,
    /// The New Relic integration (Atlas's plugin).
    NewRelic,
    /// Slack integrations with a token of their own rather than the Atlas
    /// UI's OAuth connection.
    SlackLegacyToken,
}

/// When something happened or will, as precisely as it was announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    On(Day),
    /// Announced for a month, not a day.
    In {
        year: i32,
        month: u8,
    },
    /// No date was announced.
    NotAnnounced,
}

/// One dated fact.
#[derive(Clone, Copy, Debug)]
pub struct Milestone {
    pub when: When,
    pub what: &'static str,
}

#[derive(Clone, Copy, Debug)]
pub struct EndOfLife {
    pub ending: Ending,
    pub kind: IntegrationType,
    /// The day it stops working, when one was announced; the warning counts
    /// the days to it from today.
    pub last_day: Option<Day>,
    /// What was announced, in order.
    pub milestones: &'static [Milestone],
    /// What to do, said to the person who owns the file.
    pub advice: &'static str,
    /// Where the dates come from.
    pub source: &'static str,
}

/// The Office 365 connector hosts: `<tenant>.webhook.office.com`.
pub const TEAMS_CONNECTOR_HOST_SUFFIX: &str = ".webhook.office.com";

pub const END_OF_LIFE: &[EndOfLife] = &[
    EndOfLife {
        ending: Ending::Opsgenie,
        kind: IntegrationType::OpsGenie,
        last_day: Some(Day::new(2027, 4, 5)),
        milestones: &[
            Milestone {
                when: When::On(Day::new(2025, 6, 4)),
                what: "Atlassian stopped selling Opsgenie",
            },
            Milestone {
                when: When::On(Day::new(2027, 4, 5)),
                what: "Atlassian ends Opsgenie's support and its REST API, which Atlas calls",
            },
        ],
        advice: "plan a move of this project's paging to another type (`PAGER_DUTY`, \
                 `VICTOR_OPS` or a `WEBHOOK`), then declare `OPS_GENIE: absent`",
        source: "Atlassian's end-of-sale and end-of-support announcement for Opsgenie \
                 (2025), as recorded in docs/atlas-api.md, \"Dates that matter to users\"",
    },
    EndOfLife {
        ending: Ending::TeamsConnector,
        kind: IntegrationType::MicrosoftTeams,
        last_day: None,
        milestones: &[
            Milestone {
                when: When::In {
                    year: 2024,
                    month: 8,
                },
                what: "Microsoft closed Office 365 connectors to new connectors",
            },
            Milestone {
                when: When::NotAnnounced,
                what: "Microsoft is retiring the existing ones (announced for the end of 2025, \
                       possibly extended into 2026): alerts sent to this URL may stop arriving \
                       without notice",
            },
        ],
        advice: "create a Workflows (Power Automate) webhook for the channel, the replacement \
                 Microsoft names, and try it on a test project first: whether Atlas accepts \
                 Workflows URLs is unverified",
        source: "Microsoft 365 Developer Blog, \"Retirement of Office 365 connectors within \
                 Microsoft Teams\" (July 2024, updated since), as recorded in \
                 docs/atlas-api.md, \"Dates that matter to users\"",
    },
    EndOfLife {
        ending: Ending::NewRelic,
        kind: IntegrationType::NewRelic,
        last_day: Some(Day::new(2021, 6, 16)),
        milestones: &[
            Milestone {
                when: When::On(Day::new(2021, 6, 16)),
                what: "the Atlas plugin for New Relic reached its end of life",
            },
            Milestone {
                when: When::NotAnnounced,
                what: "Atlas still lists the type, and returns its license key and tokens in \
                       clear to anyone who can read the project",
            },
        ],
        advice: "move the metrics to `DATADOG` or `PROMETHEUS`, then declare \
                 `NEW_RELIC: absent` so that the keys leave Atlas",
        source: "MongoDB Atlas documentation, \"Integrate with New Relic\" (end-of-life notice \
                 of 2021-06-16), as recorded in docs/atlas-api.md, \"Dates that matter to users\"",
    },
    EndOfLife {
        ending: Ending::SlackLegacyToken,
        kind: IntegrationType::Slack,
        last_day: None,
        milestones: &[Milestone {
            when: When::NotAnnounced,
            what: "Atlas connects Slack only through its UI (OAuth) and says that legacy tokens \
                   \"will soon no longer be supported\"",
        }],
        advice: "connect Slack again in the Atlas UI (Project Settings, Integrations, Slack), \
                 then keep only `channelName` here: tether checks and keeps an integration \
                 connected that way",
        source: "MongoDB Atlas documentation, \"Integrate with Slack\", as recorded in \
                 docs/atlas-api.md, \"Dates that matter to users\" and \"Notes that shape the \
                 design\"",
    },
];

/// The table's entry for `ending`.
pub fn end_of_life(ending: Ending) -> &'static EndOfLife {
    END_OF_LIFE
        .iter()
        .find(|entry| entry.ending == ending)
        .expect("every ending has an entry: see the test")
}

#[cfg(test)]
mod tests {
    use super::{END_OF_LIFE, Ending, When, end_of_life};
    use crate::model::Day;

    #[test]
    fn every_ending_has_one_entry_with_a_source() {
        for ending in [
            Ending::Opsgenie,
            Ending::TeamsConnector,
            Ending::NewRelic,
            Ending::SlackLegacyToken,
        ] {
            let entries = END_OF_LIFE.iter().filter(|e| e.ending == ending).count();
            assert_eq!(entries, 1, "{ending:?}");
            let entry = end_of_life(ending);
            assert!(!entry.source.is_empty() && !entry.advice.is_empty());
            assert!(!entry.milestones.is_empty());
        }
    }

    #[test]
    fn dates_are_real_days_in_order() {
        for entry in END_OF_LIFE {
            let mut last: Option<Day> = None;
            for milestone in entry.milestones {
                match milestone.when {
                    When::On(day) => {
                        assert_eq!(day.to_string().parse::<Day>(), Ok(day), "{entry:?}");
                        assert!(last.is_none_or(|before| before <= day), "{entry:?}");
                        last = Some(day);
                    }
                    When::In { month, .. } => assert!((1..=12).contains(&month)),
                    When::NotAnnounced => {}
                }
            }
            if let Some(day) = entry.last_day {
                assert_eq!(last, Some(day), "the last day is the last milestone's");
            }
        }
    }

    #[test]
    fn the_dates_users_were_told() {
        assert_eq!(
            end_of_life(Ending::Opsgenie).last_day,
            Some("2027-04-05".parse().unwrap())
        );
        assert_eq!(
            end_of_life(Ending::Opsgenie).milestones[0].when,
            When::On("2025-06-04".parse().unwrap())
        );
        assert_eq!(
            end_of_life(Ending::NewRelic).last_day,
            Some("2021-06-16".parse().unwrap())
        );
        assert_eq!(
            end_of_life(Ending::TeamsConnector).milestones[0].when,
            When::In {
                year: 2024,
                month: 8
            }
        );
    }
}
