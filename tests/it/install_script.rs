//! `install.sh` against a fake release served on loopback: the right
//! checksum installs a working binary, a wrong one is refused and installs
//! nothing, and a missing release or version is a clear error.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::common::repo_root;

const TARGET: &str = "x86_64-unknown-linux-musl";
const VERSION: &str = "9.9.9";

/// Serves `files` (path to bytes) over HTTP/1.0 on 127.0.0.1, on a port the
/// system picks, from a thread that lives as long as the test process; the
/// rest is 404. Returns the base URL.
pub fn serve(files: HashMap<String, Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let files = Arc::new(files);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let response = match files.get(path) {
                Some(body) => {
                    let mut r = format!(
                        "HTTP/1.0 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(body);
                    r
                }
                None => b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    base
}

/// A release archive holding a `tether` that prints its version.
fn fake_archive(dir: &Path) -> Vec<u8> {
    archive_of(dir, &format!("#!/bin/sh\necho \"tether {VERSION}\"\n"))
}

/// A release archive whose `tether` is the shell script `script`.
pub fn archive_of(dir: &Path, script: &str) -> Vec<u8> {
    let stage = dir.join("stage");
    std::fs::create_dir_all(&stage).expect("stage");
    let exe = stage.join("tether");
    std::fs::write(&exe, script).expect("fake tether");
    crate::common::make_executable(&exe);
    let archive = dir.join("release.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg("tether")
        .status()
        .expect("tar runs");
    assert!(status.success());
    std::fs::read(archive).expect("archive")
}

/// The SHA-256 of `bytes` in hexadecimal, as `SHA256SUMS` writes it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A release server whose checksum file says `checksum`
/// (`None`: the archive's real one).
fn release(dir: &Path, checksum: Option<&str>) -> String {
    let archive = fake_archive(dir);
    let name = format!("tether-{VERSION}-{TARGET}.tar.gz");
    let sum = checksum.map_or_else(|| sha256_hex(&archive), str::to_owned);
    let mut files = HashMap::new();
    files.insert(
        format!("/releases/v{VERSION}/{name}.sha256"),
        format!("{sum}  {name}\n").into_bytes(),
    );
    files.insert(format!("/releases/v{VERSION}/{name}"), archive);
    serve(files)
}

fn install(base: &str, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "--base-url".to_owned(),
        format!("{base}/releases"),
        "--dir".to_owned(),
        dir.display().to_string(),
        "--target".to_owned(),
        TARGET.to_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    Command::new("sh")
        .arg(repo_root().join("install.sh"))
        .args(&args)
        .env_remove("TETHER_VERSION")
        .output()
        .expect("sh runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_right_checksum_installs_a_working_binary() {
    let work = tempfile::tempdir().expect("tempdir");
    let base = release(work.path(), None);
    let bin = work.path().join("bin");
    let run = install(&base, &bin, &["--version", VERSION]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains(&format!("Installed tether {VERSION} ({TARGET})")),
        "{}",
        text(&run)
    );
    let installed = Command::new(bin.join("tether")).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&installed.stdout), "tether 9.9.9\n");
    // `v9.9.9` means the same release.
    let again = install(&base, &bin, &["--version", "v9.9.9"]);
    assert!(again.status.success(), "{}", text(&again));
}

#[test]
fn a_wrong_checksum_is_refused_and_installs_nothing() {
    let work = tempfile::tempdir().expect("tempdir");
    let wrong = "0".repeat(64);
    let base = release(work.path(), Some(&wrong));
    let bin = work.path().join("bin");
    let run = install(&base, &bin, &["--version", VERSION]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("checksum mismatch"), "{}", text(&run));
    assert!(!bin.join("tether").exists(), "nothing installed");

    let garbage = release(work.path(), Some("not-a-checksum"));
    let run = install(&garbage, &bin, &["--version", VERSION]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("holds no SHA-256 checksum"),
        "{}",
        text(&run)
    );
    assert!(!bin.join("tether").exists(), "nothing installed");
}

#[test]
fn a_missing_release_or_version_is_a_clear_error() {
    let work = tempfile::tempdir().expect("tempdir");
    let base = release(work.path(), None);
    let bin = work.path().join("bin");
    let run = install(&base, &bin, &["--version", "1.2.3"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("could not download") && text(&run).contains("v1.2.3"),
        "{}",
        text(&run)
    );
    let run = install(&base, &bin, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run).contains("--version"), "{}", text(&run));
    assert!(!bin.join("tether").exists());
}
