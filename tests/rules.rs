//! Rule fixtures: every case under `testdata/rules/<CODE>/<case>` is checked with that rule
//! alone. `fail-*` cases must fire, on exactly the lines marked `<!-- expect: CODE -->` when the
//! case carries markers; `pass-*` cases must stay quiet. The human rendering of every failing
//! case is pinned by a snapshot.
//!
//! A case folder holding a `backup-topology.xml` (or `.tbxml`) is checked with that file as
//! `--backup-topology`, for the DR rules; one holding a `topolint.toml` with that configuration
//! (its exemptions, and the `backup-shares` of the EV cases).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use topolint::commands::{
    Env, attach_config, read_backups, read_workspace, read_workspace_with, share_folders,
};
use topolint::lint::config;
use topolint::lint::engine::{self, RuleSet};
use topolint::lint::options::Options;
use topolint::lint::waiver::Waivers;
use topolint::model::date::Date;
use topolint::report::human;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fixtures are checked as of this date, so that their dates keep their meaning.
fn options() -> Options {
    Options::new(Date::parse("2026-11-21").unwrap())
}

fn env() -> Env {
    Env {
        cwd: root(),
        no_color: true,
        stdout_is_terminal: false,
        width: None,
        console: topolint::report::console::Console {
            color: false,
            unicode: true,
        },
    }
}

/// Every case, as (code, case name, path relative to the crate root).
fn cases() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    let rules_dir = root().join("testdata/rules");
    let mut codes: Vec<_> = std::fs::read_dir(&rules_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    codes.sort();
    for code_dir in codes {
        let code = code_dir.file_name().unwrap().to_string_lossy().to_string();
        let mut entries: Vec<_> = std::fs::read_dir(&code_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for case in entries {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let rel = case.strip_prefix(root()).unwrap().to_path_buf();
            out.push((code.clone(), name, rel));
        }
    }
    out
}

/// The case's backup-time topology, if it has one.
fn backup_of(case: &Path) -> Option<PathBuf> {
    ["backup-topology.xml", "backup-topology.tbxml"]
        .iter()
        .map(|name| case.join(name))
        .find(|p| p.is_file())
}

/// `(path, line)` of every `expect: CODE` marker in the case.
fn markers(case: &Path, code: &str) -> BTreeMap<(String, usize), usize> {
    let mut files = Vec::new();
    if case.is_dir() {
        for entry in std::fs::read_dir(case).unwrap() {
            files.push(entry.unwrap().path());
        }
    } else {
        files.push(case.to_path_buf());
    }
    let needle = format!("expect: {code}");
    let mut found = BTreeMap::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            let n = line.matches(&needle).count();
            if n > 0 {
                *found.entry((shown.clone(), i + 1)).or_default() += n;
            }
        }
    }
    found
}

#[test]
fn rule_fixtures() {
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for (code, case, path) in cases() {
        let rules = RuleSet::all(topolint::rules::REGISTRY)
            .select(std::slice::from_ref(&code), &[])
            .expect("fixture folder names a rule");
        let backup = backup_of(&root().join(&path));
        // A case may carry its own topolint.toml (exemptions for IN007, backup shares for EV).
        let config_path = root().join(&path).join("topolint.toml");
        let config = if config_path.is_file() {
            config::load(Some(&config_path), &root(), topolint::rules::REGISTRY)
                .expect("valid fixture config")
        } else {
            config::Config::default()
        };
        let skip = share_folders(&[], &config, &env()).expect("shares");
        let mut ws = read_workspace_with(
            std::slice::from_ref(&path),
            false,
            backup.as_deref(),
            &skip,
            &env(),
        )
        .expect("readable case");
        read_backups(&mut ws, &[], &config, false, &env()).expect("shares read");
        let config_file = attach_config(&mut ws, &config);
        let waivers = Waivers {
            exemptions: &config.exemptions,
            config_file,
            ..Waivers::default()
        };
        let report = engine::run_with(&ws, &rules, &options(), &waivers);
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule.code == code)
            .collect();
        let mut got: BTreeMap<(String, usize), usize> = BTreeMap::new();
        for f in &findings {
            let label = f
                .primary
                .as_ref()
                .expect("fixture findings have a location");
            let file = ws.files.get(label.file);
            *got.entry((file.display.clone(), file.line_col(label.span.start).0))
                .or_default() += 1;
        }
        let expected = markers(&root().join(&path), &code);
        if case.starts_with("fail-") {
            if findings.is_empty() {
                failures.push(format!("{code}/{case}: expected findings, got none"));
            } else if !expected.is_empty() && expected != got {
                failures.push(format!(
                    "{code}/{case}: markers {expected:?} but findings at {got:?}"
                ));
            }
            let mut text = Vec::new();
            let only_this: engine::Report = engine::Report {
                findings: report
                    .findings
                    .iter()
                    .filter(|f| f.rule.code == code)
                    .cloned()
                    .collect(),
                baselined: Vec::new(),
                runs: Vec::new(),
                summary: report.summary.clone(),
            };
            let style = human::Style {
                color: false,
                width: 100,
                quiet: true,
                ascii: false,
                backslashes: false,
                statistics: false,
            };
            human::render(&mut text, &ws, &only_this, style).unwrap();
            snapshots.push((format!("{code}__{case}"), String::from_utf8(text).unwrap()));
        } else if case.starts_with("pass-") {
            if !findings.is_empty() {
                let messages: Vec<_> = findings.iter().map(|f| f.message.as_str()).collect();
                failures.push(format!(
                    "{code}/{case}: expected no {code} finding, got {messages:?}"
                ));
            }
        } else {
            failures.push(format!(
                "{code}/{case}: case names start with `fail-` or `pass-`"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
    for (name, text) in snapshots {
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn the_example_deployment_has_no_topology_finding() {
    let ws = read_workspace(&[PathBuf::from("testdata/example")], false, &env()).unwrap();
    let report = engine::run(&ws, &RuleSet::all(topolint::rules::REGISTRY), &options());
    let codes: Vec<_> = report.findings.iter().map(|f| f.rule.code).collect();
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(ws.topologies.len(), 1);
}
