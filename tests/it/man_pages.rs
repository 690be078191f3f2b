//! The man pages under `docs/man/` are generated from the clap definitions
//! (`tether.1`, and `tether-COMMAND.1` per subcommand): this test fails when
//! one is stale, and `TETHER_UPDATE_MAN=1 cargo test --test it man_pages`
//! writes them anew.

use std::collections::BTreeMap;

use clap::CommandFactory;

use crate::common::repo_root;

/// Every page, by file name. The version is the crate's, without the commit
/// that `--version` adds, so that the pages change only with the options.
fn pages() -> BTreeMap<String, String> {
    let version = env!("CARGO_PKG_VERSION");
    let mut top = tether::cli::Cli::command().version(version);
    top.build();
    let mut pages = BTreeMap::new();
    let mut render = |name: String, command: clap::Command| {
        let mut out = Vec::new();
        // After `build`, a subcommand's display name is `tether-COMMAND`.
        clap_mangen::Man::new(command.version(version))
            .render(&mut out)
            .expect("a man page renders");
        pages.insert(
            format!("{name}.1"),
            String::from_utf8(out).expect("roff is UTF-8"),
        );
    };
    for sub in top.get_subcommands().filter(|s| s.get_name() != "help") {
        render(format!("tether-{}", sub.get_name()), sub.clone());
    }
    render("tether".to_owned(), top);
    pages
}

#[test]
fn man_pages_are_the_generated_ones() {
    let dir = repo_root().join("docs/man");
    let pages = pages();
    if std::env::var_os("TETHER_UPDATE_MAN").is_some() {
        std::fs::create_dir_all(&dir).expect("docs/man");
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).expect("write a man page");
        }
    }
    for (name, text) in &pages {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == *text,
            "docs/man/{name} is stale: run `TETHER_UPDATE_MAN=1 cargo test --test it man_pages`"
        );
    }
    let committed: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/man")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for name in committed {
        assert!(
            pages.contains_key(&name),
            "docs/man/{name} is no page of today's command line: remove it"
        );
    }
    assert!(
        pages["tether.1"].contains("tether\\-plan(1)"),
        "the top page links the others"
    );
}
