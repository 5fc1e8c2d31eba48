//! The registry, the rule pages in `rules/` and the fixtures in `testdata/rules/` agree.
//!
//! `UPDATE_RULE_DOCS=1 cargo test --test meta` rewrites the pages from the rule declarations.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use topolint::report::docs;
use topolint::rules::ALL;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn names_in(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn codes_and_names_are_unique_sorted_and_well_formed() {
    let codes: Vec<_> = ALL.iter().map(|r| r.meta.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted, "codes are unique and registered in order");
    let names: BTreeSet<_> = ALL.iter().map(|r| r.meta.name).collect();
    assert_eq!(names.len(), ALL.len(), "names are unique");
    for rule in ALL {
        let m = &rule.meta;
        let code_ok = m.code.len() == 5
            && m.code[..2].chars().all(|c| c.is_ascii_uppercase())
            && m.code[2..].chars().all(|c| c.is_ascii_digit());
        assert!(
            code_ok,
            "{}: codes are two letters and three digits",
            m.code
        );
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: names are kebab-case",
            m.code
        );
        let first = m.summary.chars().next().unwrap();
        let proper_noun = ["SQL", "Lync", "Skype"]
            .iter()
            .any(|p| m.summary.starts_with(p));
        assert!(
            !first.is_uppercase() || proper_noun,
            "{}: summary starts lower-case",
            m.code
        );
        assert!(
            !m.summary.ends_with('.'),
            "{}: summary has no trailing period",
            m.code
        );
        assert!(
            !m.help.ends_with('.'),
            "{}: help has no trailing period",
            m.code
        );
    }
    insta::assert_snapshot!(
        codes
            .iter()
            .zip(ALL)
            .map(|(c, r)| format!("{c} {}", r.meta.name))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_rule_file_is_registered() {
    let files: BTreeSet<String> = names_in("src/rules")
        .into_iter()
        .filter(|f| f.ends_with(".rs") && f != "mod.rs" && f != "test_util.rs")
        .map(|f| f[..5].to_ascii_uppercase())
        .collect();
    let registered: BTreeSet<String> = ALL.iter().map(|r| r.meta.code.to_string()).collect();
    assert_eq!(
        files, registered,
        "one file per rule under src/rules, each registered in ALL"
    );
}

#[test]
fn every_rule_documents_what_why_example_fix_and_source() {
    for rule in ALL {
        let docs = rule.meta.docs_markdown();
        for section in [
            "## What it checks",
            "## Why it breaks a restore",
            "## Example",
            "## How to fix",
            "## Source",
        ] {
            assert!(
                docs.contains(section),
                "{} lacks `{section}`",
                rule.meta.code
            );
        }
    }
}

/// Rules whose condition cannot be committed as a file, with where they are tested instead.
const WITHOUT_FIXTURES: &[(&str, &str)] = &[(
    "IN001",
    "an unreadable file cannot be committed (and CI runs as root); see the unit tests in src/rules/in001_io_error.rs",
)];

#[test]
fn every_rule_has_fixtures_that_fire_and_stay_quiet() {
    let dirs = names_in("testdata/rules");
    let registered: BTreeSet<String> = ALL
        .iter()
        .map(|r| r.meta.code.to_string())
        .filter(|c| !WITHOUT_FIXTURES.iter().any(|(code, _)| code == c))
        .collect();
    for dir in &dirs {
        assert!(
            registered.contains(dir),
            "testdata/rules/{dir} names no rule"
        );
    }
    for code in &registered {
        assert!(
            dirs.contains(code),
            "{code} has no fixtures in testdata/rules/{code}"
        );
        let cases = names_in(&format!("testdata/rules/{code}"));
        assert!(
            cases.iter().any(|c| c.starts_with("fail-")),
            "{code} has no fail- case"
        );
        assert!(
            cases.iter().any(|c| c.starts_with("pass-")),
            "{code} has no pass- case"
        );
    }
}

#[test]
fn rule_pages_are_generated_and_fresh() {
    let update = std::env::var_os("UPDATE_RULE_DOCS").is_some();
    let dir = root().join("rules");
    let mut expected = vec![("README.md".to_string(), docs::index())];
    for rule in ALL {
        expected.push((
            format!("{}.md", rule.meta.code),
            docs::rule_page(&rule.meta),
        ));
    }
    if update {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let wanted: BTreeSet<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    let extra: Vec<_> = names_in("rules").difference(&wanted).cloned().collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "rules/ is stale ({stale:?}) or has pages of no rule ({extra:?}): run `UPDATE_RULE_DOCS=1 cargo test --test meta`"
    );
}

/// Whether `text` holds an internal requirement number (`R25`, `R69`): the shorthand of the
/// requirements catalogue, never shown to users (`SQL Server 2008 R2` is a product name).
fn requirement_numbers(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\bR[0-9]{1,2}\b").unwrap();
    re.find_iter(text)
        // Product names: SQL Server 2008 R2, Windows Server 2012 R2.
        .filter(|m| {
            !["2008 ", "2012 "]
                .iter()
                .any(|p| text[..m.start()].ends_with(p))
        })
        .map(|m| {
            let from = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            let to = text[m.end()..]
                .find('\n')
                .map_or(text.len(), |i| m.end() + i);
            text[from..to].trim().to_string()
        })
        .collect()
}

#[test]
fn no_internal_requirement_numbers_where_users_read() {
    let mut found = Vec::new();
    let mut scan = |what: &str, text: &str| {
        for line in requirement_numbers(text) {
            found.push(format!("{what}: {line}"));
        }
    };
    // Rule pages (and `explain`), the index, summaries and help.
    scan("rules/README.md", &docs::index());
    for rule in ALL {
        scan(rule.meta.code, &docs::rule_page(&rule.meta));
        scan(rule.meta.code, rule.meta.help);
    }
    // The README (its rule table comes from the specification's) and the changelog.
    for file in ["README.md", "CHANGELOG.md"] {
        scan(file, &std::fs::read_to_string(root().join(file)).unwrap());
    }
    // Every message, label and plan step is written in the sources.
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let shown = path.strip_prefix(root()).unwrap().display().to_string();
                scan(&shown, &std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // The check itself finds what it must.
    assert_eq!(
        requirement_numbers("a rule (R25) and SQL Server 2008 R2").len(),
        1
    );
    assert!(requirement_numbers("Windows Server 2012 R2").is_empty());
}

#[test]
fn the_readme_rule_table_is_the_registry() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for rule in ALL {
        let m = &rule.meta;
        let row = format!(
            "| {} | {} | {} | {} |",
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary.replace('|', "\\|")
        );
        assert!(readme.contains(&row), "README.md lacks the row\n{row}");
    }
}

#[test]
fn the_readme_lists_every_worksheet_kind_and_its_columns_as_declared() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = topolint::model::worksheet::Kind::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's table of worksheet columns differs from the declarations; it should read:\n{table}"
    );
}
