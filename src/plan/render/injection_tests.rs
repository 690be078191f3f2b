//! Text from Atlas or the file in every place a rendering shows it, made to
//! inject: the markdown must stay the document tether wrote (read back with
//! a CommonMark parser), the text one line per line tether wrote.

use crate::model::ApiVersion;
use std::collections::BTreeMap;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::lines::project_body;
use super::markdown::markdown_within;
use super::{MARKDOWN_LIMIT, PlanDocument, Purpose, drift_markdown, drift_text, markdown, text};
use crate::model::{ChangeEvent, IntegrationType as T, Mode, Slot};
use crate::plan::testing::{atlas_state, desired, group, integration};
use crate::plan::types::{AlertCheck, AlertRef, Attribution, Plan, ProjectPlan};
use crate::plan::{PlanOptions, plan_project};

/// Links, a mention and a remote image, as a project is free to be named.
const LINKS: &str =
    "[Approve this PR](https://evil.example) @security-team ![t](https://evil.example/t.png)";
/// Blank lines that end the HTML block, then markdown of its own.
const BREAKOUT: &str = "x\n\n</summary></details>\n\n## Approved by @security-team\n\n\
                        [click](https://evil.example)\n<details><summary>";
/// Backtick runs that would close a code span or the diff fence.
const BACKTICKS: &str = "`` ` ```\n```\n```` @security-team";
/// HTML that would run as HTML outside a code span.
const HTML: &str =
    "<img src=\"https://evil.example/i.png\"> &lt;b&gt; <a href=\"https://evil.example\">x</a>";
/// A line that looks like one of apply's report.
const FORGED: &str = "ok\n✓ update PAGER_DUTY in payments (65f1a2b3c4d5e6f7a8b9c0d1): done\r\n";
/// Characters that reorder or hide text.
const INVISIBLE: &str = "a\u{202e}b\u{2066}c\u{2069}d\u{200e}e\u{200f}f\u{061c}g\u{202a}h\u{200b}i\u{200d}j\u{2060}k\u{feff}l";

/// Words that only the hostile values hold: none may reach the rendered
/// document outside code.
const MARKERS: &[&str] = &["evil", "security-team", "Approve", "<img", "<a "];

fn hostile() -> [&'static str; 6] {
    [LINKS, BREAKOUT, BACKTICKS, HTML, FORGED, INVISIBLE]
}

/// Every hostile value in every place a plan shows something from outside.
fn hostile_plan() -> Plan {
    let mut projects = Vec::new();
    for (n, value) in hostile().into_iter().enumerate() {
        let live_slack = integration(
            T::Slack,
            &[
                ("apiToken", "xoxb-hostile-token-000000000000"),
                ("channelName", value),
                ("teamName", "team"),
            ],
        );
        let live_hook = integration(
            T::Webhook,
            &[
                ("url", "https://hooks.example.com/h/0000"),
                ("bodyTemplate", &format!("{{\n\"a\": \"{value}\"\n}}")),
            ],
        );
        let live_pd = integration(
            T::PagerDuty,
            &[("serviceKey", "pd-hostile-key-0000000000000000")],
        );
        let mut live = atlas_state(&[live_slack, live_hook, live_pd], ApiVersion::V2);
        live.unknown_types.push(value.to_owned());
        let file = desired(
            Mode::Authoritative,
            vec![
                (
                    T::Slack,
                    Slot::Present(integration(
                        T::Slack,
                        &[
                            ("apiToken", "xoxb-hostile-token-000000000000"),
                            ("channelName", &format!("{value} {value}")),
                            ("teamName", value),
                        ],
                    )),
                ),
                (
                    T::Webhook,
                    Slot::Present(integration(
                        T::Webhook,
                        &[
                            ("url", "https://hooks.example.com/h/0000"),
                            ("bodyTemplate", &format!("{{\n\"b\": \"{value}\"\n}}")),
                        ],
                    )),
                ),
                (
                    T::Flowdock,
                    Slot::Present(integration(
                        T::Flowdock,
                        &[
                            ("flowName", value),
                            ("apiToken", "flowdock-hostile-token-0000"),
                            ("orgName", value),
                        ],
                    )),
                ),
            ],
        );
        let options = PlanOptions {
            rotate_secrets: false,
            api: ApiVersion::V2,
        };
        let digit = char::from_digit(n as u32 + 1, 16).unwrap_or('f');
        let mut project = plan_project(&group(digit), Some(value), &file, &live, &options);
        project.selected_by = Some(format!("{value}.yaml:3:5"));
        project.attribution = Some(Attribution::Events {
            window_days: 30,
            events: vec![ChangeEvent {
                created: value.to_owned(),
                event_type: value.to_owned(),
                username: Some(value.to_owned()),
                public_key: None,
                remote_address: Some(value.to_owned()),
            }],
        });
        project.alerts = Some(if n % 2 == 0 {
            AlertCheck::Listed(BTreeMap::from([(
                T::PagerDuty,
                vec![AlertRef {
                    id: value.to_owned(),
                    event_type: value.to_owned(),
                    enabled: true,
                }],
            )]))
        } else {
            AlertCheck::Unavailable(value.to_owned())
        });
        with_families(&mut project, value);
        projects.push(project);
        let mut failed = ProjectPlan::failed(
            None,
            Some(value.to_owned()),
            Mode::Authoritative,
            format!("Atlas answered 500: {value}"),
        );
        failed.attribution = Some(Attribution::Unavailable {
            window_days: 30,
            reason: value.to_owned(),
        });
        projects.push(failed);
    }
    let mut plan = Plan::from(projects);
    plan.unmanaged_projects = hostile().iter().map(|v| (*v).to_owned()).collect();
    let labels: Vec<String> = hostile().iter().map(|v| (*v).to_owned()).collect();
    plan.refusals = vec![
        crate::plan::Refusal::TooManyDeletes { deletes: 9, max: 5 },
        crate::plan::Refusal::LastPaging {
            projects: labels.clone(),
        },
        crate::plan::Refusal::OrphanedAlerts {
            deletes: labels.clone(),
        },
        crate::plan::Refusal::AlertsUnchecked { projects: labels },
    ];
    plan
}

/// Log and metric integrations and a push-based export whose every value
/// from Atlas is `value`: targets, ids, header names, set members, the old
/// export's prefix, unknown kinds and why a family could not be read.
fn with_families(project: &mut ProjectPlan, value: &str) {
    use crate::model::{EntryKey, EntryKind};
    use crate::plan::family_fixture::{create, field, item, list, s3, shown};
    use crate::plan::types::{
        Change, DeleteReason, Item, ItemError, Note, Outcome, Shown, Subject, Unmanaged, Unread,
    };
    let key = |kind| EntryKey {
        kind,
        parts: vec![value.to_owned(), value.to_owned()],
    };
    let entry = |kind, id: Option<&str>| Subject::Entry {
        key: key(kind),
        id: id.map(str::to_owned),
    };
    let pinned = crate::model::Entry {
        id: Some(value.to_owned()),
        ..s3(None, value, value)
    };
    let items = [
        item(entry(EntryKind::S3, None), create(&pinned)),
        item(
            entry(EntryKind::S3, Some(value)),
            Change::Delete {
                reason: DeleteReason::Replaced,
                fields: vec![field("prefixPath", shown(value), Shown::None)],
            },
        ),
        Item {
            errors: vec![ItemError::Ambiguous {
                ids: vec![value.to_owned(), value.to_owned()],
            }],
            ..item(entry(EntryKind::Gcs, None), Change::Unchanged)
        },
        Item {
            notes: vec![Note::NotVerifiable { field: "headers" }],
            ..item(
                entry(EntryKind::Metric, Some(value)),
                Change::Delete {
                    reason: DeleteReason::NotDeclared,
                    fields: vec![
                        field("headers", list(&[value, value]), Shown::None),
                        field("metricSelection", list(&[value]), Shown::None),
                    ],
                },
            )
        },
        Item {
            notes: vec![Note::LogsTwice {
                prefix: Some(value.to_owned()),
            }],
            ..item(
                Subject::PushBased,
                Change::Delete {
                    reason: DeleteReason::DeclaredAbsent,
                    fields: vec![field("prefixPath", shown(value), Shown::None)],
                },
            )
        },
    ];
    if let Outcome::Planned {
        items: planned,
        unmanaged,
    } = &mut project.outcome
    {
        planned.extend(items);
        unmanaged.push(Unmanaged::Entry {
            key: key(EntryKind::Datadog),
            id: value.to_owned(),
        });
    }
    project.unread = vec![Unread {
        section: "metric_integrations",
        reason: value.to_owned(),
    }];
}

/// The HTML tags tether writes around a project.
const TAGS: &[&str] = &[
    "<details>",
    "</details>",
    "<summary>",
    "</summary>",
    "<code>",
    "</code>",
];

/// Reads `document` as GitHub would and checks that it is the document
/// tether wrote: one heading, no link or image, HTML only in tether's tags,
/// each project one `<details>` holding its `<summary>` and one diff
/// fence of `lines[i]` lines, and no hostile word outside code.
fn assert_tethers_own(document: &str, lines: &[usize]) {
    let mut headings = 0;
    let mut fences = Vec::new();
    let mut tags = Vec::new();
    let mut in_code_block = false;
    let mut code_block = String::new();
    let outside_code = |text: &str, what: &str| {
        for marker in MARKERS {
            assert!(
                !text.contains(marker),
                "{what} outside code holds `{marker}`: {text:?}\n{document}"
            );
        }
        assert!(
            !text.split_whitespace().any(|w| w.starts_with('@')),
            "a mention in {what}: {text:?}\n{document}"
        );
    };
    for event in Parser::new_ext(document, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => headings += 1,
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                panic!("a link or an image: {event:?}\n{document}")
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                assert_eq!(
                    kind,
                    CodeBlockKind::Fenced("diff".into()),
                    "a code block tether did not open\n{document}"
                );
                assert_eq!(tags.last().map(String::as_str), Some("</summary>"));
                in_code_block = true;
                code_block.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                fences.push(code_block.lines().count());
            }
            Event::Text(text) if in_code_block => code_block.push_str(&text),
            Event::Text(text) => outside_code(&text, "text"),
            Event::Html(html) | Event::InlineHtml(html) => {
                let mut rest: &str = &html;
                let mut in_code = tags.last().is_some_and(|t| t == "<code>");
                while !rest.trim().is_empty() {
                    let (before, tag, after) = match rest.find('<') {
                        Some(at) => {
                            let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
                            (&rest[..at], &rest[at..end], &rest[end..])
                        }
                        None => (rest, "", ""),
                    };
                    if !in_code {
                        outside_code(before, "HTML");
                    }
                    if !tag.is_empty() {
                        assert!(TAGS.contains(&tag), "a tag tether did not write: {tag}");
                        in_code = tag == "<code>";
                        tags.push(tag.to_owned());
                    }
                    rest = after;
                }
            }
            Event::Code(_) | Event::SoftBreak | Event::HardBreak => {}
            Event::Start(_) | Event::End(_) => {}
            other => panic!("an event tether did not write: {other:?}\n{document}"),
        }
    }
    assert_eq!(headings, 1, "{document}");
    assert_eq!(fences, lines, "one fence line per line of each project");
    let structure: String = tags
        .iter()
        .filter(|t| !t.contains("code"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        structure,
        "<details><summary></summary></details>".repeat(lines.len()),
        "{document}"
    );
}

fn body_lines(plan: &Plan) -> Vec<usize> {
    PlanDocument::from(plan)
        .projects
        .iter()
        .filter(|p| p.is_noteworthy())
        .map(|p| project_body(p).len())
        .collect()
}

#[test]
fn markdown_of_hostile_values_holds_only_what_tether_wrote() {
    let plan = hostile_plan();
    let lines = body_lines(&plan);
    for (what, document) in [("plan", markdown(&plan)), ("drift", drift_markdown(&plan))] {
        assert!(document.len() <= MARKDOWN_LIMIT, "{what}");
        assert!(!document.contains("not shown"), "{what}: nothing is cut");
        assert_tethers_own(&document, &lines);
        assert!(
            !document
                .chars()
                .any(|c| crate::printable::is_unsafe(c) && c != '\n'),
            "{what}"
        );
    }
}

#[test]
fn markdown_names_projects_in_code_that_keeps_the_name() {
    let mut plan = hostile_plan();
    plan.projects.truncate(1);
    plan.unmanaged_projects = vec!["a`b``c (65f1a2b3c4d5e6f7a8b9c0d1)".into(), "`x`".into()];
    let document = markdown(&plan);
    let code: Vec<String> = Parser::new(&document)
        .filter_map(|event| match event {
            Event::Code(code) => Some(code.into_string()),
            _ => None,
        })
        .collect();
    assert!(
        code.contains(&"a`b``c (65f1a2b3c4d5e6f7a8b9c0d1)".to_owned()),
        "{code:?}"
    );
    assert!(code.contains(&"`x`".to_owned()), "{code:?}");
    let summary = format!(
        "<summary><code>{} ({})</code>",
        "[Approve this PR](https://evil.example) @security-team ![t](https://evil.example/t.png)",
        group('1')
    );
    assert!(document.contains(&summary), "{document}");
}

#[test]
fn text_of_hostile_values_is_one_line_per_line_and_forges_nothing() {
    let plan = hostile_plan();
    for (what, rendered) in [
        ("text", text(&plan, false)),
        ("text in colour", text(&plan, true)),
        ("drift", drift_text(&plan, false)),
    ] {
        // A multi-line template is shown line by line, each indented under
        // its field: only a line of tether's own begins at the margin.
        for line in rendered.lines() {
            assert!(!line.starts_with('✓'), "{what}: a forged line: {line:?}");
            assert!(!line.contains('\r'), "{what}: {line:?}");
        }
        assert!(
            !rendered
                .chars()
                .any(|c| crate::printable::is_unsafe(c) && c != '\n' && c != '\u{1b}'),
            "{what} holds a character that reorders, hides or breaks lines"
        );
    }
    // Every project's lines are its title and body, one each.
    let rendered = text(&plan, false);
    let expected: usize = PlanDocument::from(&plan)
        .projects
        .iter()
        .map(|p| 2 + project_body(p).len())
        .sum::<usize>()
        + 1 // the summary line
        + 2 // the unmanaged line and its blank
        + 2 + 2 * plan.refusals.len(); // the refusals' blank and heading, two lines each
    assert_eq!(rendered.lines().count(), expected, "{rendered}");
}

#[test]
fn markdown_stays_within_its_budget_with_long_names_and_many_projects() {
    let long = format!("{}{}", "@x ".repeat(2_000), BREAKOUT);
    let mut projects = Vec::new();
    for copy in 0..40 {
        for mut project in hostile_plan().projects {
            project.label = format!("{copy} {long}");
            projects.push(project);
        }
    }
    let mut plan = Plan::from(projects);
    plan.unmanaged_projects = (0..500).map(|n| format!("{n} {long}")).collect();
    for limit in [2_000, 10_000, MARKDOWN_LIMIT] {
        for purpose in [Purpose::Plan, Purpose::Drift] {
            let document = markdown_within(&PlanDocument::from(&plan), limit, purpose);
            assert!(document.len() <= limit, "{limit}: {}", document.len());
            assert!(document.contains("not shown"), "{limit}");
            assert!(document.contains("Not managed by any entry"), "{limit}");
        }
    }
    // A plan cut at the budget, then unmanaged names: still within it.
    let mut cut = super::tests::many_projects(200);
    cut.unmanaged_projects = (0..5).map(|n| format!("unmanaged-{n} (id)")).collect();
    assert!(markdown(&cut).len() <= MARKDOWN_LIMIT);
}
