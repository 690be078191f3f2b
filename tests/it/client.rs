//! The Atlas client against the simulator: round trips, authentication,
//! retries, throttling, pagination, and the message of every failure.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tether::CancellationToken;
use tether::atlas::{
    ApiError, ApiVersion, Client, ClientConfig, Credentials, Deletion, RetryPolicy, base_url,
};
use tether::model::{FieldValue, GroupId, Integration, IntegrationType, LiveValue, spec};
use tether::secret::Secret;
use tether::sim::{self, ApiKey, Faults, RateLimit, Role, SimHandle, StateFile};

use crate::common::{Sim, SimBuilder};

const PROD: &str = "65f1a2b3c4d5e6f7a8b9c0d1";
const EMPTY: &str = "65f1a2b3c4d5e6f7a8b9c0d9";
const PD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
const PRIVATE_KEY: &str = "private-key-0000-secret-7f3a";
const SA_SECRET: &str = "mdb_sa_sk_client-secret-value-91c2";

const STATE: &str = r#"
projects:
  - id: 65f1a2b3c4d5e6f7a8b9c0d1
    name: payments-prod
    orgId: 6600000000000000000000aa
    integrations:
      PAGER_DUTY:
        serviceKey: 9f3c2a7e5b1d4c8fa0e6b2d4c8f10022
        region: US
  - id: 65f1a2b3c4d5e6f7a8b9c0d9
    name: empty-project
    orgId: 6600000000000000000000aa
"#;

fn group(id: &str) -> GroupId {
    id.parse().expect("a valid id")
}

fn state() -> StateFile {
    StateFile::parse(STATE).expect("the test state parses")
}

fn api_key(role: Role) -> ApiKey {
    ApiKey {
        public_key: "pubkey01".into(),
        private_key: PRIVATE_KEY.into(),
        role,
    }
}

/// The test state behind credentials: the owner's API key and service
/// account.
fn guarded() -> SimBuilder {
    Sim::builder()
        .state(state())
        .auth_required()
        .api_key(api_key(Role::Owner))
        .service_account("mdb_sa_id_01", SA_SECRET, Role::Owner)
}

fn key_credentials(private: &str) -> Credentials {
    Credentials::ApiKey {
        public: "pubkey01".into(),
        private: Secret::new(private),
    }
}

fn sa_credentials() -> Credentials {
    Credentials::ServiceAccount {
        client_id: "mdb_sa_id_01".into(),
        secret: Secret::new(SA_SECRET),
    }
}

fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_total_wait: Duration::from_secs(10),
    }
}

fn config_for(base: &str, credentials: Credentials) -> ClientConfig {
    let mut config = ClientConfig::new(
        base_url(Some(base), |_| None).expect("a valid base URL"),
        credentials,
    );
    config.settings.retry = fast_retry(4);
    config
}

fn client(sim: &SimHandle, credentials: Credentials) -> Client {
    Client::new(config_for(&sim.base_url(), credentials)).expect("the client builds")
}

/// A client of `sim` with `credentials`, its settings changed by `tune`.
fn tuned_client(
    sim: &SimHandle,
    credentials: Credentials,
    tune: impl FnOnce(&mut ClientConfig),
) -> Client {
    let mut config = config_for(&sim.base_url(), credentials);
    tune(&mut config);
    Client::new(config).expect("client")
}

/// The error of listing the prod project's integrations at `base`, which
/// must fail (`why`).
async fn list_fails_at(base: &str, credentials: Credentials, why: &str) -> ApiError {
    Client::new(config_for(base, credentials))
        .expect("client")
        .list_integrations(&group(PROD))
        .await
        .expect_err(why)
}

/// Lists the prod project's integrations `times` at once, each must succeed.
async fn list_concurrently(client: Client, times: usize) {
    let client = Arc::new(client);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..times {
        let client = Arc::clone(&client);
        calls.spawn(async move { client.list_integrations(&group(PROD)).await });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("task").expect("call succeeds");
    }
}

/// Checks that `err` is a connection failure of `kind`.
fn assert_connection(err: &ApiError, kind: tether::atlas::ConnectionFailure) {
    assert!(
        matches!(err, ApiError::Connection { kind: seen, .. } if *seen == kind),
        "{err:?}"
    );
}

/// The test state, with no credentials required, served with `faults`.
fn faulty(faults: Faults) -> SimBuilder {
    Sim::builder().state(state()).faults(faults)
}

pub(crate) fn pager_duty(key: &str) -> Integration {
    let pd = spec(IntegrationType::PagerDuty);
    Integration {
        kind: IntegrationType::PagerDuty,
        fields: vec![(
            pd.field("serviceKey").expect("field"),
            FieldValue::Secret(Secret::new(key)),
        )],
    }
}

/// An error as a user reads it: the message, then what to do.
pub(crate) fn shown(err: &ApiError) -> String {
    format!("{err}\nhint: {}", err.hint())
}

#[tokio::test]
async fn lists_a_project_in_one_get_with_secrets_masked() {
    let sim = Sim::builder().state(state()).start();
    let live = client(&sim, Credentials::None)
        .list_integrations(&group(PROD))
        .await
        .expect("lists");
    let pd = &live.known[&IntegrationType::PagerDuty];
    assert_eq!(
        pd.get("serviceKey"),
        Some(&LiveValue::Text(format!("{}0022", "*".repeat(28))))
    );
    assert_eq!(pd.get("region"), Some(&LiveValue::Text("US".into())));
    let counts = sim.counters();
    assert_eq!(counts.total(), 1);
    assert_eq!(
        counts.get("GET", "/api/atlas/v2/groups/{groupId}/integrations"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_digest_challenge_across_200_calls() {
    let sim = guarded().start();
    let client = tuned_client(&sim, key_credentials(PRIVATE_KEY), |config| {
        config.settings.concurrency = 16;
    });
    list_concurrently(client, 200).await;
    let counts = sim.counters();
    assert_eq!(counts.status(401), 1, "{counts:?}");
    assert_eq!(counts.status(200), 200);
    assert_eq!(counts.total(), 201);
}

#[tokio::test]
async fn stale_nonce_is_answered_again() {
    let sim = guarded()
        .assumptions(sim::Assumptions {
            nonce_lifetime: Duration::from_millis(300),
            ..sim::Assumptions::default()
        })
        .start();
    let client = client(&sim, key_credentials(PRIVATE_KEY));
    client.list_integrations(&group(PROD)).await.expect("first");
    client
        .list_integrations(&group(PROD))
        .await
        .expect("second");
    tokio::time::sleep(Duration::from_millis(400)).await;
    client
        .list_integrations(&group(PROD))
        .await
        .expect("after expiry");
    let counts = sim.counters();
    assert_eq!(
        counts.status(401),
        2,
        "one challenge, one stale: {counts:?}"
    );
    assert_eq!(counts.status(200), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_per_run() {
    let sim = guarded().start();
    list_concurrently(client(&sim, sa_credentials()), 50).await;
    let counts = sim.counters();
    assert_eq!(counts.get("POST", "/api/oauth/token"), 1, "{counts:?}");
    assert_eq!(counts.status(401), 0);
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_before_it_fails() {
    let sim = guarded().token_lifetime(Duration::from_secs(1)).start();
    let client = client(&sim, sa_credentials());
    client.list_integrations(&group(PROD)).await.expect("first");
    tokio::time::sleep(Duration::from_millis(700)).await;
    client
        .list_integrations(&group(PROD))
        .await
        .expect("second");
    let counts = sim.counters();
    assert_eq!(counts.get("POST", "/api/oauth/token"), 2);
    assert_eq!(counts.status(401), 0);
}

/// A simulator that serves one request per `period`, then answers 429.
fn throttled_sim(period: Duration) -> SimHandle {
    faulty(Faults {
        rate_limit: Some(RateLimit {
            capacity: 1,
            refill: 1,
            period,
        }),
        ..Faults::default()
    })
    .start()
}

#[tokio::test]
async fn throttled_then_served_after_retry_after() {
    let sim = throttled_sim(Duration::from_secs(1));
    // Pacing would wait for the token instead of being throttled.
    let client = tuned_client(&sim, Credentials::None, |config| {
        config.settings.pacing = false
    });
    client.list_integrations(&group(PROD)).await.expect("first");
    let started = Instant::now();
    client
        .list_integrations(&group(PROD))
        .await
        .expect("served once the bucket refills");
    let counts = sim.counters();
    assert!(counts.status(429) >= 1, "{counts:?}");
    // The simulator's Retry-After is whole seconds; the client waited it out
    // instead of hammering with its 10 ms backoff.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(counts.status(429) <= 2, "{counts:?}");
}

#[tokio::test]
async fn throttled_past_the_budget_is_a_clear_error() {
    let sim = throttled_sim(Duration::from_secs(3600));
    let client = tuned_client(&sim, Credentials::None, |config| {
        config.settings.retry.max_total_wait = Duration::from_secs(1);
    });
    client.list_integrations(&group(PROD)).await.expect("first");
    let err = client
        .list_integrations(&group(PROD))
        .await
        .expect_err("throttled");
    assert!(matches!(err, ApiError::Throttled { .. }), "{err:?}");
    assert!(client.current_concurrency() < 16, "the limit backs off");
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn server_errors_until_the_attempts_run_out() {
    let sim = faulty(Faults {
        error_503_rate: 1.0,
        ..Faults::default()
    })
    .start();
    let err = tuned_client(&sim, Credentials::None, |config| {
        config.settings.retry = fast_retry(3);
        // The simulator's 503 carries `Retry-After: 1`, which the client honours.
        config.settings.retry.max_total_wait = Duration::from_secs(5);
    })
    .list_integrations(&group(PROD))
    .await
    .expect_err("503 every time");
    assert!(
        matches!(
            err,
            ApiError::ServerError {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sim.counters().status(503), 3);
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let sim = faulty(Faults {
        drop_rate: 0.3,
        ..Faults::default()
    })
    .seed(7)
    .start();
    let client = tuned_client(&sim, Credentials::None, |config| {
        config.settings.retry = fast_retry(8)
    });
    for _ in 0..20 {
        client
            .list_integrations(&group(PROD))
            .await
            .expect("succeeds in the end");
    }
    assert!(sim.counters().dropped > 0);
}

#[tokio::test]
async fn wrong_api_key() {
    let sim = guarded().start();
    let err = client(&sim, key_credentials("not-the-private-key"))
        .list_integrations(&group(PROD))
        .await
        .expect_err("refused");
    assert!(matches!(err, ApiError::Unauthorized { .. }));
    assert_eq!(
        sim.counters().status(401),
        2,
        "the challenge, then the refusal"
    );
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn no_credentials_against_a_guarded_atlas() {
    let sim = guarded().start();
    let err = client(&sim, Credentials::None)
        .list_integrations(&group(PROD))
        .await
        .expect_err("refused");
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn read_only_key_cannot_write() {
    let sim = Sim::builder()
        .state(state())
        .auth_required()
        .api_key(api_key(Role::ReadOnly))
        .start();
    let client = client(&sim, key_credentials(PRIVATE_KEY));
    client
        .list_integrations(&group(PROD))
        .await
        .expect("reads work");
    let err = client
        .put_integration(&group(PROD), &pager_duty(PD_KEY))
        .await
        .expect_err("writes refused");
    assert!(
        matches!(err, ApiError::Forbidden { write: true, .. }),
        "{err:?}"
    );
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn unknown_project() {
    let sim = Sim::builder().state(state()).start();
    let err = client(&sim, Credentials::None)
        .list_integrations(&group("65f1a2b3c4d5e6f7a8b9c0ff"))
        .await
        .expect_err("no such project");
    assert!(matches!(err, ApiError::GroupNotFound { .. }));
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn atlas_detail_for_a_bad_value() {
    let sim = Sim::builder().state(state()).start();
    let dd = spec(IntegrationType::Datadog);
    let bad = Integration {
        kind: IntegrationType::Datadog,
        fields: vec![(
            dd.field("apiKey").expect("field"),
            FieldValue::Secret(Secret::new("not-hexadecimal-at-all")),
        )],
    };
    let err = client(&sim, Credentials::None)
        .put_integration(&group(PROD), &bad)
        .await
        .expect_err("Atlas refuses non-hex keys");
    let message = shown(&err);
    crate::common::assert_lacks(&message, "not-hexadecimal-at-all");
    insta::assert_snapshot!(message);
}

#[tokio::test]
async fn connection_refused_names_the_url_and_not_the_credentials() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let err = list_fails_at(&base, key_credentials(PRIVATE_KEY), "nothing listens").await;
    let message = shown(&err).replace(&port.to_string(), "PORT");
    assert!(!message.contains(PRIVATE_KEY));
    assert!(
        message.starts_with("the connection to http://127.0.0.1:PORT failed: Connection refused"),
        "the deepest cause, not reqwest's layers: {message}"
    );
    assert!(matches!(
        err,
        ApiError::Connection {
            kind: tether::atlas::ConnectionFailure::Refused,
            ..
        }
    ));
}

#[tokio::test]
async fn plain_http_behind_an_https_url_is_a_tls_failure_with_a_hint() {
    let sim = Sim::builder().state(state()).start();
    let base = sim.base_url().replace("http://", "https://");
    let err = list_fails_at(
        &base,
        key_credentials(PRIVATE_KEY),
        "the simulator does not speak TLS",
    )
    .await;
    let message = shown(&err);
    assert!(!message.contains(PRIVATE_KEY));
    assert_connection(&err, tether::atlas::ConnectionFailure::Tls);
    crate::common::assert_contains(&message, "check that the address speaks HTTPS");
    assert_eq!(sim.counters().total(), 0, "no request reached the server");
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_a_dns_failure() {
    // The `.invalid` top-level domain is reserved: no name in it resolves.
    let err = list_fails_at(
        "http://tether-test.invalid",
        key_credentials(PRIVATE_KEY),
        "no such host",
    )
    .await;
    assert_connection(&err, tether::atlas::ConnectionFailure::Dns);
    let message = shown(&err);
    crate::common::assert_starts_with(
        &message,
        "the connection to http://tether-test.invalid failed: ",
    );
    crate::common::assert_contains(&message, "does not resolve");
}

#[tokio::test]
async fn a_server_that_hangs_up_on_the_tls_handshake_is_a_tls_failure() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("https://{}", listener.local_addr().expect("addr"));
    // Dropped before or after the client hello arrives: the client sees a
    // reset or an end of stream, a TLS failure either way.
    let hangs_up = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let err = list_fails_at(&base, Credentials::None, "no TLS").await;
    hangs_up.abort();
    assert_connection(&err, tether::atlas::ConnectionFailure::Tls);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let mut config = config_for(&base, Credentials::None);
    config.settings.request_timeout = Duration::from_millis(300);
    config.settings.retry = fast_retry(2);
    let started = Instant::now();
    let err = Client::new(config)
        .expect("client")
        .list_integrations(&group(PROD))
        .await
        .expect_err("no answer");
    held.abort();
    assert!(
        matches!(err, ApiError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn organization_projects_across_pages() {
    let mut text = String::from("projects:\n");
    for n in 0..1203 {
        text.push_str(&format!(
            "  - id: {n:024x}\n    name: project-{n}\n    orgId: 6600000000000000000000cc\n"
        ));
    }
    let sim = Sim::builder().state_yaml(&text).start();
    let projects = client(&sim, Credentials::None)
        .org_projects("6600000000000000000000cc")
        .await
        .expect("lists");
    assert_eq!(projects.len(), 1203);
    assert_eq!(projects[1202].name, "project-1202");
    assert_eq!(
        sim.counters()
            .get("GET", "/api/atlas/v2/orgs/{orgId}/groups"),
        3
    );
}

#[tokio::test]
async fn project_by_name_and_by_id() {
    let sim = Sim::builder().state(state()).start();
    let client = client(&sim, Credentials::None);
    let project = client
        .project_by_name("payments-prod")
        .await
        .expect("found");
    assert_eq!(project.id, group(PROD));
    assert_eq!(
        client.project(&group(PROD)).await.expect("found").name,
        "payments-prod"
    );
    let err = client
        .project_by_name("payments-prd")
        .await
        .expect_err("no such name");
    insta::assert_snapshot!(shown(&err));
}

/// Whether PUT creates an absent type is unverified on both versions: a PUT
/// answered "not configured" becomes a POST, and a POST answered "exists"
/// (the integration appeared since the plan) becomes a PUT.
#[tokio::test]
async fn put_and_post_fall_back_to_each_other_on_both_versions() {
    for (api, prefix) in [(ApiVersion::V1, "v1.0"), (ApiVersion::V2, "v2")] {
        let sim = Sim::builder()
            .state(state())
            .assumptions(sim::Assumptions {
                v1_put_absent: tether::sim::PutAbsent::NotConfigured,
                ..sim::Assumptions::default()
            })
            .start();
        let client = tuned_client(&sim, Credentials::None, |config| config.settings.api = api);
        let path =
            format!("/api/atlas/{prefix}/groups/{{groupId}}/integrations/{{integrationType}}");
        let writes = || {
            let counts = sim.counters();
            (counts.get("PUT", &path), counts.get("POST", &path))
        };
        let after = client
            .put_integration(&group(EMPTY), &pager_duty(PD_KEY))
            .await
            .expect("created");
        assert!(after.known.contains_key(&IntegrationType::PagerDuty));
        assert_eq!(writes(), (1, 1), "{api:?}: PUT, then POST");
        client
            .put_integration(&group(EMPTY), &pager_duty(PD_KEY))
            .await
            .expect("updated");
        assert_eq!(writes(), (2, 1), "{api:?}: an update is one PUT");
        client
            .create_integration(&group(EMPTY), &pager_duty("a-newer-pagerduty-key-0042"))
            .await
            .expect("written");
        assert_eq!(writes(), (3, 2), "{api:?}: POST (409), then PUT");
        assert_eq!(
            sim.snapshot().stored(EMPTY, "PAGER_DUTY", "serviceKey"),
            Some("a-newer-pagerduty-key-0042")
        );
    }
}

#[tokio::test]
async fn v1_refuses_v2_only_fields_before_any_request() {
    let sim = Sim::builder().state(state()).start();
    let wh = spec(IntegrationType::Webhook);
    let webhook = Integration {
        kind: IntegrationType::Webhook,
        fields: vec![
            (
                wh.field("url").expect("field"),
                FieldValue::Secret(Secret::new("https://hooks.example.com/alerts")),
            ),
            (
                wh.field("bodyTemplate").expect("field"),
                FieldValue::Text("{}".into()),
            ),
        ],
    };
    let err = tuned_client(&sim, Credentials::None, |config| {
        config.settings.api = ApiVersion::V1;
    })
    .put_integration(&group(PROD), &webhook)
    .await
    .expect_err("v1.0 has no such field");
    assert_eq!(sim.counters().total(), 0);
    insta::assert_snapshot!(shown(&err));
}

#[tokio::test]
async fn delete_of_an_absent_integration_counts_as_done() {
    let sim = Sim::builder().state(state()).start();
    let client = client(&sim, Credentials::None);
    let pd = IntegrationType::PagerDuty;
    assert_eq!(
        client
            .delete_integration(&group(PROD), pd)
            .await
            .expect("deleted"),
        Deletion::Deleted
    );
    assert_eq!(
        client
            .delete_integration(&group(PROD), pd)
            .await
            .expect("absent"),
        Deletion::AlreadyAbsent
    );
}

#[tokio::test]
async fn verbose_log_has_one_line_per_request_and_no_secrets() {
    let sim = guarded().start();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&lines);
    let client = tuned_client(&sim, key_credentials(PRIVATE_KEY), |config| {
        config.settings.log = Some(Arc::new(move |line: &str| {
            sink.lock().expect("lock").push(line.to_owned());
        }));
    });
    client.list_integrations(&group(PROD)).await.expect("lists");
    client
        .put_integration(&group(PROD), &pager_duty(PD_KEY))
        .await
        .expect("written");
    let lines = lines.lock().expect("lock").clone();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let all = lines.join("\n");
    for secret in [PRIVATE_KEY, PD_KEY, "Digest", "Authorization"] {
        assert!(!all.contains(secret), "{secret} in {all}");
    }
    assert!(
        lines[0].starts_with("GET /api/atlas/v2/groups/65f1a2b3c4d5e6f7a8b9c0d1/integrations 401")
    );
    assert!(lines[1].contains(" 200 ") && lines[1].ends_with("(attempt 1)"));
    assert!(lines[2].starts_with(
        "PUT /api/atlas/v2/groups/65f1a2b3c4d5e6f7a8b9c0d1/integrations/PAGER_DUTY 200"
    ));
}

#[tokio::test]
async fn a_public_key_with_a_quote_signs_in_to_the_simulator() {
    let sim = Sim::builder()
        .state(state())
        .auth_required()
        .api_key(ApiKey {
            public_key: "pub\"key01".into(),
            private_key: PRIVATE_KEY.into(),
            role: Role::Owner,
        })
        .start();
    let credentials = Credentials::ApiKey {
        public: "pub\"key01".into(),
        private: Secret::new(PRIVATE_KEY),
    };
    client(&sim, credentials)
        .list_integrations(&group(PROD))
        .await
        .expect("the quote is escaped in the Digest header");
    let counts = sim.counters();
    assert_eq!(
        (counts.status(401), counts.status(200)),
        (1, 1),
        "{counts:?}"
    );
}

#[tokio::test]
async fn a_refused_service_account_fetches_one_token_in_all() {
    // Tokens that expire at once: every bearer request is a 401, as for an
    // account that may not call the API.
    let sim = guarded().token_lifetime(Duration::ZERO).start();
    let client = client(&sim, sa_credentials());
    for _ in 0..3 {
        let err = client
            .list_integrations(&group(PROD))
            .await
            .expect_err("refused");
        assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    }
    let counts = sim.counters();
    assert_eq!(counts.get("POST", "/api/oauth/token"), 1, "{counts:?}");
    assert_eq!(
        counts.status(401),
        3,
        "one refused GET per call: {counts:?}"
    );
    assert_eq!(counts.total(), 4, "{counts:?}");
}

#[tokio::test]
async fn a_stop_requested_before_a_write_sends_nothing() {
    let sim = guarded().start();
    let stop = CancellationToken::new();
    stop.cancel();
    let client = tuned_client(&sim, sa_credentials(), |config| config.settings.stop = stop);
    let err = client
        .put_integration(&group(PROD), &pager_duty(PD_KEY))
        .await
        .expect_err("stopped");
    assert!(matches!(err, ApiError::NotStarted { .. }), "{err:?}");
    let message = shown(&err);
    crate::common::assert_contains(&message, "was not sent");
    crate::common::assert_lacks(&message, PD_KEY);
    let err = client
        .delete_integration(&group(PROD), IntegrationType::PagerDuty)
        .await
        .expect_err("stopped");
    assert!(matches!(err, ApiError::NotStarted { .. }), "{err:?}");
    assert_eq!(sim.counters().total(), 0, "not even a token request");
    // Reads are not stopped.
    client.list_integrations(&group(PROD)).await.expect("reads");
    assert_eq!(sim.counters().writes(), 1, "the token request only");
    Client::new(config_for(&sim.base_url(), sa_credentials()))
        .expect("client")
        .put_integration(&group(PROD), &pager_duty(PD_KEY))
        .await
        .expect("written without a stop");
}

#[tokio::test]
async fn a_service_account_works_with_one_request_at_a_time() {
    let sim = guarded().start();
    let client = tuned_client(&sim, sa_credentials(), |config| {
        config.settings.concurrency = 1;
    });
    tokio::time::timeout(
        Duration::from_secs(10),
        client.list_integrations(&group(PROD)),
    )
    .await
    .expect("no deadlock: the token request does not wait for the slot its caller holds")
    .expect("lists");
    assert_eq!(sim.counters().get("POST", "/api/oauth/token"), 1);
}
