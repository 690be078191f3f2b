//! Credentials from an Atlas CLI profile: `config.toml` in a temporary
//! `XDG_CONFIG_HOME`, never the real home, and `TETHER_KEYRING=none` so
//! that no run reaches the machine's keyring (the keyring paths are tested
//! in-process through `MemoryKeyring`).

use std::path::Path;

use tether::atlas::keyring::{KeyringFailure, MemoryKeyring};
use tether::atlas::{Access, AccessRequest, CredentialSource, SecretOrigin};
use tether::sim::{SimHandle, StateFile};

use crate::common::{ORG, Run, Sim, tether};

const PUBLIC: &str = "profilepub1";
const PRIVATE: &str = "3f2a9c1e-profile-private-key-0001";
const CLIENT_ID: &str = "mdb_sa_id_profile";
const CLIENT_SECRET: &str = "mdb_sa_sk_profile_secret_value_0002";
const PD_KEY: &str = "profile-pd-key-0123456789abcdef0042";
/// Every value a run must never print.
const SECRETS: [&str; 3] = [PRIVATE, CLIENT_SECRET, PD_KEY];

fn state() -> StateFile {
    StateFile::parse(&format!(
        "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0e1\n    name: payments-prod\n    orgId: {ORG}\n\
         apiKeys:\n  - publicKey: {PUBLIC}\n    privateKey: {PRIVATE}\n    role: owner\n\
         serviceAccounts:\n  - clientId: {CLIENT_ID}\n    clientSecret: {CLIENT_SECRET}\n    role: readOnly\n"
    ))
    .expect("state")
}

const FILE: &str = "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0e1\n    integrations:\n      \
                    PAGER_DUTY:\n        serviceKey: ${PD_KEY}\n";

/// A folder for the run: `tether.yaml`, and `config/atlascli/config.toml`
/// holding `profiles` (none when `None`).
fn workspace(profiles: Option<&str>) -> tempfile::TempDir {
    let dir = crate::common::folder_with(FILE);
    std::fs::create_dir_all(dir.path().join("config/atlascli")).expect("config folder");
    if let Some(profiles) = profiles {
        std::fs::write(dir.path().join("config/atlascli/config.toml"), profiles)
            .expect("config.toml");
    }
    dir
}

fn config_file(dir: &Path) -> String {
    dir.join("config/atlascli/config.toml")
        .display()
        .to_string()
}

/// Runs `tether --color never ARGS` with the profile folder, no keyring, and
/// `env` besides: no credential variable unless `env` has one.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let config = dir.join("config").display().to_string();
    let mut all_env = vec![
        ("XDG_CONFIG_HOME", config.as_str()),
        ("TETHER_KEYRING", "none"),
        ("PD_KEY", PD_KEY),
    ];
    all_env.extend_from_slice(env);
    let mut all_args = vec!["--color", "never"];
    all_args.extend_from_slice(args);
    let run = tether(dir, &all_args, &all_env);
    for secret in SECRETS {
        assert!(
            !run.all_output().contains(secret),
            "a secret was printed: {}",
            run.transcript()
        );
    }
    run
}

fn api_key_profile(name: &str, sim: &SimHandle) -> String {
    format!(
        "[{name}]\n  auth_type = \"api_keys\"\n  org_id = \"{ORG}\"\n  output = \"json\"\n  \
         ops_manager_url = \"{}/\"\n  public_api_key = \"{PUBLIC}\"\n  private_api_key = \"{PRIVATE}\"\n  \
         service = \"cloud\"\n",
        sim.base_url()
    )
}

fn service_account_profile(name: &str, sim: &SimHandle) -> String {
    format!(
        "[{name}]\n  auth_type = \"service_account\"\n  client_id = \"{CLIENT_ID}\"\n  \
         client_secret = \"{CLIENT_SECRET}\"\n  ops_manager_url = \"{}\"\n  project_id = \
         \"65f1a2b3c4d5e6f7a8b9c0e1\"\n",
        sim.base_url()
    )
}

#[test]
fn a_plan_with_only_an_api_key_profile_works() {
    let sim = Sim::builder().state(state()).start();
    let dir = workspace(Some(&api_key_profile("default", &sim)));
    let planned = run(dir.path(), &["plan"], &[]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    crate::common::assert_contains(&planned.stdout, "+ PAGER_DUTY will be created");
    let applied = run(dir.path(), &["apply", "--auto-approve"], &[]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(sim.counters().writes(), 1, "the owner key wrote");

    let whoami = run(dir.path(), &["whoami"], &[]);
    assert_eq!(whoami.code, 0, "{}", whoami.transcript());
    let file = config_file(dir.path());
    crate::common::assert_contains(
        &whoami.stdout,
        &format!(
            "Credentials: a programmatic API key (HTTP Digest), from Atlas CLI profile \
             `default` in `{file}` (the secret from the file)"
        ),
    );
    crate::common::assert_contains(
        &whoami.stdout,
        "(from `ops_manager_url` of profile `default`)",
    );
    crate::common::assert_contains(
        &whoami.stdout,
        &format!("Org:         {ORG} (`org_id` of profile `default`)"),
    );
}

#[test]
fn a_plan_with_only_a_service_account_profile_works() {
    let sim = Sim::builder().state(state()).start();
    let profiles = format!(
        "[default]\n  auth_type = \"api_keys\"\n  public_api_key = \"wrong\"\n  private_api_key = \
         \"wrong-private\"\n\n{}",
        service_account_profile("ci", &sim)
    );
    let dir = workspace(Some(&profiles));
    let by_flag = run(dir.path(), &["plan", "--profile", "ci"], &[]);
    assert_eq!(by_flag.code, 0, "{}", by_flag.transcript());
    assert!(by_flag.stdout.contains("+ PAGER_DUTY will be created"));
    let by_variable = run(dir.path(), &["whoami"], &[("MONGODB_ATLAS_PROFILE", "ci")]);
    assert_eq!(by_variable.code, 0, "{}", by_variable.transcript());
    crate::common::assert_contains(
        &by_variable.stdout,
        "Credentials: a service account, from Atlas CLI profile `ci`",
    );
    crate::common::assert_contains(&by_variable.stdout, "Accepted:    yes; 1 project");
}

#[test]
fn environment_credentials_and_base_url_win_over_the_profile() {
    let sim = Sim::builder().state(state()).start();
    // The profile points nowhere and holds a wrong key: only the variables
    // can make this run work.
    let profiles = format!(
        "[default]\nauth_type = \"api_keys\"\npublic_api_key = \"{PUBLIC}\"\nprivate_api_key = \
         \"not-the-key\"\nops_manager_url = \"http://127.0.0.1:9\"\n"
    );
    let dir = workspace(Some(&profiles));
    let base = sim.base_url();
    let env = [
        ("MONGODB_ATLAS_CLIENT_ID", CLIENT_ID),
        ("MONGODB_ATLAS_CLIENT_SECRET", CLIENT_SECRET),
        ("MONGODB_ATLAS_BASE_URL", base.as_str()),
    ];
    let whoami = run(dir.path(), &["whoami", "--profile", "default"], &env);
    assert_eq!(whoami.code, 0, "{}", whoami.transcript());
    crate::common::assert_contains(
        &whoami.stdout,
        "a service account, from `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`",
    );
    crate::common::assert_contains(&whoami.stdout, "(from `MONGODB_ATLAS_BASE_URL`)");
}

#[test]
fn import_takes_the_organization_from_the_flag_then_the_variable_then_the_profile() {
    let mut state = state();
    state.orgs.push("6600000000000000000000bb".to_owned());
    let sim = Sim::builder().state(state).start();
    let dir = workspace(Some(&api_key_profile("default", &sim)));
    let from_profile = run(dir.path(), &["import"], &[]);
    assert_eq!(from_profile.code, 0, "{}", from_profile.transcript());
    assert!(from_profile.stdout.contains("65f1a2b3c4d5e6f7a8b9c0e1"));
    // An organization without projects: the variable was used, not the profile's.
    let from_variable = run(
        dir.path(),
        &["import"],
        &[("MONGODB_ATLAS_ORG_ID", "6600000000000000000000bb")],
    );
    assert_eq!(from_variable.code, 0, "{}", from_variable.transcript());
    crate::common::assert_lacks(&from_variable.stdout, "65f1a2b3c4d5e6f7a8b9c0e1");
    let from_flag = run(
        dir.path(),
        &["import", "--org", ORG],
        &[("MONGODB_ATLAS_ORG_ID", "6600000000000000000000bb")],
    );
    assert_eq!(from_flag.code, 0, "{}", from_flag.transcript());
    assert!(from_flag.stdout.contains("65f1a2b3c4d5e6f7a8b9c0e1"));
}

/// Each bad input: exit 1, a message that names the file or profile, no
/// secret, and nothing sent to Atlas.
#[test]
fn bad_profiles_are_clear_errors_and_send_nothing() {
    let sim = Sim::builder().state(state()).start();
    let url = sim.base_url();
    let cases: Vec<(&str, String, Vec<&str>, Vec<String>)> = vec![
        (
            "not TOML",
            format!("[default]\npublic_api_key = \"{PUBLIC}\"\nprivate_api_key = \"{PRIVATE}\n"),
            vec!["plan"],
            vec!["config.toml:3:".into(), "not valid TOML".into()],
        ),
        (
            "unknown profile",
            format!("[default]\n[prod]\nops_manager_url = \"{url}\"\n"),
            vec!["plan", "--profile", "staging"],
            vec![
                "has no profile `staging`".into(),
                "its profiles are `default`, `prod`".into(),
            ],
        ),
        (
            "secret only in an absent keyring",
            format!(
                "[ci]\nauth_type = \"service_account\"\nclient_id = \"{CLIENT_ID}\"\n\
                 ops_manager_url = \"{url}\"\n"
            ),
            vec!["plan", "--profile", "ci"],
            vec![
                "Atlas CLI profile `ci`".into(),
                "has `client_id` but no `client_secret` in the file".into(),
                "service `atlascli_ci`".into(),
                "`TETHER_KEYRING=none`".into(),
            ],
        ),
        (
            "half a credential",
            format!(
                "[default]\nauth_type = \"api_keys\"\nprivate_api_key = \"{PRIVATE}\"\n\
                 ops_manager_url = \"{url}\"\n"
            ),
            vec!["whoami"],
            vec![
                "Atlas CLI profile `default`".into(),
                "has `private_api_key` but no `public_api_key`".into(),
            ],
        ),
        (
            "user account",
            format!(
                "[default]\nauth_type = \"user_account\"\naccess_token = \"{PRIVATE}\"\n\
                 ops_manager_url = \"{url}\"\n"
            ),
            vec!["plan"],
            vec![
                "`user_account` profile".into(),
                "`MONGODB_ATLAS_CLIENT_ID`".into(),
            ],
        ),
    ];
    for (case, profiles, args, expected) in cases {
        let dir = workspace(Some(&profiles));
        let failed = run(dir.path(), &args, &[]);
        assert_eq!(failed.code, 1, "{case}: {}", failed.transcript());
        for text in expected {
            assert!(
                failed.stderr.contains(&text),
                "{case}: `{text}` in {}",
                failed.stderr
            );
        }
        assert_eq!(sim.counters().total(), 0, "{case}: nothing sent");
    }

    let no_file = workspace(None);
    let failed = run(no_file.path(), &["whoami", "--profile", "prod"], &[]);
    assert_eq!(failed.code, 1, "{}", failed.transcript());
    crate::common::assert_contains(
        &failed.stderr,
        &format!(
            "no Atlas CLI configuration at `{}`",
            config_file(no_file.path())
        ),
    );
    crate::common::assert_contains(&failed.stderr, "`--profile prod`");
    assert_eq!(sim.counters().total(), 0, "nothing sent");
}

#[test]
fn profile_help_says_the_order_of_precedence() {
    let dir = workspace(None);
    let help = run(dir.path(), &["plan", "--help"], &[]);
    assert_eq!(help.code, 0, "{}", help.transcript());
    let text = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for part in [
        "--profile <NAME>",
        "default `MONGODB_ATLAS_PROFILE`, else the `default` profile",
        "credential variables",
        "over the profile's credentials",
        "`--base-url`, then `MONGODB_ATLAS_BASE_URL`",
    ] {
        assert!(text.contains(part), "`{part}` in {text}");
    }
}

/// The keyring path, in-process: a profile whose secret only the keyring
/// holds reaches the simulator; a locked keyring is an error by name.
#[test]
fn a_secret_from_the_keyring_reaches_atlas() {
    let sim = Sim::builder().state(state()).start();
    let dir = workspace(Some(&format!(
        "[ci]\nauth_type = \"service_account\"\nclient_id = \"{CLIENT_ID}\"\nops_manager_url = \"{}\"\n",
        sim.base_url()
    )));
    let config = dir.path().join("config").display().to_string();
    let var = |name: &str| (name == "XDG_CONFIG_HOME").then(|| config.clone());
    let request = AccessRequest {
        profile: Some("ci"),
        ..AccessRequest::default()
    };
    let keyring = MemoryKeyring::default();
    keyring.insert("atlascli_ci", "client_secret", CLIENT_SECRET);
    let access = Access::resolve(request, var, &keyring).expect("the profile resolves");
    assert!(matches!(
        access.credentials_from,
        CredentialSource::Profile {
            secret: SecretOrigin::Keyring,
            ..
        }
    ));
    assert!(
        !format!("{access:?}").contains(CLIENT_SECRET),
        "Debug hides it"
    );
    let client = tether::engine::connect_to(
        tether::ClientSettings::default(),
        access.base_url,
        access.credentials,
        access.credentials_from,
    )
    .expect("client");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let visible = runtime
        .block_on(client.visible_projects())
        .expect("Atlas accepts the keyring's secret");
    assert_eq!(visible, 1);

    let locked = MemoryKeyring::default();
    locked.fail(
        "atlascli_ci",
        "client_secret",
        KeyringFailure::Unreadable("it is locked or refused access".into()),
    );
    let err = Access::resolve(request, var, &locked)
        .expect_err("locked")
        .to_string();
    crate::common::assert_contains(&err, "Atlas CLI profile `ci`");
    crate::common::assert_contains(&err, "locked");
}

/// When Atlas refuses the credentials, the hint names where they came from:
/// the profile's keys and its file, or the variables that were set, never
/// variables that were not.
#[test]
fn a_refused_credential_is_traced_to_where_it_came_from() {
    let sim = Sim::builder().state(state()).auth_required().start();
    let url = sim.base_url();
    let wrong_key = format!(
        "[default]\nauth_type = \"api_keys\"\npublic_api_key = \"{PUBLIC}\"\n\
         private_api_key = \"not-the-private-key\"\nops_manager_url = \"{url}\"\n"
    );
    let wrong_secret = format!(
        "[ci]\nauth_type = \"service_account\"\nclient_id = \"{CLIENT_ID}\"\n\
         client_secret = \"not-the-client-secret\"\nops_manager_url = \"{url}\"\n"
    );
    let refused = |case: &str, profiles: &str, args: &[&str], env: &[(&str, &str)]| {
        let dir = workspace((!profiles.is_empty()).then_some(profiles));
        let failed = run(dir.path(), args, env);
        assert_eq!(failed.code, 1, "{case}: {}", failed.transcript());
        let output = failed.all_output();
        assert!(!output.contains("not-the-"), "{case}: {output}");
        if !profiles.is_empty() {
            assert!(
                output.contains(&config_file(dir.path())),
                "{case}: the file is named: {output}"
            );
        }
        output
    };
    let output = refused("API key profile", &wrong_key, &["plan"], &[]);
    crate::common::assert_contains(
        &output,
        "check `public_api_key` and `private_api_key` of Atlas CLI profile `default`",
    );
    crate::common::assert_contains(&output, "(the secret from the file)");
    crate::common::assert_lacks(&output, "MONGODB_ATLAS_PUBLIC");

    let output = refused(
        "service account profile",
        &wrong_secret,
        &["plan", "--profile", "ci"],
        &[],
    );
    crate::common::assert_contains(
        &output,
        "check `client_id` and `client_secret` of Atlas CLI profile `ci`",
    );
    crate::common::assert_lacks(&output, "MONGODB_ATLAS_CLIENT");

    let output = refused(
        "Terraform variables",
        "",
        &["plan", "--base-url", url.as_str()],
        &[
            ("MONGODB_ATLAS_PUBLIC_KEY", PUBLIC),
            ("MONGODB_ATLAS_PRIVATE_KEY", "not-the-private-key"),
        ],
    );
    crate::common::assert_contains(
        &output,
        "check `MONGODB_ATLAS_PUBLIC_KEY` and `MONGODB_ATLAS_PRIVATE_KEY`,",
    );
    crate::common::assert_lacks(&output, "MONGODB_ATLAS_PUBLIC_API_KEY");
    crate::common::assert_lacks(&output, "profile");
}
