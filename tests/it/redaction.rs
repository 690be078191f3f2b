//! What redaction must find and what it must leave alone: secrets a
//! hostile server hides inside base64 (issue 23, item 9), secrets of the
//! file that Atlas holds in a plain field (item 10), and identifiers that
//! merely look like a credential (item 11).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use tether::atlas::{Client, Credentials};

use crate::client::{pager_duty, shown};
use crate::client_hostile::{Reply, Server, config, group};

const PD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
const CLIENT_ID: &str = "mdb_sa_id_01";
const CLIENT_SECRET: &str = "mdb_sa_sk_client-secret-value-91c2";
const TOKEN: &str = "tok-bearer-7d1e9a0c55b2f4e8aa01";

/// The bytes every base64 run of `text` stands for, read from each of its
/// four alignments, in the standard and the URL-safe alphabet.
fn base64_readings(text: &str) -> Vec<Vec<u8>> {
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_');
    let mut readings = Vec::new();
    for run in text.split(|c: char| !is_b64(c)).filter(|r| r.len() >= 4) {
        let run = run.replace('-', "+").replace('_', "/");
        for skip in 0..4.min(run.len()) {
            let part = &run[skip..];
            let whole = &part[..part.len() - part.len() % 4];
            if let Ok(bytes) = STANDARD_NO_PAD.decode(whole) {
                readings.push(bytes);
            }
        }
    }
    readings
}

/// Fails when `message` holds a fragment of a secret as long as the
/// redaction threshold, in clear or inside base64 at any offset.
fn assert_hidden(message: &str, secrets: &[&str]) {
    let mut texts = vec![message.to_lowercase()];
    texts.extend(
        base64_readings(message)
            .into_iter()
            .map(|b| String::from_utf8_lossy(&b).to_lowercase()),
    );
    for secret in secrets {
        let len = tether::atlas::fragment_len(secret.len());
        for window in secret.as_bytes().windows(len) {
            let window = String::from_utf8_lossy(window).to_lowercase();
            for text in &texts {
                assert!(!text.contains(&window), "`{window}` in:\n{message}");
            }
        }
    }
}

/// A server that hands out `TOKEN` and refuses everything else with a
/// detail `echo` writes from the request.
fn echoing(echo: fn(&crate::client_hostile::Seen) -> String) -> Server {
    Server::start(move |seen| {
        if seen.target == "/api/oauth/token" {
            return Reply::new(
                "200 OK",
                format!(r#"{{"access_token":"{TOKEN}","expires_in":3600}}"#),
            );
        }
        Reply::new(
            "400 Bad Request",
            serde_json::json!({"errorCode": "ECHO", "detail": echo(seen)}).to_string(),
        )
    })
}

fn service_account() -> Credentials {
    Credentials::ServiceAccount {
        client_id: CLIENT_ID.into(),
        secret: tether::secret::Secret::new(CLIENT_SECRET),
    }
}

async fn refused_write(atlas: &Server) -> String {
    let err = Client::new(config(&atlas.base, service_account()))
        .expect("client")
        .put_integration(&group(), &pager_duty(PD_KEY))
        .await
        .expect_err("refused");
    shown(&err)
}

#[tokio::test]
async fn base64_of_the_body_being_written_is_redacted_at_any_offset() {
    let atlas = echoing(|seen| {
        let body = &seen.body;
        let shifted: Vec<u8> = [b"x".as_slice(), body].concat();
        let twice: Vec<u8> = [b"ab".as_slice(), body].concat();
        format!(
            "got {} and {} and {} and url {} and cut {}",
            STANDARD.encode(body),
            STANDARD.encode(&shifted),
            STANDARD.encode(&twice),
            URL_SAFE_NO_PAD.encode(body),
            &STANDARD.encode(body)[5..41],
        )
    });
    let message = refused_write(&atlas).await;
    assert!(
        String::from_utf8_lossy(&atlas.seen()[1].body).contains(PD_KEY),
        "the key was sent"
    );
    assert_hidden(&message, &[PD_KEY]);
    crate::common::assert_contains(&message, "[redacted]");
}

#[tokio::test]
async fn base64_of_a_secret_being_written_alone_is_redacted() {
    let atlas = echoing(|_| format!("bad key {}", STANDARD.encode(PD_KEY)));
    let message = refused_write(&atlas).await;
    assert_hidden(&message, &[PD_KEY]);
    crate::common::assert_contains(&message, "bad key [redacted]");
}

#[tokio::test]
async fn base64_of_the_authorization_header_is_redacted() {
    let atlas = echoing(|seen| {
        let auth = seen.header("authorization").unwrap_or_default().to_owned();
        format!(
            "auth {} and {}",
            STANDARD.encode(&auth),
            STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        )
    });
    let message = refused_write(&atlas).await;
    assert_hidden(&message, &[TOKEN, CLIENT_SECRET, PD_KEY]);
}

#[tokio::test]
async fn base64_that_holds_no_secret_is_left_alone() {
    let atlas = echoing(|_| {
        format!(
            "see {} in group 65f1a2b3c4d5e6f7a8b9c0d1",
            STANDARD.encode("a harmless message")
        )
    });
    let message = refused_write(&atlas).await;
    crate::common::assert_contains(&message, &STANDARD.encode("a harmless message"));
    crate::common::assert_contains(&message, "65f1a2b3c4d5e6f7a8b9c0d1");
}

// --- Identifiers are never redacted (item 11) ----------------------------

/// ObjectIds made in the same second share their first 8 hex digits (the
/// timestamp), and a service account's client id is `mdb_sa_id_` plus one.
const PROJECT: &str = "6610a1b2c3d4e5f6a7b8c9e1";
const HOOK_ID: &str = "6610a1b2c3d4e5f6a7b8c9e2";
const ALERT_ID: &str = "6610a1b2c3d4e5f6a7b8c9a1";
const SA_ID: &str = "mdb_sa_id_6610a1b2c3d4e5f6a7b8c9f0";
const SA_SECRET: &str = "mdb_sa_sk_6610a1b2c3d4e5f6a7b8c9f0-secret";
const HOOK_URL: &str = "https://hooks.example.com/ids/secret-path-0042";

/// The state of the project `checkout` with PagerDuty, then `rest` (more
/// integrations, then anything else of the project).
fn checkout(rest: &str) -> tether::sim::StateFile {
    tether::sim::StateFile::parse(&format!(
        "projects:
  - id: {PROJECT}
    name: checkout
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY: {{serviceKey: {PD_KEY}}}
{rest}"
    ))
    .expect("the state parses")
}

fn ids_sim() -> tether::sim::SimHandle {
    let state = checkout(&format!(
        "      WEBHOOK: {{id: {HOOK_ID}, url: \"{HOOK_URL}\"}}
    alertConfigs:
      - id: {ALERT_ID}
        eventTypeName: HOST_DOWN
        enabled: true
        notifications:
          - {{typeName: WEBHOOK, integrationId: {HOOK_ID}, webhookUrl: \"https://own.example/x\"}}
"
    ));
    crate::common::Sim::builder()
        .state(state)
        .auth_required()
        .service_account(SA_ID, SA_SECRET, tether::sim::Role::Owner)
        .start()
}

fn run_with_service_account(
    dir: &std::path::Path,
    sim: &tether::sim::SimHandle,
    args: &[&str],
) -> crate::common::Run {
    let env = [
        ("PD_KEY", PD_KEY),
        ("MONGODB_ATLAS_CLIENT_ID", SA_ID),
        ("MONGODB_ATLAS_CLIENT_SECRET", SA_SECRET),
    ];
    let run = crate::common::tether_against(dir, sim, args, &env);
    let all = run.all_output();
    for secret in [PD_KEY, SA_SECRET, HOOK_URL, "secret-path"] {
        assert!(!all.contains(secret), "a secret was printed:\n{all}");
    }
    run
}

#[test]
fn ids_that_share_digits_with_the_client_id_are_shown_whole_and_still_gate_a_delete() {
    let sim = ids_sim();
    let dir = crate::common::folder_with(&crate::common::pager_duty_file(PROJECT));

    let plan = run_with_service_account(dir.path(), &sim, &["plan", "--output", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    crate::common::assert_lacks(&plan.all_output(), "[redacted]");
    let document: serde_json::Value = serde_json::from_str(&plan.stdout).expect("JSON");
    let project = &document["projects"][0];
    assert_eq!(project["group_id"], PROJECT);
    let webhook = crate::common::plan_item(project, "WEBHOOK");
    assert_eq!(webhook["alerts"][0]["id"], ALERT_ID, "{}", plan.stdout);

    sim.reset_counters();
    let refused = run_with_service_account(dir.path(), &sim, &["apply", "--auto-approve"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("`--allow-orphaned-alerts`") && refused.stderr.contains(ALERT_ID),
        "{}",
        refused.stderr
    );
    let counts = sim.counters();
    assert_eq!(
        counts.writes(),
        counts.get("POST", "/api/oauth/token"),
        "{counts:?}"
    );
}

// --- A secret of the file in a live plain field (item 10) ----------------

const SLACK_TOKEN: &str = "xoxb-slack-token-0000-1111-2222";

#[test]
fn a_secret_of_the_file_that_atlas_holds_in_a_plain_field_is_never_shown() {
    let state = checkout(&format!(
        "      SLACK: {{apiToken: {SLACK_TOKEN}, teamName: acme, channelName: \"#{PD_KEY}\"}}\n"
    ));
    let sim = crate::common::Sim::builder().state(state).start();
    let dir = crate::common::folder_with(&crate::common::pager_duty_file(PROJECT));
    let summary = dir.path().join("summary.md");
    let summary_path = summary.to_str().expect("a UTF-8 path");
    let env = [("PD_KEY", PD_KEY), ("GITHUB_STEP_SUMMARY", summary_path)];
    let mut everything = String::new();
    for args in [
        &["plan"][..],
        &["plan", "--output", "json"],
        &["plan", "--output", "markdown"],
        &["plan", "--out", "plan.json"],
        &["show", "plan.json"],
        &["show", "plan.json", "--output", "json"],
        &["drift"],
        &["drift", "--output", "json"],
    ] {
        let run = crate::common::tether_against(dir.path(), &sim, args, &env);
        assert!(
            run.code == 0 || run.code == 2,
            "{args:?}: {}",
            run.transcript()
        );
        everything.push_str(&run.all_output());
    }
    for file in ["plan.json", "summary.md"] {
        everything.push_str(&std::fs::read_to_string(dir.path().join(file)).expect(file));
    }
    crate::common::assert_contains(&everything, "channelName");
    for secret in [PD_KEY, SLACK_TOKEN] {
        assert!(
            !everything.contains(secret),
            "`{secret}` shown:\n{everything}"
        );
    }
    let mask = tether::secret::Secret::new(PD_KEY).mask();
    crate::common::assert_contains(&everything, &format!("#{mask}"));
}
