//! Hostile inputs through the real binary: each run ends cleanly (findings and exit 1, or exit 2;
//! never a panic or a signal) in reasonable time, writes a report of bounded size in every format,
//! reads no file it was not given, and leaves every input byte-identical.
//!
//! The inputs are generated in temporary directories at test time; nothing hostile is committed.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed expectation is a panic"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::run_clean as run;

fn topolint(dir: &Path) -> Command {
    common::topolint(dir, TIMEOUT)
}

/// Generous: the tests run a debug build, which takes tens of seconds over 32 MB on a busy
/// machine (a release build takes about a second). A hang fails the test instead of stalling
/// the suite.
const TIMEOUT: Duration = Duration::from_secs(120);

/// No report needs more than this, whatever the size of the input. A SARIF report carries the
/// page of every rule (about 4 KB each: some 220 KB for 52 rules), so the cap leaves room for
/// the catalogue to grow while still catching a report that grows with its input.
const MAX_REPORT: usize = 512 * 1024;

const NS: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";

/// What a file beside a hostile topology holds; it must never reach the output.
const SECRET: &str = "TOPOLINT-SECRET-d41d8cd98f00b204";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A temporary directory holding hostile files.
struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Self {
        fs::write(self.path().join(name), bytes).expect("write a hostile input");
        self
    }

    /// The example deployment's topology, as `topology.xml`.
    fn with_topology(&self) -> &Self {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/example/topology.xml");
        fs::copy(example, self.path().join("topology.xml")).expect("copy the example topology");
        self
    }

    /// Runs `topolint check ARGS` in the directory, writing every output format at once (JSON
    /// to standard output, the others to files elsewhere), then `inspect`; checks that each run
    /// ended cleanly, that no output is large or holds another file's content, and that no file
    /// in the directory changed.
    fn run(&self, args: &[&str]) -> Run {
        let before = snapshot(self.path());
        let outputs = tempfile::tempdir().expect("tempdir");
        let mut cmd = topolint(self.path());
        cmd.args([
            "check", "--color", "never", "--format", "json", "--output", "-",
        ]);
        for format in OTHER_FORMATS {
            cmd.args(["--format", format, "--output"])
                .arg(outputs.path().join(format));
        }
        let out = run(cmd.args(args));
        let mut written = vec![
            ("stdout".to_string(), out.stdout.clone()),
            ("stderr".to_string(), out.stderr.clone()),
        ];
        if out.status.code() != Some(2) {
            for format in OTHER_FORMATS {
                let bytes = fs::read(outputs.path().join(format))
                    .unwrap_or_else(|e| panic!("{args:?}: no {format} output: {e}"));
                written.push((format.to_string(), bytes));
            }
        }
        let inspect = run(topolint(self.path())
            .args(["inspect", "--format", "json"])
            .args(args));
        written.push(("inspect".to_string(), inspect.stdout));
        for (what, bytes) in &written {
            // `inspect` shows what was read, a 32 MB name included; reports stay small.
            assert!(
                what == "inspect" || bytes.len() <= MAX_REPORT,
                "{args:?}: {} bytes of {what}",
                bytes.len()
            );
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(SECRET) && !text.contains("root:x:0:0"),
                "{args:?}: the content of another file reached the {what} output"
            );
        }
        let after = snapshot(self.path());
        assert!(before == after, "{args:?}: an input changed");
        Run { out }
    }
}

/// The formats written to files; JSON goes to standard output.
const OTHER_FORMATS: [&str; 7] = [
    "human", "concise", "sarif", "junit", "github", "azure", "html",
];

/// What a run printed.
struct Run {
    out: Output,
}

impl Run {
    fn code(&self) -> i32 {
        self.out.status.code().expect("exited normally")
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
                String::from_utf8_lossy(&self.out.stdout),
                self.stderr()
            )
        })
    }

    /// Exit 1 with findings; returns their codes and the report.
    fn findings(&self) -> (Vec<String>, Value) {
        assert_eq!(
            self.code(),
            1,
            "expected findings and exit 1; stderr:\n{}",
            self.stderr()
        );
        let report = self.json();
        let codes: Vec<String> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["code"].as_str().expect("code").to_string())
            .collect();
        assert!(!codes.is_empty(), "exit 1 without findings: {report:#}");
        (codes, report)
    }

    /// Asserts one of `expected` is among the findings.
    fn expect_one_of(&self, expected: &[&str]) -> Value {
        let (codes, report) = self.findings();
        assert!(
            codes.iter().any(|c| expected.contains(&c.as_str())),
            "expected one of {expected:?}, got {codes:?}"
        );
        report
    }
}

/// The (path, kind, content hash) of every entry under `root`, symlinks not followed.
fn snapshot(root: &Path) -> Vec<(PathBuf, String, u64)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let meta = fs::symlink_metadata(&path).expect("metadata");
            let (kind, hash) = if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("read_link");
                (
                    "symlink".to_string(),
                    fnv(target.as_os_str().as_encoded_bytes()),
                )
            } else if meta.is_dir() {
                dirs.push(path.clone());
                ("dir".to_string(), 0)
            } else if meta.is_file() {
                ("file".to_string(), fnv(&fs::read(&path).expect("read")))
            } else {
                // A FIFO: reading it would block; its existence is what counts.
                ("other".to_string(), 0)
            };
            out.push((path, kind, hash));
        }
    }
    out
}

/// FNV-1a, 64 bits.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Bytes from a fixed-seed xorshift64*.
fn random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// A small published topology with pool01 declared twice (a TP101 error); `fqdn` is the second
/// declaration's FQDN.
fn topology_with(fqdn: &str) -> String {
    format!(
        r#"<Topology xmlns="{NS}">
  <Sites>
    <CentralSite SiteId="1"><Name>Redmond</Name></CentralSite>
  </Sites>
  <Clusters>
    <Cluster Fqdn="{fqdn}"><ClusterId SiteId="1" Number="1" /><Machine OrdinalInCluster="1" Fqdn="fe01.contoso.com" /></Cluster>
    <Cluster Fqdn="{fqdn}"><ClusterId SiteId="1" Number="2" /><Machine OrdinalInCluster="1" Fqdn="fe02.contoso.com" /></Cluster>
  </Clusters>
</Topology>
"#
    )
}

/// The header of the database worksheet, then `rows`.
fn database_csv(rows: &str) -> String {
    let example = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/example/database.csv"),
    )
    .expect("read the example worksheet");
    let header = example.lines().next().expect("a header row");
    format!("{header}\n{rows}")
}

// ---------------------------------------------------------------------------------------------
// Empty, random, badly encoded
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_files() {
    let d = Dir::new();
    d.write("t.xml", b"");
    d.run(&["t.xml"]).expect_one_of(&["IN003"]);
    d.write("database.csv", b"");
    d.run(&["database.csv"]).expect_one_of(&["IN004", "IN005"]);
    // An empty CSV file found by a walk beside a topology is no worksheet, and no error.
    let d = Dir::new();
    d.with_topology().write("database.csv", b"");
    let run = d.run(&["."]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let report = run.json();
    assert_eq!(report["summary"]["worksheets"], 0, "{report:#}");
}

#[test]
fn random_bytes_as_a_topology_and_as_a_worksheet() {
    let d = Dir::new();
    d.write("t.xml", random_bytes(256 * 1024, 0x5EED_0001));
    d.run(&["t.xml"]).expect_one_of(&["IN002", "IN003"]);
    d.write("database.csv", random_bytes(256 * 1024, 0x5EED_0002));
    d.run(&["database.csv"])
        .expect_one_of(&["IN002", "IN004", "IN005"]);
    // Random bytes that happen to start like a document.
    let mut bytes = format!("<Topology xmlns=\"{NS}\">").into_bytes();
    bytes.extend(random_bytes(64 * 1024, 0x5EED_0003));
    d.write("t.xml", bytes);
    d.run(&["t.xml"]).expect_one_of(&["IN002", "IN003"]);
}

#[test]
fn invalid_utf8() {
    let d = Dir::new();
    let mut bytes = topology_with("pool01.contoso.com").into_bytes();
    bytes.splice(40..40, [0xC3, 0x28, 0xFF, 0xFE]);
    d.write("t.xml", &bytes);
    d.run(&["t.xml"]).expect_one_of(&["IN002"]);
    // Overlong encodings and lone surrogates, in a worksheet.
    let mut csv = database_csv("rtcxds,sql01.contoso.com,").into_bytes();
    csv.extend([0xC0, 0xAF, 0xED, 0xA0, 0x80]);
    csv.extend(b",Daily,SQL Server Management Studio,x,2027-01-01,\\\\b\\s,2026-11-20,\n");
    // Beside a topology, so that the worksheet joins a deployment and its cells are checked: the
    // bytes read as Windows-1252 make an instance name SQL Server would refuse (IN009).
    let d = Dir::new();
    d.with_topology().write("database.csv", csv);
    d.run(&["."]).expect_one_of(&["IN002", "IN005", "IN009"]);
}

#[test]
fn utf16_without_a_byte_order_mark() {
    let d = Dir::new();
    let text = topology_with("pool01.contoso.com");
    for (name, bytes) in [
        (
            "le.xml",
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        ),
        (
            "be.xml",
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ),
    ] {
        d.write(name, bytes);
        d.run(&[name]).expect_one_of(&["IN002"]);
    }
    // A worksheet saved as UTF-16 without a BOM.
    let csv: Vec<u8> = database_csv("rtcxds,sql01.contoso.com,rtc\n")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let d = Dir::new();
    d.with_topology().write("database.csv", csv);
    d.run(&["."]).expect_one_of(&["IN002", "IN005"]);
}

// ---------------------------------------------------------------------------------------------
// Huge and deep
// ---------------------------------------------------------------------------------------------

#[test]
fn nesting_200000_deep() {
    const DEPTH: usize = 200_000;
    let d = Dir::new();
    let mut text = format!("<Topology xmlns=\"{NS}\">");
    text.push_str(&"<a>".repeat(DEPTH));
    text.push_str(&"</a>".repeat(DEPTH));
    text.push_str("</Topology>");
    d.write("deep.xml", &text);
    // Well-formed, so not an XML error; a topology without sites or pools.
    let run = d.run(&["deep.xml"]);
    assert!(matches!(run.code(), 0 | 1), "exit {}", run.code());
    let report = run.json();
    assert!(
        !report.to_string().contains("IN003"),
        "well-formed deep nesting reported as ill-formed: {report:#}"
    );
    // Deep and never closed: an XML error, not a stack overflow.
    d.write("open.xml", &text[..text.len() / 2]);
    d.run(&["open.xml"]).expect_one_of(&["IN003"]);
    // Deep inside a real element the model reads.
    let mut text = format!("<Topology xmlns=\"{NS}\"><Clusters><Cluster Fqdn=\"p.contoso.com\">");
    text.push_str(&"<Machine Fqdn=\"m.contoso.com\">".repeat(DEPTH));
    text.push_str(&"</Machine>".repeat(DEPTH));
    text.push_str("</Cluster></Clusters></Topology>");
    d.write("machines.xml", &text);
    d.run(&["machines.xml"]);
}

#[test]
fn attribute_of_32_mib_is_cut_in_messages() {
    let huge = format!("{}.contoso.com", "a".repeat(32 * 1024 * 1024));
    let d = Dir::new();
    d.write("t.xml", topology_with(&huge));
    let run = d.run(&["t.xml"]);
    let report = run.expect_one_of(&["TP101"]);
    // The finding quotes the FQDN, cut to a readable length.
    let tp101 = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "TP101")
        .expect("TP101");
    let message = tp101["message"].as_str().expect("message");
    assert!(
        message.contains("aaaa…") && message.len() < 1024,
        "the message does not cut the value: {} bytes",
        message.len()
    );
}

#[test]
fn worksheet_cell_of_32_mib() {
    let huge = "b".repeat(32 * 1024 * 1024);
    let d = Dir::new();
    d.with_topology().write(
        "database.csv",
        database_csv(&format!(
            "rtcxds,{huge}.contoso.com,rtc,Daily,SQL Server Management Studio,x,2027-01-01,\\\\backup01\\lync,2026-11-20,\n"
        )),
    );
    let (codes, _) = d.run(&["."]).findings();
    assert!(!codes.is_empty());
}

/// Found by fuzzing: an error position inside a multi-byte character made the underline slice
/// inside it ("internal error", exit 2).
#[test]
fn an_error_inside_a_multibyte_character_is_a_finding() {
    let d = Dir::new();
    let text = topology_with("pool01.contoso.com");
    for (name, doc) in [
        ("comment.xml", format!("<!---é--->\n{text}")),
        (
            "deep.xml",
            text.replace("<Name>Redmond</Name>", "<Name>Ré<!--é--é--></Name>"),
        ),
        ("control.xml", text.replace("Redmond", "Redé\u{1b}[2Jmond")),
    ] {
        d.write(name, &doc);
        let report = d.run(&[name]).expect_one_of(&["IN003"]);
        let location = &report["findings"][0]["location"];
        assert!(location["line"].as_u64().is_some(), "{name}: {report:#}");
    }
}

#[test]
fn billion_laughs_is_not_expanded() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Topology [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n");
    doc.push_str(
        &topology_with("pool01.contoso.com").replace("<Name>Redmond</Name>", "<Name>&lol9;</Name>"),
    );
    let d = Dir::new();
    d.write("t.xml", &doc);
    let run = d.run(&["t.xml"]);
    assert!(matches!(run.code(), 1 | 2), "exit {}", run.code());
    assert!(
        !String::from_utf8_lossy(&run.out.stdout).contains("lollollol"),
        "entities were expanded"
    );
    // In an attribute too.
    d.write(
        "t.xml",
        doc.replace("Fqdn=\"pool01.contoso.com\"", "Fqdn=\"&lol9;\""),
    );
    let run = d.run(&["t.xml"]);
    assert!(
        !String::from_utf8_lossy(&run.out.stdout).contains("lollollol"),
        "entities were expanded"
    );
}

#[test]
fn external_entities_are_never_read() {
    let d = Dir::new();
    // A name topolint never reads: a `.txt` beside a named topology is read as a worksheet.
    d.write("secret.key", SECRET);
    // A FIFO beside the document: opening it for reading would block until the timeout.
    let fifo = d.path().join("fifo");
    let has_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let secret_url = format!("file://{}", d.path().join("secret.key").display());
    let mut entities = format!(
        "<!ENTITY passwd SYSTEM \"file:///etc/passwd\">\n<!ENTITY rel SYSTEM \"secret.key\">\n<!ENTITY abs SYSTEM \"{secret_url}\">\n<!ENTITY % param SYSTEM \"secret.key\">\n%param;\n"
    );
    let mut refs = "&passwd;&rel;&abs;".to_string();
    if has_fifo {
        entities.push_str("<!ENTITY fifo SYSTEM \"fifo\">\n");
        refs.push_str("&fifo;");
    }
    let doc = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Topology [\n{entities}]>\n{}",
        topology_with("pool01.contoso.com")
            .replace("<Name>Redmond</Name>", &format!("<Name>{refs}</Name>"))
    );
    d.write("t.xml", &doc);
    // `Dir::run` fails if the content of /etc/passwd or secret.key appears in any output.
    let run = d.run(&["t.xml"]);
    assert!(matches!(run.code(), 1 | 2), "exit {}", run.code());
    // A DOCTYPE pointing at an external DTD.
    let doc = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE Topology SYSTEM \"secret.key\">\n{}",
        topology_with("pool01.contoso.com")
    );
    d.write("t.xml", &doc);
    d.run(&["t.xml"]).expect_one_of(&["TP101"]);
}

// ---------------------------------------------------------------------------------------------
// Worksheets
// ---------------------------------------------------------------------------------------------

#[test]
fn worksheet_with_nul_bytes() {
    let d = Dir::new();
    let mut csv = database_csv("rtcxds,sql01.contoso.com,rtc,Daily").into_bytes();
    csv.extend([0, 0, 0]);
    csv.extend(b",SQL Server Management Studio,x,2027-01-01,\\\\b\\s,2026-11-20,\n");
    d.with_topology().write("database.csv", csv);
    let report = d.run(&["."]).expect_one_of(&["IN005"]);
    assert!(
        report.to_string().contains("database.csv"),
        "the finding does not name the worksheet: {report:#}"
    );
}

#[test]
fn worksheet_with_100000_columns() {
    let d = Dir::new();
    let extra: String = (0..100_000).map(|i| format!(",c{i}")).collect();
    let header = database_csv("");
    let header = header.trim_end();
    // A header of 100,000 extra columns, and a row of as many cells.
    let cells: String = (0..100_000).map(|i| format!(",v{i}")).collect();
    d.with_topology().write(
        "database.csv",
        format!("{header}{extra}\nrtcxds,sql01.contoso.com,rtc{cells}\n"),
    );
    d.run(&["."]);
    // A row of 100,000 cells under the normal header: a ragged row.
    d.write(
        "database.csv",
        format!("{header}\nrtcxds,sql01.contoso.com,rtc{cells}\n"),
    );
    d.run(&["."]).expect_one_of(&["IN005"]);
}

#[test]
fn worksheet_with_an_unclosed_quote() {
    let d = Dir::new();
    let mut body = "rtcxds,\"sql01.contoso.com,rtc,Daily\n".to_string();
    // The quote swallows the rest of the file, a megabyte of rows.
    for i in 0..20_000 {
        body.push_str(&format!(
            "db{i},sql01.contoso.com,rtc,Daily,tool,set,2027-01-01,x,2026-11-20,\n"
        ));
    }
    d.with_topology().write("database.csv", database_csv(&body));
    d.run(&["."]).expect_one_of(&["IN005"]);
    // A quote opened in the header row.
    d.write(
        "database.csv",
        "Database,\"Server name (FQDN),SQL instance\nrtcxds,sql01,rtc\n",
    );
    d.run(&["."]);
}

// ---------------------------------------------------------------------------------------------
// Directories
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn directory_with_symlink_loops() {
    use std::os::unix::fs::symlink;
    let d = Dir::new();
    d.with_topology();
    let root = d.path();
    fs::create_dir(root.join("sub")).expect("mkdir");
    symlink(root, root.join("loop")).expect("symlink");
    symlink(root.join("sub"), root.join("sub/self")).expect("symlink");
    symlink(root.join("a.xml"), root.join("b.xml")).expect("symlink");
    symlink(root.join("b.xml"), root.join("a.xml")).expect("symlink");
    symlink("itself.csv", root.join("itself.csv")).expect("symlink");
    let run = d.run(&["."]);
    assert!(
        matches!(run.code(), 0 | 1),
        "exit {}: {}",
        run.code(),
        run.stderr()
    );
    let report = run.json();
    assert_eq!(
        report["summary"]["topologies"], 1,
        "the topology is not read exactly once: {report:#}"
    );
    // A looping symlink named on the command line cannot be read: exit 2, with a message.
    let run = d.run(&["a.xml"]);
    assert_eq!(
        run.code(),
        2,
        "a symlink loop named explicitly: {}",
        run.stderr()
    );
    assert!(run.stderr().contains("a.xml"), "{}", run.stderr());
}

// ---------------------------------------------------------------------------------------------
// Special files
// ---------------------------------------------------------------------------------------------

/// A FIFO at `path`, or `false` (saying so) where `mkfifo` is missing.
#[cfg(unix)]
#[allow(clippy::print_stderr, reason = "a skipped check says so")]
fn make_fifo(path: &Path) -> bool {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: FIFO cases: mkfifo is not available");
    }
    made
}

/// Short: reading nothing takes no time, and opening a FIFO for reading would block forever.
#[cfg(unix)]
const AT_ONCE: Duration = Duration::from_secs(30);

#[cfg(unix)]
#[test]
fn fifos_sockets_and_devices_named_as_inputs_are_findings() {
    let d = Dir::new();
    d.with_topology();
    let _socket =
        std::os::unix::net::UnixListener::bind(d.path().join("socket.xml")).expect("a Unix socket");
    let mut args = vec!["topology.xml", "socket.xml", "/dev/zero", "/dev/null"];
    let fifo = make_fifo(&d.path().join("fifo.xml"));
    if fifo {
        args.push("fifo.xml");
    }
    let (codes, report) = d.run(&args).findings();
    assert_eq!(
        codes.iter().filter(|c| *c == "IN001").count(),
        args.len() - 1
    );
    let text = report.to_string();
    for what in ["it is a socket", "it is a character device"]
        .into_iter()
        .chain(fifo.then_some("it is a FIFO"))
    {
        assert!(text.contains(what), "no finding says {what:?}: {report:#}");
    }
    assert!(
        codes.iter().all(|c| c == "IN001") && report["summary"]["topologies"] == 1,
        "the topology beside them is read as usual: {report:#}"
    );
    // A walk reads regular files only, and says nothing of the others.
    let run = d.run(&["."]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.json()["summary"]["files"], 1, "{:#}", run.json());
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_as_config_baseline_or_backup_topology_are_exit_2_at_once() {
    let d = Dir::new();
    d.with_topology();
    let fifo = d.path().join("fifo");
    let mut named = vec!["/dev/zero".to_string(), "/dev/urandom".to_string()];
    if make_fifo(&fifo) {
        named.push("fifo".to_string());
    }
    for option in ["--config", "--baseline", "--backup-topology"] {
        for path in &named {
            let out = run(common::topolint(d.path(), AT_ONCE).args([
                "check",
                "topology.xml",
                option,
                path,
            ]));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{option} {path}: {stderr}");
            assert!(
                stderr.contains("not a regular file") && stderr.contains(path.as_str()),
                "{option} {path}: {stderr}"
            );
        }
    }
    for path in &named {
        let out = run(common::topolint(d.path(), AT_ONCE).args([
            "inspect",
            "--diff",
            "topology.xml",
            path,
        ]));
        assert_eq!(out.status.code(), Some(2), "inspect --diff {path}");
    }
    // A `topolint.toml` found by looking upwards that is a FIFO is refused too.
    if named.len() > 2 {
        fs::rename(&fifo, d.path().join("topolint.toml")).expect("rename the FIFO");
        let out = run(common::topolint(d.path(), AT_ONCE).args(["check", "topology.xml"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("topolint.toml") && stderr.contains("FIFO"),
            "{stderr}"
        );
    }
}
