//! Hostile values through the real binary: nothing an input says can run in PowerShell, open as
//! a formula, act on a terminal or a CI service, or replace a file; a committed configuration
//! cannot read the machine. Every run leaves its inputs byte-identical (hashed before and
//! after).
//!
//! The hostile inputs are generated in temporary directories at test time.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed expectation is a panic"
)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{AS_OF, example_copy, run_clean};

fn topolint(dir: &Path) -> Command {
    common::topolint(dir, Duration::from_secs(120))
}

/// Every file under `root` (symlinks not followed) and a hash of its bytes (of its target, for
/// a link).
fn hashes(root: &Path) -> BTreeMap<PathBuf, u64> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let bytes = if meta.file_type().is_symlink() {
                fs::read_link(&path)
                    .unwrap()
                    .as_os_str()
                    .as_encoded_bytes()
                    .to_vec()
            } else if meta.is_dir() {
                dirs.push(path.clone());
                continue;
            } else {
                fs::read(&path).unwrap()
            };
            let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            out.insert(path, hash);
        }
    }
    out
}

/// Runs `cmd` in `dir` and checks that no file under `dir` changed.
fn run_unchanged(dir: &Path, cmd: &mut Command) -> Output {
    let before = hashes(dir);
    let out = run_clean(cmd);
    assert_eq!(before, hashes(dir), "an input changed");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether `line` could be a CI logging command: GitHub's `::` at its start (after spaces) or
/// `##[` anywhere, Azure's `##vso[` or `##[` anywhere.
fn is_command_line(line: &str) -> bool {
    line.trim_start().starts_with("::") || line.contains("##[") || line.contains("##vso[")
}

/// Checks that `output` (of `format`) holds no logging command but its own, no control
/// character from the inputs, and no line begun by a value: only lines topolint starts.
fn assert_inert(format: &str, output: &str) {
    for line in output.lines() {
        let own = match format {
            "github" => {
                let t = line.trim_start();
                (t.starts_with("::error ")
                    || t.starts_with("::warning ")
                    || t.starts_with("::notice "))
                    && !line[2..].contains("##[")
                    && !line.contains("##vso[")
            }
            "azure" => {
                line.starts_with("##vso[task.logissue ")
                    && line.matches("##vso[").count() == 1
                    && !line.contains("##[")
            }
            _ => false,
        };
        assert!(
            own || !is_command_line(line),
            "{format}: a value smuggled a logging command:\n{line}"
        );
        for payload in ["Remove-Item", "task.setvariable", "pwned"] {
            assert!(
                !line.trim_start().starts_with(payload),
                "{format}: a value's line break started a line:\n{line}"
            );
        }
    }
    let bad: Vec<char> = output
        .chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{format}: control characters from the inputs: {bad:?}"
    );
}

/// The command text outside single-quoted literals (PowerShell's rules: a quote mark, in any
/// of its five forms, doubled inside a literal is one character). Panics on an unclosed one.
fn outside_literals(command: &str) -> String {
    let quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}');
    let mut out = String::new();
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if !quote(c) {
            out.push(c);
            continue;
        }
        out.push_str("''");
        loop {
            match chars.next() {
                None => panic!("unclosed literal in {command}"),
                Some(q) if quote(q) => {
                    if chars.peek().is_some_and(|&n| quote(n)) {
                        chars.next();
                    } else {
                        break;
                    }
                }
                Some(_) => {}
            }
        }
    }
    out
}

/// Asserts a command is inert: outside its literals, only a cmdlet, parameter names, words and
/// spaces.
fn assert_command_inert(command: &str) {
    let bare = outside_literals(command);
    assert!(
        bare.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '/')),
        "characters PowerShell acts on outside the literals of `{command}`: `{bare}`"
    );
}

// ---------------------------------------------------------------------------------------------
// PowerShell in `plan`
// ---------------------------------------------------------------------------------------------

/// The example deployment, with worksheets an attacker (or a slip) has written in.
fn hostile_worksheets() -> tempfile::TempDir {
    example_copy(&[
        // `"; Remove-Item ...; "`: a value that cannot be a path (it holds `"`).
        (
            "database.csv",
            r",\\backup01.contoso.com\lync\2026-11-20,2026-11-20,Export-CsUserData",
            r#","\\backup01.contoso.com\lync\""; Remove-Item C:\ -Recurse; """,2026-11-20,Export-CsUserData"#,
        ),
        // `$(...)`: valid in a file name, inert in a single-quoted literal.
        (
            "settings.csv",
            "CsConfiguration.zip",
            "$(Stop-Computer -Force)'; Stop-Computer; '\u{2019}.zip",
        ),
        // A line break in a path.
        (
            "settings.csv",
            r"CsLisConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20,",
            "CsLisConfiguration.zip,\"\\\\backup01.contoso.com\\lync\\2026-11-20\nRemove-Item C:\\ -Recurse\",",
        ),
        // Backquotes that would close a Markdown fence.
        (
            "settings.csv",
            r"RgsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20,",
            r"RgsConfiguration.zip,\\backup01.contoso.com\lync\```x,",
        ),
    ])
}

fn plan(dir: &Path, format: &str) -> Output {
    run_unchanged(
        dir,
        topolint(dir).args([
            "plan",
            // The store's host and its mirror: the scheduled backups are read.
            "--failed",
            "sql01.contoso.com",
            "--failed",
            "sql03.contoso.com",
            ".",
            "--as-of",
            AS_OF,
            "--format",
            format,
        ]),
    )
}

#[test]
fn plan_writes_no_executable_fragment_from_hostile_worksheets() {
    let dir = hostile_worksheets();
    let json_out = plan(dir.path(), "json");
    assert_eq!(
        json_out.status.code(),
        Some(1),
        "{}",
        text(&json_out.stderr)
    );
    let plan_json: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(plan_json["blocked"], true);
    let steps: Vec<&Value> = plan_json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .collect();
    let commands: Vec<&str> = steps
        .iter()
        .flat_map(|s| s["commands"].as_array().into_iter().flatten())
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(commands.len() > 5, "{commands:?}");
    for command in &commands {
        assert_command_inert(command);
        assert!(
            !command.contains('"') && !command.contains('\n'),
            "{command}"
        );
    }
    // The `$(...)` file name is there, inert, its quotes doubled.
    assert!(
        commands.contains(
            &r"Import-CsConfiguration -FileName '\\backup01.contoso.com\lync\2026-11-20\$(Stop-Computer -Force)''; Stop-Computer; ''’’.zip'"
        ),
        "{commands:?}"
    );
    // The user data and E9-1-1 steps are written without their commands, naming IN009.
    let withheld: Vec<&Value> = steps.iter().filter_map(|s| s.get("withheld")).collect();
    assert_eq!(withheld.len(), 2, "{withheld:?}");
    for w in &withheld {
        assert_eq!(w["code"], "IN009");
        assert_eq!(w["name"], "invalid-value");
        let location = w["location"].as_str().expect("the finding's place");
        assert!(
            location.starts_with("database.csv:2:") || location.starts_with("settings.csv:3:"),
            "{location}"
        );
    }
    assert!(!commands.iter().any(|c| c.starts_with("Import-CsUserData")));
    assert!(
        !commands
            .iter()
            .any(|c| c.starts_with("Import-CsLisConfiguration"))
    );

    // The text and Markdown runbooks hold the same commands, and nothing else that could run.
    let text_out = text(&plan(dir.path(), "text").stdout);
    let markdown = text(&plan(dir.path(), "markdown").stdout);
    for (format, output) in [("text", &text_out), ("markdown", &markdown)] {
        assert_inert(format, output);
        for line in output.lines() {
            let t = line.trim_start();
            let looks_like_a_command = [
                "Import-Cs",
                "Install-Cs",
                "Set-Cs",
                "Invoke-Cs",
                "robocopy ",
            ]
            .iter()
            .any(|p| t.starts_with(p));
            if looks_like_a_command {
                assert!(
                    commands.contains(&t),
                    "{format}: `{t}` is not a built command"
                );
            }
            assert!(!t.starts_with("Stop-Computer"), "{format}: {line}");
        }
        assert!(
            output.contains("Command left out: a value it needs is not a Windows path: it holds"),
            "{format}:\n{output}"
        );
        // The values that are not valid are written nowhere, only referred to.
        assert!(!output.contains("Remove-Item"), "{format}:\n{output}");
        assert!(output.contains("(a value that is not valid: IN009 at database.csv:2:"));
        // What a valid value holds never starts a line.
        for line in output.lines() {
            let t = line.trim_start();
            let fence = t.len() >= 3 && t.trim_end_matches("powershell").chars().all(|c| c == '`');
            assert!(
                fence || (!t.starts_with('`') && !t.starts_with('\\')),
                "{format}: {line}"
            );
        }
    }
    // Markdown fences are longer than the backquotes a value holds, so none closes early.
    assert!(markdown.contains("    ````powershell\n"), "{markdown}");
    let fence_lines: Vec<&str> = markdown
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .collect();
    assert_eq!(fence_lines.len() % 2, 0, "{fence_lines:?}");

    // `check` on the same inputs is not READY.
    let out = run_unchanged(
        dir.path(),
        topolint(dir.path()).args(["check", ".", "--as-of", AS_OF, "--format", "json"]),
    );
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "not-ready");
    let in009 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "IN009")
        .count();
    assert_eq!(in009, 2, "{report:#}");
}

// ---------------------------------------------------------------------------------------------
// Terminals and CI services
// ---------------------------------------------------------------------------------------------

/// A worksheet cell and a file name that try to act on a terminal and on CI services.
const HOSTILE_CELL: &str = "\"fe01.contoso.com\n::error file=x::pwned\n##vso[task.setvariable variable=x]1\n##[group]g\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m\u{202e}\"";

fn hostile_deployment() -> tempfile::TempDir {
    let dir = example_copy(&[(
        "servers.csv",
        "fe01.contoso.com,Front End",
        &format!("{HOSTILE_CELL},Front End"),
    )]);
    #[cfg(unix)]
    {
        // A worksheet whose very name is a command, with a line break in it.
        let name = "::warning file=y::pwned\n##vso[task.complete result=Failed]x.csv";
        fs::write(
            dir.path().join(name),
            "Date,Backup share,Notes\n2026-11-30,\\\\backup01.contoso.com\\lync\\x,\n",
        )
        .unwrap();
    }
    dir
}

const FORMATS: [&str; 8] = [
    "human", "concise", "json", "sarif", "junit", "github", "azure", "html",
];

#[test]
fn no_value_acts_on_a_terminal_or_a_ci_service_in_any_format() {
    let dir = hostile_deployment();
    let reports = tempfile::tempdir().unwrap();
    let mut cmd = topolint(dir.path());
    cmd.args(["check", ".", "--as-of", AS_OF, "--color", "always"]);
    cmd.args(["--format", "human", "--output", "-"]);
    for format in FORMATS {
        cmd.args(["--format", format, "--output"])
            .arg(reports.path().join(format));
    }
    let out = run_unchanged(dir.path(), &mut cmd);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // Colour codes come only from topolint: every escape is a colour (SGR) or a link (OSC 8).
    let coloured = text(&out.stdout);
    let mut rest = coloured.as_str();
    while let Some(at) = rest.find('\u{1b}') {
        rest = &rest[at + 1..];
        let sgr = rest.starts_with('[')
            && rest[1..].find('m').is_some_and(|m| {
                rest[1..1 + m]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ';')
            });
        assert!(
            sgr || rest.starts_with("]8;") || rest.starts_with('\\'),
            "an escape that is no colour or link: {:?}",
            &rest[..rest.len().min(12)]
        );
    }
    assert!(coloured.contains("\\u{1b}[2J") && !coloured.contains("\u{1b}[2J"));
    assert!(!coloured.contains('\u{9b}') && !coloured.contains('\u{7}'));
    for format in FORMATS {
        let output = fs::read_to_string(reports.path().join(format)).unwrap();
        assert!(
            output.contains("pwned"),
            "{format}: the hostile value is not reported"
        );
        let commands = match format {
            "github" => output.lines().filter(|l| l.starts_with("::")).count(),
            "azure" => output.lines().filter(|l| l.starts_with("##vso[")).count(),
            _ => 0,
        };
        let findings = fs::read_to_string(reports.path().join("json")).unwrap();
        let report: Value = serde_json::from_str(&findings).unwrap();
        if format == "github" {
            assert_eq!(
                commands,
                report["findings"].as_array().unwrap().len(),
                "one command per finding"
            );
        }
        assert_inert(format, &output);
    }
    // What JSON escapes reads back as the value itself.
    let report: Value =
        serde_json::from_str(&fs::read_to_string(reports.path().join("json")).unwrap()).unwrap();
    let entities: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "IN009")
        .map(|f| f["entity"].as_str().unwrap())
        .collect();
    assert!(
        entities
            .iter()
            .any(|e| e.contains("##vso[task.setvariable") && e.contains('\n')),
        "{entities:?}"
    );
    assert_eq!(report["verdict"], "not-ready");
}

#[test]
fn inspect_and_worksheet_init_output_is_inert() {
    let dir = tempfile::tempdir().unwrap();
    let topology = fs::read_to_string(common::root().join("testdata/example/topology.xml"))
        .unwrap()
        // A line break and a CSI (U+009B, a terminal control XML allows; ESC, `&#27;`, makes
        // the document ill-formed: IN003).
        .replacen(
            "<Name>Redmond</Name>",
            "<Name>Redmond&#10;##vso[task.setvariable variable=x]1&#x9B;2J</Name>",
            1,
        )
        .replacen(
            "Fqdn=\"wac01.contoso.com\"",
            "Fqdn=\"wac01&#10;::error::pwned\"",
            2,
        );
    fs::write(dir.path().join("topology.xml"), topology).unwrap();
    for format in ["text", "json"] {
        let out = run_unchanged(
            dir.path(),
            topolint(dir.path()).args(["inspect", ".", "--format", format]),
        );
        assert_eq!(out.status.code(), Some(0));
        assert_inert(format, &text(&out.stdout));
        assert!(text(&out.stdout).contains("pwned"));
    }
}

#[test]
fn a_sheet_name_acts_on_no_terminal_or_ci_service_in_any_format() {
    // A servers worksheet whose sheet name (as the workbook's XML can write it, Excel's own
    // rules aside) breaks a line to start logging commands, and turns the text around.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("servers").unwrap();
    let rows = [
        [
            "Server FQDN",
            "Role",
            "Replacement server",
            "Computer account retained",
        ],
        ["edge01.contoso.com", "Edge", "none", "n/a"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *value)
                .unwrap();
        }
    }
    let bytes = common::rewrite_part(&book.save_to_buffer().unwrap(), "xl/workbook.xml", |xml| {
        xml.replacen(
            "name=\"servers\"",
            "name=\"s&#10;::error file=x::pwned&#10;##vso[task.setvariable variable=x]1&#8238;\"",
            1,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        common::root().join("testdata/example/topology.xml"),
        dir.path().join("topology.xml"),
    )
    .unwrap();
    fs::write(dir.path().join("book.xlsx"), bytes).unwrap();
    let reports = tempfile::tempdir().unwrap();
    let mut cmd = topolint(dir.path());
    cmd.args(["check", ".", "--as-of", AS_OF, "--color", "never"]);
    for format in FORMATS {
        cmd.args(["--format", format, "--output"])
            .arg(reports.path().join(format));
    }
    let out = run_unchanged(dir.path(), &mut cmd);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    for format in FORMATS {
        let output = fs::read_to_string(reports.path().join(format)).unwrap();
        assert!(output.contains("pwned"), "{format}: the sheet is not named");
        assert_inert(format, &output);
    }
    let inspect = run_unchanged(dir.path(), topolint(dir.path()).args(["inspect", "."]));
    let listed = text(&inspect.stdout);
    assert!(listed.contains("pwned"), "{listed}");
    assert_inert("inspect", &listed);
}

// ---------------------------------------------------------------------------------------------
// CSV cells written by `worksheet init`
// ---------------------------------------------------------------------------------------------

/// The `written` worksheets `worksheet init` wrote to `sheets` read back beside the topology,
/// every one of them: no worksheet syntax error, and the values left out are IN009.
fn reads_back(dir: &Path, written: usize) {
    fs::copy(dir.join("topology.xml"), dir.join("sheets/topology.xml")).unwrap();
    let out = run_unchanged(
        dir,
        topolint(dir).args(["check", "sheets", "--as-of", AS_OF, "--format", "json"]),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        report["summary"]["worksheets"], written,
        "every worksheet written is read"
    );
    assert!(!codes.contains(&"IN005"), "{codes:?}");
    assert!(codes.contains(&"IN009"), "{codes:?}");
}

/// The example's topology with values that a spreadsheet would run as formulas.
fn formula_topology() -> String {
    fs::read_to_string(common::root().join("testdata/example/topology.xml"))
        .unwrap()
        .replacen(
            "Fqdn=\"fe02.contoso.com\"",
            "Fqdn=\"=cmd|&apos; /C calc&apos;!A0\"",
            1,
        )
        .replacen(
            "Fqdn=\"edge02.contoso.com\"",
            "Fqdn=\"@SUM(1+1)*cmd|&apos; /C calc&apos;!A0\"",
            1,
        )
        .replacen(
            "Fqdn=\"fs01.contoso.com\"",
            "Fqdn=\"-2+3+cmd|&apos; /C calc&apos;!A0\"",
            2,
        )
        .replace("Name=\"monitoring\"", "Name=\"+monitoring\"")
}

/// `worksheet init topology.xml --out sheets` plus `extra`, in a folder holding
/// [`formula_topology`]: the folder, the topology, and the command's output.
fn init_formula_topology(extra: &[&str]) -> (tempfile::TempDir, String, Output) {
    let dir = tempfile::tempdir().unwrap();
    let topology = formula_topology();
    fs::write(dir.path().join("topology.xml"), &topology).unwrap();
    let init = run_clean(
        topolint(dir.path())
            .args(["worksheet", "init", "topology.xml", "--out", "sheets"])
            .args(extra),
    );
    (dir, topology, init)
}

#[test]
fn worksheet_init_writes_no_formula_and_reads_back() {
    let (dir, topology, init) = init_formula_topology(&[]);
    let report = text(&init.stdout);
    assert_eq!(
        init.status.code(),
        Some(1),
        "{report}{}",
        text(&init.stderr)
    );
    assert!(report.contains("left blank:"), "{report}");
    for value in [
        "`=cmd|' /c calc'!a0`",
        "`@sum(1+1)*cmd|' /c calc'!a0`",
        "`+monitoring`",
    ] {
        assert!(report.contains(value), "{value} not listed:\n{report}");
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("topology.xml")).unwrap(),
        topology
    );
    let mut cells = 0;
    for entry in fs::read_dir(dir.path().join("sheets")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = fs::read(&path).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for record in reader.records() {
            for cell in &record.unwrap() {
                cells += 1;
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: cell {cell:?}",
                    path.display()
                );
                assert!(!cell.contains("calc"), "{}: cell {cell:?}", path.display());
            }
        }
    }
    assert!(cells > 50);
    let written = fs::read_dir(dir.path().join("sheets")).unwrap().count();
    assert!(written >= 8, "one file per kind: {written}");
    reads_back(dir.path(), written);
}

#[test]
fn worksheet_init_workbook_holds_strings_only_and_reads_back() {
    use calamine::{Data, Reader};
    let (dir, topology, init) = init_formula_topology(&["--format", "xlsx"]);
    let report = text(&init.stdout);
    assert_eq!(init.status.code(), Some(1), "{report}");
    assert_eq!(
        fs::read_to_string(dir.path().join("topology.xml")).unwrap(),
        topology
    );
    for value in ["`=cmd|' /c calc'!a0`", "`+monitoring`"] {
        assert!(report.contains(value), "{value} not listed:\n{report}");
    }
    let path = dir.path().join("sheets/worksheets.xlsx");
    let bytes = fs::read(&path).unwrap();
    // No part of the workbook holds a formula.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{}",
            part.name()
        );
    }
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut cells = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            cells += 1;
            let Data::String(value) = cell.2 else {
                panic!(
                    "{name} {:?}: {:?} is not a string",
                    (cell.0, cell.1),
                    cell.2
                )
            };
            assert!(
                !value.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{name}: cell {value:?}"
            );
            assert!(!value.contains("calc"), "{name}: cell {value:?}");
        }
    }
    assert!(cells > 50);
    let written = book.sheet_names().len();
    assert!(written >= 8, "one sheet per kind: {written}");
    reads_back(dir.path(), written);
}

// ---------------------------------------------------------------------------------------------
// Outputs never replace inputs
// ---------------------------------------------------------------------------------------------

fn refused(dir: &Path, args: &[&str], names: &str) {
    let out = run_unchanged(dir, topolint(dir).args(args));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains("which this run reads") && stderr.contains(names),
        "{args:?}: {stderr}"
    );
}

#[test]
fn outputs_never_replace_a_file_the_run_reads() {
    let dir = example_copy(&[]);
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    fs::write(
        d.join("backup.xml"),
        fs::read(d.join("topology.xml")).unwrap(),
    )
    .unwrap();
    fs::write(
        d.join("topolint.toml"),
        "[options]\nmax-backup-age-days = 2\n",
    )
    .unwrap();
    let base = ["check", ".", "--as-of", AS_OF];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().chain(extra).copied().collect()
    };
    refused(
        d,
        &with(&["--format", "json", "--output", "topology.xml"]),
        "topology.xml",
    );
    refused(
        d,
        &with(&["--format", "json", "--output", "./sub/../database.csv"]),
        "database.csv",
    );
    refused(
        d,
        &with(&["--format", "sarif", "--output", "topolint.toml"]),
        "topolint.toml",
    );
    refused(
        d,
        &with(&["--write-baseline", "servers.csv"]),
        "servers.csv",
    );
    refused(
        d,
        &with(&[
            "--backup-topology",
            "backup.xml",
            "--format",
            "json",
            "--output",
            "backup.xml",
        ]),
        "backup.xml",
    );
    // A baseline being read cannot be the report.
    run_clean(topolint(d).args(with(&["--write-baseline", "baseline.json"])));
    refused(
        d,
        &with(&[
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "--output",
            "baseline.json",
        ]),
        "baseline.json",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("topology.xml"), d.join("report.json")).unwrap();
        refused(
            d,
            &with(&["--format", "json", "--output", "report.json"]),
            "topology.xml",
        );
        fs::hard_link(d.join("sql-instances.csv"), d.join("hard.json")).unwrap();
        refused(
            d,
            &with(&["--format", "json", "--output", "hard.json"]),
            "sql-instances.csv",
        );
    }
    // Another file is written as asked, and nothing else changes.
    let before = hashes(d);
    run_clean(topolint(d).args(with(&["--format", "json", "--output", "sub/report.json"])));
    let mut after = hashes(d);
    assert!(after.remove(&d.join("sub/report.json")).is_some());
    assert_eq!(before, after);
}

/// `worksheet init topology.xml --out out`, with `--force` or not.
#[cfg(unix)]
fn init(dir: &Path, force: bool) -> Command {
    let mut cmd = topolint(dir);
    cmd.args(["worksheet", "init", "topology.xml", "--out", "out"]);
    if force {
        cmd.arg("--force");
    }
    cmd
}

#[cfg(unix)]
#[test]
fn worksheet_init_never_writes_through_a_link_or_over_its_topology() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(
        common::root().join("testdata/example/topology.xml"),
        d.join("topology.xml"),
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("target.txt"), "keep me").unwrap();
    fs::create_dir(d.join("out")).unwrap();
    symlink(
        elsewhere.path().join("target.txt"),
        d.join("out/servers.csv"),
    )
    .unwrap();
    for force in [false, true] {
        let out = run_unchanged(d, &mut init(d, force));
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("is a symbolic link"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(
            fs::read_to_string(elsewhere.path().join("target.txt")).unwrap(),
            "keep me"
        );
    }
    // A dangling link too.
    fs::remove_file(d.join("out/servers.csv")).unwrap();
    symlink(elsewhere.path().join("new.txt"), d.join("out/servers.csv")).unwrap();
    let out = run_unchanged(d, &mut init(d, true));
    assert_eq!(out.status.code(), Some(2));
    assert!(!elsewhere.path().join("new.txt").exists());
    // The topology itself, under a worksheet's name.
    fs::remove_file(d.join("out/servers.csv")).unwrap();
    fs::hard_link(d.join("topology.xml"), d.join("out/servers.csv")).unwrap();
    let out = run_unchanged(d, &mut init(d, true));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is the topology this command reads"),
        "{}",
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// A committed topolint.toml cannot read the machine
// ---------------------------------------------------------------------------------------------

/// A file outside the deployment that looks like a process environment: it must never be
/// quoted.
const SECRET: &str = "TOPOLINT-SECRET-3b9f0c2e";

#[test]
fn a_configuration_path_stays_inside_the_configuration_folder() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(
        outer.path().join("environ"),
        format!("HOME=/root\0AWS={SECRET}\0PATH=/bin\0"),
    )
    .unwrap();
    let repo = outer.path().join("repo");
    fs::create_dir(&repo).unwrap();
    for entry in fs::read_dir(common::root().join("testdata/example")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, repo.join(path.file_name().unwrap())).unwrap();
    }
    let environ = outer.path().join("environ");
    for value in [environ.display().to_string(), "../environ".to_string()] {
        fs::write(
            repo.join("topolint.toml"),
            format!("[options]\nbackup-topology = {value:?}\n"),
        )
        .unwrap();
        let out = run_unchanged(
            outer.path(),
            topolint(&repo).args(["check", ".", "--as-of", AS_OF]),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("is an absolute path, not inside the folder of")
                || stderr.contains("climbs out of the folder of"),
            "{stderr}"
        );
        assert!(stderr.contains("--backup-topology PATH"), "{stderr}");
        assert!(stderr.contains("topolint.toml:2:"), "{stderr}");
        assert!(!stderr.contains(SECRET) && !text(&out.stdout).contains(SECRET));
    }
    // Named on the command line, the same file is read, and quoted no further than its first
    // bad byte, in any format.
    fs::write(
        repo.join("topolint.toml"),
        "[options]\nmax-backup-age-days = 1\n",
    )
    .unwrap();
    let reports = tempfile::tempdir().unwrap();
    let mut cmd = topolint(&repo);
    cmd.args([
        "check",
        ".",
        "--as-of",
        AS_OF,
        "--color",
        "never",
        "--backup-topology",
    ])
    .arg(&environ);
    cmd.args(["--format", "human", "--output", "-"]);
    for format in FORMATS {
        cmd.args(["--format", format, "--output"])
            .arg(reports.path().join(format));
    }
    let out = run_unchanged(outer.path(), &mut cmd);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("first bad byte"),
        "{}",
        text(&out.stdout)
    );
    for output in std::iter::once(text(&out.stdout)).chain(
        FORMATS
            .iter()
            .map(|f| fs::read_to_string(reports.path().join(f)).unwrap()),
    ) {
        assert!(
            !output.contains(SECRET) && !output.contains("PATH=/bin"),
            "{output}"
        );
    }
}
