//! Broken or hostile answers where Atlas should be: a clear error, no panic,
//! no hang, and no write.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use crate::common::tether;

/// Answers every request with the same status and body, then closes.
fn serve(status: &'static str, content_type: &'static str, body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{address}")
}

fn plan_against(base: &str) -> crate::common::Run {
    let dir = crate::common::folder_with(
        "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    integrations:\n      PAGER_DUTY:\n        serviceKey: ${PD_KEY}\n",
    );
    tether(
        dir.path(),
        &[
            "plan",
            "--no-progress",
            "--retries",
            "0",
            "--base-url",
            base,
        ],
        &[("PD_KEY", "hostile-test-secret-0022")],
    )
}

fn assert_clear_failure(run: &crate::common::Run, expected: &str) {
    assert_eq!(run.code, 1, "{}", run.transcript());
    crate::common::assert_lacks(&run.all_output(), "panicked");
    assert!(run.stdout.contains(expected), "{}", run.transcript());
    assert!(!run.all_output().contains("hostile-test-secret-0022"));
}

#[test]
fn an_html_page_from_a_proxy() {
    let base = serve(
        "200 OK",
        "text/html",
        b"<!DOCTYPE html><html><body>Please log in to the proxy</body></html>".to_vec(),
    );
    let run = plan_against(&base);
    assert_clear_failure(&run, "could not be read: not JSON");
    crate::common::assert_contains(&run.stdout, "it begins `<!DOCTYPE html>");
}

#[test]
fn invalid_json() {
    let base = serve("200 OK", "application/json", b"{\"results\": [".to_vec());
    assert_clear_failure(&plan_against(&base), "could not be read: not JSON");
}

#[test]
fn a_field_of_the_wrong_type() {
    let base = serve(
        "200 OK",
        "application/json",
        br#"{"results":[{"type":"PAGER_DUTY","serviceKey":5}],"totalCount":1}"#.to_vec(),
    );
    assert_clear_failure(
        &plan_against(&base),
        "`PAGER_DUTY.serviceKey` is a number, not a string",
    );
}

#[test]
fn an_unknown_integration_type_is_reported_not_fatal() {
    let base = serve(
        "200 OK",
        "application/json",
        br#"{"results":[{"type":"CARRIER_PIGEON","loft":"north"}],"totalCount":1}"#.to_vec(),
    );
    let run = plan_against(&base);
    assert_eq!(run.code, 0, "{}", run.transcript());
    crate::common::assert_contains(&run.stdout, "CARRIER_PIGEON");
}

#[test]
fn a_ten_megabyte_answer() {
    let mut body = br#"{"results":[{"type":"PAGER_DUTY","serviceKey":""#.to_vec();
    body.extend(std::iter::repeat_n(b'*', 10 * 1024 * 1024));
    body.extend(br#"0022"}],"totalCount":1}"#);
    let run = plan_against(&serve("200 OK", "application/json", body));
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("PAGER_DUTY"), "{}", run.transcript());
}

#[test]
fn an_error_page_with_a_server_error() {
    let base = serve(
        "502 Bad Gateway",
        "text/html",
        b"<html>bad gateway</html>".to_vec(),
    );
    assert_clear_failure(&plan_against(&base), "Atlas answered 502");
}

/// A plan against a server that answers 403 with `detail` as Atlas's error
/// detail, checked to fail clearly.
fn refused_with_detail(detail: &str) -> crate::common::Run {
    let body = serde_json::json!({"errorCode": "X", "detail": detail}).to_string();
    let run = plan_against(&serve(
        "403 Forbidden",
        "application/json",
        body.into_bytes(),
    ));
    assert_clear_failure(&run, "Atlas answered 403 Forbidden");
    run
}

#[test]
fn a_megabyte_error_with_escape_codes_is_cut_and_escaped() {
    let detail = format!("\u{1b}[2J\u{1b}[31mred{}\0", "A".repeat(1 << 20));
    let run = refused_with_detail(&detail);
    let all = run.all_output();
    assert!(all.len() < 16 * 1024, "{} bytes out", all.len());
    assert!(!all.contains('\u{1b}') && !all.contains('\0'), "{all:?}");
    crate::common::assert_contains(&all, "\\u{1b}[2J");
    assert!(all.contains("bytes more)"), "{all}");
}

#[test]
fn an_error_detail_forges_no_line_and_hides_nothing() {
    let detail = "denied\n✓ update PAGER_DUTY in payments (65f1a2b3c4d5e6f7a8b9c0d1): done\r\n\
                  \u{202e}\u{2066}\u{2069}\u{200b}\u{200d}\u{2060}\u{feff}\u{200e}\u{061c}";
    let run = refused_with_detail(detail);
    let all = run.all_output();
    assert!(
        all.lines().all(|line| !line.starts_with('✓')),
        "a forged line:\n{all}"
    );
    crate::common::assert_contains(&all, "denied\\u{a}✓ update PAGER_DUTY");
    for hidden in [
        '\r', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}',
        '\u{200e}', '\u{061c}',
    ] {
        assert!(!all.contains(hidden), "{hidden:?} in:\n{all}");
    }
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let other = serve(
        "200 OK",
        "application/json",
        br#"{"results":[],"totalCount":0}"#.to_vec(),
    );
    let location: &'static str = Box::leak(format!("{other}/elsewhere").into_boxed_str());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let head = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
        }
    });
    let run = plan_against(&base);
    assert_clear_failure(&run, "a redirect to");
    crate::common::assert_contains(&run.stdout, "follows a redirect of a read only within");
}

/// A server that lists as many log integrations as one listing may hold
/// (200 full pages), all of them for an authoritative project to delete:
/// reading, planning and rendering them is linear, not a hang.
#[test]
fn a_listing_of_a_hundred_thousand_log_integrations_plans_in_time() {
    use crate::client_hostile::{Reply, Server};
    const PAGES: usize = 200;
    let server = Server::start(|seen| {
        let path = seen.target.split('?').next().unwrap_or_default();
        let page: usize = seen
            .target
            .split("pageNum=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        if path.ends_with("/logIntegrations") {
            let count = if page <= PAGES { 500 } else { 0 };
            let entries: Vec<String> = (0..count)
                .map(|i| {
                    let n = page * 1000 + i;
                    format!(
                        r#"{{"id":"{n:024x}","type":"S3_LOG_EXPORT","bucketName":"b","prefixPath":"p{n}/","iamRoleId":"65f1a2b3c4d5e6f7a8b9c0aa","logTypes":["MONGOD"]}}"#
                    )
                })
                .collect();
            Reply::new(
                "200 OK",
                format!(r#"{{"results":[{}]}}"#, entries.join(",")),
            )
        } else if path.ends_with("/pushBasedLogExport") {
            Reply::new("200 OK", r#"{"state":"UNCONFIGURED"}"#)
        } else {
            Reply::new("200 OK", r#"{"results":[],"totalCount":0}"#)
        }
    });
    let dir = crate::common::folder_with(
        "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    log_integrations: []\n",
    );
    let started = std::time::Instant::now();
    let run = tether(
        dir.path(),
        &[
            "plan",
            "--no-progress",
            "--no-attribution",
            "--retries",
            "0",
            "--base-url",
            &server.base,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("Plan: 0 to create, 0 to update, 100000 to delete"),
        "{}",
        &run.stdout[..run.stdout.len().min(300)]
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}
