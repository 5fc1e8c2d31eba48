//! The HTML report (`check --format html`): a snapshot of the example deployment's report, and
//! the reports of the example (passing and failing), of hostile values and of a generated
//! 2,000-pool estate opened in headless Chromium, which checks the DOM after the script ran and
//! saves screenshots under `target/tmp/html/`.
//!
//! Without Chromium (`/usr/bin/chromium` or `chromium` on `PATH`) the browser parts say that they
//! skipped and pass; `.ci/run` installs it and sets `TOPOLINT_REQUIRE_CHROMIUM`, so CI always
//! runs them.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test helpers: a failed expectation is a panic"
)]

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{AS_OF, example_copy, root};

/// `topolint` started in `cwd`, with a clean environment.
fn topolint(cwd: &Path) -> Command {
    common::topolint(cwd, Duration::from_secs(60))
}

/// Where reports and screenshots are kept for people to look at: `target/tmp/html/`.
fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the HTML report of `input` (checked from `cwd`) to `target/tmp/html/NAME.html`;
/// returns its path, its text and the exit code.
fn report(cwd: &Path, input: &str, name: &str) -> (PathBuf, String, i32) {
    let path = out_dir().join(format!("{name}.html"));
    let out = topolint(cwd)
        .args([
            "check", input, "--as-of", AS_OF, "--format", "html", "--output",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let html = fs::read_to_string(&path).unwrap();
    (path, html, out.status.code().expect("exit code"))
}

/// The JSON report of the same input, to compare counts with.
fn json(cwd: &Path, input: &str) -> Value {
    let out = topolint(cwd)
        .args(["check", input, "--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------

fn chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Chromium, or a message that the browser checks are skipped (a failure when
/// `TOPOLINT_REQUIRE_CHROMIUM` is set, as `.ci/run` does).
fn browser(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() && std::env::var_os("TOPOLINT_REQUIRE_CHROMIUM").is_some() {
        panic!("{test}: TOPOLINT_REQUIRE_CHROMIUM is set but Chromium was not found");
    }
    if found.is_none() {
        eprintln!(
            "{test}: skipped the browser checks: Chromium not found (install the Debian package `chromium`)"
        );
    }
    found
}

fn headless(exe: &Path) -> (Command, tempfile::TempDir) {
    // A profile of its own, so that tests running at the same time do not share one.
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--hide-scrollbars",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .timeout(Duration::from_secs(120));
    (cmd, profile)
}

fn file_url(path: &Path, query: &str) -> String {
    let mut url = format!("file://{}", path.display());
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// The DOM after the page's script ran, with `query` in the address.
fn dump_dom(exe: &Path, page: &Path, query: &str) -> String {
    let (mut cmd, _profile) = headless(exe);
    let out = cmd
        .arg("--dump-dom")
        .arg(file_url(page, query))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "Chromium printed no DOM: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

/// Saves a 1280 × `height` screenshot next to the page.
fn screenshot(exe: &Path, page: &Path, height: u32) -> PathBuf {
    let png = page.with_extension("png");
    let _ = fs::remove_file(&png);
    let (mut cmd, _profile) = headless(exe);
    let out = cmd
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size=1280,{height}"))
        .arg(file_url(page, ""))
        .output()
        .unwrap();
    let bytes = fs::read(&png).unwrap_or_else(|e| {
        panic!(
            "no screenshot at {}: {e}: {}",
            png.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    eprintln!("screenshot: {}", png.display());
    png
}

/// The opening tags that start with `start` (`<article `).
fn tags<'d>(dom: &'d str, start: &str) -> Vec<&'d str> {
    dom.match_indices(start)
        .map(|(i, _)| {
            let rest = &dom[i..];
            &rest[..rest.find('>').map_or(rest.len(), |e| e + 1)]
        })
        .collect()
}

/// The text of the element with `id` (no nested markup).
fn text_of<'d>(dom: &'d str, id: &str) -> &'d str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &dom[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    &rest[start..end]
}

fn pool_boxes(dom: &str) -> usize {
    dom.matches("class=\"box pool ").count()
}

fn findings(dom: &str) -> Vec<&str> {
    tags(dom, "<article class=\"finding ")
}

// ---------------------------------------------------------------------------------------------
// The example deployment
// ---------------------------------------------------------------------------------------------

#[test]
fn the_example_report_snapshot() {
    let (_, html, code) = report(&root(), "testdata/example", "example-snapshot");
    assert_eq!(code, 0);
    insta::assert_snapshot!("example_report", html);
}

#[test]
fn paired_pools_are_drawn_linked() {
    let (_, html, code) = report(&root(), "testdata/plan/paired", "paired");
    assert_eq!(code, 0);
    assert_eq!(
        html.matches("<path class=\"link pair\"").count(),
        1,
        "one pairing"
    );
    assert_eq!(html.matches("<path class=\"link mirror\"").count(), 2);
    assert!(html.contains("<span class=\"line pair\"></span>paired pools"));
}

#[test]
fn the_passing_example_in_a_browser() {
    let (page, html, code) = report(&root(), "testdata/example", "example");
    assert_eq!(code, 0);
    assert!(html.contains(">READY</h1>"));
    let Some(exe) = browser("the_passing_example_in_a_browser") else {
        return;
    };
    let dom = dump_dom(&exe, &page, "");
    assert_eq!(text_of(&dom, "verdict"), "READY");
    assert_eq!(text_of(&dom, "as-of"), AS_OF);
    assert_eq!(pool_boxes(&dom), 8, "one box per pool of the example");
    assert_eq!(dom.matches("class=\"box machine ").count(), 5);
    assert_eq!(dom.matches("class=\"box sql ").count(), 4);
    assert_eq!(dom.matches("class=\"box backup ").count(), 1);
    assert_eq!(dom.matches("class=\"link mirror\"").count(), 1);
    assert_eq!(dom.matches("class=\"link witness\"").count(), 1);
    assert!(findings(&dom).is_empty());
    let boxes = tags(&dom, "<g class=\"box ");
    assert_eq!(
        boxes.len(),
        1 + 8 + 5 + 4 + 1 + 1,
        "site, pools, machines, SQL, share, backup host"
    );
    assert!(
        boxes.iter().all(|b| b.contains("sev-ok")),
        "no box is coloured"
    );
    screenshot(&exe, &page, 2000);
}

/// A copy of the example with facts broken: a backup on a Front End server (BK201, error), an
/// expired certificate (RS304, error), no witness (HA401, warning).
fn failing_example() -> tempfile::TempDir {
    example_copy(&[
        (
            "database.csv",
            "UserData-pool01,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20",
            "UserData-pool01,2027-05-31,\\\\fe01.contoso.com\\backup",
        ),
        (
            "certificates.csv",
            "edge01.contoso.com,Edge external,,2027-09-30",
            "edge01.contoso.com,Edge external,,2026-09-30",
        ),
        ("sql-instances.csv", "sql04.contoso.com\\witness,7022", ","),
    ])
}

#[test]
fn the_failing_example_in_a_browser() {
    let dir = failing_example();
    let expected = json(dir.path(), ".");
    let total = expected["findings"].as_array().unwrap().len();
    let errors = expected["summary"]["errors"].as_u64().unwrap() as usize;
    let warnings = expected["summary"]["warnings"].as_u64().unwrap() as usize;
    assert!(errors >= 2 && warnings >= 1, "{expected}");

    let (page, html, code) = report(dir.path(), ".", "example-failing");
    assert_eq!(code, 1);
    assert!(html.contains(">NOT READY FOR RESTORE</h1>"));
    assert_eq!(findings(&html).len(), total);
    // Every finding is linked from the box it names.
    for (id, code) in [("BK201", "fe01"), ("RS304", "edge01"), ("HA401", "sql01")] {
        assert!(html.contains(&format!("href=\"#rule-{id}\"")), "{id}");
        assert!(html.contains(code), "{code}");
    }
    let Some(exe) = browser("the_failing_example_in_a_browser") else {
        return;
    };
    let dom = dump_dom(&exe, &page, "");
    assert_eq!(text_of(&dom, "verdict"), "NOT READY FOR RESTORE");
    assert_eq!(pool_boxes(&dom), 8);
    assert_eq!(findings(&dom).len(), total);
    assert_eq!(text_of(&dom, "shown"), total.to_string());
    assert!(
        dom.contains("<form id=\"filter\" class=\"filter\">"),
        "the script shows the filter (is SCRIPT_HASH current?)"
    );
    // The boxes of fe01 and edge01 are red and link to their findings.
    let red_machines: Vec<&str> = tags(&dom, "<g class=\"box machine sev-error\"");
    assert_eq!(red_machines.len(), 2, "fe01 and edge01");
    assert!(dom.contains("<a href=\"#d0-n"));

    // Pre-filtered from the address: warnings only.
    let dom = dump_dom(&exe, &page, "severity=warning");
    assert_eq!(text_of(&dom, "shown"), warnings.to_string());
    let cards = findings(&dom);
    assert_eq!(cards.len(), total, "filtering hides, it does not remove");
    for card in &cards {
        let hidden = card.contains(" hidden");
        assert_eq!(
            hidden,
            !card.contains("data-severity=\"warning\""),
            "{card}"
        );
    }
    // And by text: the words must all appear in a finding.
    let dom = dump_dom(&exe, &page, "q=edge01%20expired");
    assert_eq!(text_of(&dom, "shown"), "1");
    let visible: Vec<&str> = findings(&dom)
        .into_iter()
        .filter(|c| !c.contains(" hidden"))
        .collect();
    assert_eq!(visible.len(), 1);
    assert!(
        visible[0].contains("data-severity=\"error\""),
        "{}",
        visible[0]
    );
    screenshot(&exe, &page, 2000);
}

#[test]
fn exemptions_in_force_are_listed_and_do_not_colour_boxes() {
    let dir = failing_example();
    fs::write(
        dir.path().join("topolint.toml"),
        "[[exemptions]]\nrule = \"HA401\"\nentity = \"sql01.contoso.com\\\\rtc\"\nreason = \"witness <b>rebuilt</b> in Q1\"\nexpires = 2027-03-31\n",
    )
    .unwrap();
    let expected = json(dir.path(), ".");
    assert_eq!(expected["summary"]["suppressed"], 1, "{expected}");
    let (page, html, _) = report(dir.path(), ".", "example-exempted");
    let table =
        &html[html.find("id=\"exemptions\"").unwrap()..html.find("id=\"topology\"").unwrap()];
    assert!(table.contains("<code>HA401</code>"), "{table}");
    assert!(table.contains("sql01.contoso.com\\rtc"), "{table}");
    assert!(
        table.contains("witness &lt;b&gt;rebuilt&lt;/b&gt; in Q1"),
        "{table}"
    );
    assert!(table.contains("2027-03-31"), "{table}");
    assert!(html.contains("<b>1</b> exempted"));
    let exempt: Vec<&str> = findings(&html)
        .into_iter()
        .filter(|c| c.contains("data-exempt=\"yes\""))
        .collect();
    assert_eq!(exempt.len(), 1);
    assert!(exempt[0].contains("data-severity=\"warning\""));
    // The exempted warning no longer colours the SQL instance amber.
    assert!(
        tags(&html, "<g class=\"box sql ")
            .iter()
            .all(|t| t.contains("sev-ok"))
    );

    let Some(exe) = browser("exemptions_in_force_are_listed_and_do_not_colour_boxes") else {
        return;
    };
    let dom = dump_dom(&exe, &page, "severity=error,warning,note");
    let total = expected["findings"].as_array().unwrap().len();
    assert_eq!(
        text_of(&dom, "shown"),
        (total - 1).to_string(),
        "exempted ones hidden"
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

const SCRIPT_VALUE: &str = "<script>document.body.setAttribute('data-owned','script')</script>";
const IMG_VALUE: &str = "\"><img src=x onerror=\"document.body.setAttribute('data-owned','img')\">";

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[test]
fn hostile_values_render_as_text() {
    let site = xml_escape(SCRIPT_VALUE);
    let pool = xml_escape(&format!("wac01{IMG_VALUE}.contoso.com"));
    let dir = example_copy(&[
        (
            "topology.xml",
            "<Name>Redmond</Name>",
            &format!("<Name>{site}</Name>"),
        ),
        (
            "topology.xml",
            "Fqdn=\"wac01.contoso.com\">",
            &format!("Fqdn=\"{pool}\">"),
        ),
        (
            "topology.xml",
            "<Machine OrdinalInCluster=\"1\" Fqdn=\"wac01.contoso.com\" />",
            &format!("<Machine OrdinalInCluster=\"1\" Fqdn=\"{pool}\" />"),
        ),
        (
            "servers.csv",
            "edge02.contoso.com,Edge,ready,n/a,",
            &format!(
                "edge02.contoso.com,Edge,ready,n/a,\n\"{}\",Front End,ready,yes,\n\"{}\",Edge,ready,n/a,",
                SCRIPT_VALUE.replace('"', "\"\""),
                IMG_VALUE.replace('"', "\"\"")
            ),
        ),
    ]);
    let (page, html, _) = report(dir.path(), ".", "hostile");
    // The values are in the report, as text.
    assert!(html.contains("&lt;script&gt;document.body.setAttribute(&#39;data-owned&#39;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror="));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(!html.contains("<img"));
    assert!(!html.contains("\"><img"));

    let Some(exe) = browser("hostile_values_render_as_text") else {
        return;
    };
    let dom = dump_dom(&exe, &page, "");
    assert!(
        !dom.contains("data-owned=\""),
        "an input value ran as script"
    );
    assert!(!dom.contains("<img"), "an input value became an element");
    assert_eq!(dom.matches("<script").count(), 1);
    // Site names and pool names reach the diagram as text.
    assert!(dom.contains("&lt;script&gt;document.body"));
    assert!(dom.contains("onerror=\"document.body"), "as text: {}", {
        let at = dom.find("onerror").unwrap_or(0);
        &dom[at.saturating_sub(40)..(at + 60).min(dom.len())]
    });
    assert_eq!(pool_boxes(&dom), 8);
}

// ---------------------------------------------------------------------------------------------
// A large estate
// ---------------------------------------------------------------------------------------------

/// A published topology of `sites` sites with `pools` pools each: Front End pools of three
/// machines, SQL servers holding their user stores, Edge pools and Mediation servers. Every 97th
/// pool repeats the first machine name of the pool before it (TP101), every 89th machine has no
/// domain (TP104), so that some boxes are coloured.
fn estate(sites: u32, pools: u32) -> String {
    let mut site_xml = String::new();
    let mut clusters = String::new();
    let mut sql = String::new();
    let mut services = String::new();
    let mut serial = 0u32;
    let mut previous_machine = String::new();
    for s in 1..=sites {
        let _ = writeln!(
            site_xml,
            "<CentralSite SiteId=\"{s}\"><Name>Site {s:02}</Name></CentralSite>"
        );
        for n in 1..=pools {
            serial += 1;
            let kind = n % 10;
            let (prefix, machines) = match kind {
                1 | 5 => ("pool", 3),
                2 | 6 => ("sql", 1),
                3 => ("edgepool", 2),
                _ => ("med", 1),
            };
            let fqdn = format!("{prefix}{s:02}{n:02}.contoso.com");
            let _ = write!(
                clusters,
                "<Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"{fqdn}\"><ClusterId SiteId=\"{s}\" Number=\"{n}\" />"
            );
            for m in 1..=machines {
                let mut name = if machines == 1 {
                    fqdn.clone()
                } else {
                    format!("{prefix}{s:02}{n:02}-m{m}.contoso.com")
                };
                if m == 1 && serial % 97 == 0 {
                    name = previous_machine.clone();
                } else if serial % 89 == 0 && m == 1 {
                    name = format!("host{s:02}{n:02}");
                }
                let _ = write!(
                    clusters,
                    "<Machine OrdinalInCluster=\"{m}\" Fqdn=\"{name}\" />"
                );
                previous_machine = name;
            }
            clusters.push_str("</Cluster>\n");
            let role = match kind {
                1 | 5 => "UserServices",
                3 => "EdgeServer",
                2 | 6 => "",
                _ => "MediationServer",
            };
            let installed = if role.is_empty() {
                let _ = writeln!(
                    sql,
                    "<SqlInstance><SqlInstanceId Name=\"rtc\"><ClusterId SiteId=\"{s}\" Number=\"{n}\" /></SqlInstanceId></SqlInstance>"
                );
                format!(
                    "<SqlInstanceId Name=\"rtc\"><ClusterId SiteId=\"{s}\" Number=\"{n}\" /></SqlInstanceId>"
                )
            } else {
                format!("<ClusterId SiteId=\"{s}\" Number=\"{n}\" />")
            };
            let role = if role.is_empty() { "UserStore" } else { role };
            let _ = writeln!(
                services,
                "<Service RoleVersion=\"1\" ServiceVersion=\"6\"><ServiceId SiteId=\"{s}\" RoleName=\"{role}\" Instance=\"{n}\" /><DependsOn /><InstalledOn>{installed}</InstalledOn></Service>"
            );
        }
    }
    format!(
        "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\" Signature=\"00000000-0000-0000-0000-000000000002\">\n<Sites>\n{site_xml}</Sites>\n<Clusters>\n{clusters}</Clusters>\n<SqlInstances>\n{sql}</SqlInstances>\n<Services>\n{services}</Services>\n</Topology>\n"
    )
}

#[test]
fn a_2000_pool_estate_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("topology.xml"), estate(50, 40)).unwrap();
    let expected = json(dir.path(), ".");
    assert!(expected["summary"]["errors"].as_u64().unwrap() > 0);
    let (page, html, _) = report(dir.path(), ".", "estate-2000");
    assert_eq!(pool_boxes(&html), 2000, "one box per pool");
    assert_eq!(html.matches("<g class=\"box site ").count(), 50);
    assert!(
        html.len() < 4 * 1024 * 1024,
        "{} bytes for 2,000 pools",
        html.len()
    );
    // Every site has 40 pools: all are drawn as tiles, with no machine boxes.
    assert_eq!(html.matches("class=\"box machine ").count(), 0);
    let Some(exe) = browser("a_2000_pool_estate_in_a_browser") else {
        return;
    };
    let dom = dump_dom(&exe, &page, "");
    assert_eq!(pool_boxes(&dom), 2000);
    assert_eq!(
        findings(&dom).len(),
        expected["findings"].as_array().unwrap().len()
    );
    screenshot(&exe, &page, 2000);
}
