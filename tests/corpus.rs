//! `topolint inspect --format json` against the real topology exports in
//! `../shared/corpus/real/` (see `PROVENANCE.md` there).
//!
//! The expected inventories below were written by reading each document by hand
//! (the UTF-16LE export through `iconv`). Nothing here parses the XML: the test is
//! an independent check of the tool. The folder is absent on a fresh clone; the
//! tests then say they skipped and pass.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test helpers: a failed expectation is a panic, a skip is said on stderr"
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Files of the corpus folder that are not topology documents.
const NOT_TOPOLOGIES: &[&str] = &["PROVENANCE.md"];

struct Pool {
    fqdn: &'static str,
    machines: &'static [&'static str],
}

struct SqlInstance {
    server: &'static str,
    instance: &'static str,
    stores: &'static [&'static str],
}

enum Inventory {
    /// Every pool, SQL instance and file store, exactly.
    Exact {
        pools: &'static [Pool],
        sql_instances: &'static [SqlInstance],
        file_stores: &'static [&'static str],
    },
    /// Only the numbers: a template whose names are unexpanded placeholders.
    Counts {
        pools: usize,
        sql_instances: usize,
        file_stores: usize,
    },
}

struct Expected {
    file: &'static str,
    format: &'static str,
    product: &'static str,
    inventory: Inventory,
}

const CORPUS: &[Expected] = &[
    // SfB 2019 template with `$SkypeFQDN`, `$CSShareName`, ... left in: one Standard
    // Edition cluster hosting SQL instance `rtc` and the file store.
    Expected {
        file: "alvinchen1-embedded-placeholders.xml",
        format: "published",
        product: "sfb2019",
        inventory: Inventory::Counts {
            pools: 1,
            sql_instances: 1,
            file_stores: 1,
        },
    },
    // Topology Builder document: GUID references, `<Machine />` without Fqdn on the
    // single-machine clusters, default SQL instance (`Name=""`), two file stores.
    Expected {
        file: "automatedlab-contoso.tbxml",
        format: "tbxml",
        product: "sfb2015",
        inventory: Inventory::Exact {
            pools: &[
                Pool {
                    fqdn: "frontendpool.contoso.com",
                    machines: &[
                        "xfrontend1.contoso.com",
                        "xfrontend2.contoso.com",
                        "xfrontend3.contoso.com",
                        "xfrontend4.contoso.com",
                    ],
                },
                Pool {
                    fqdn: "edgepool.contoso.com",
                    machines: &[
                        "xedge1.contoso.com",
                        "xedge2.contoso.com",
                        "xedge3.contoso.com",
                    ],
                },
                Pool {
                    fqdn: "xoffice1.contoso.com",
                    machines: &["xoffice1.contoso.com"],
                },
                Pool {
                    fqdn: "xsql1.contoso.com",
                    machines: &["xsql1.contoso.com"],
                },
                Pool {
                    fqdn: "xfile1.contoso.com",
                    machines: &["xfile1.contoso.com"],
                },
                Pool {
                    fqdn: "xfile2.contoso.com",
                    machines: &["xfile2.contoso.com"],
                },
            ],
            sql_instances: &[SqlInstance {
                server: "xsql1.contoso.com",
                instance: "",
                stores: &[
                    "ApplicationStore",
                    "ArchivingStore",
                    "MonitoringStore",
                    "UserStore",
                ],
            }],
            file_stores: &[r"\\xfile1.contoso.com\Data1", r"\\xfile2.contoso.com\Data2"],
        },
    },
    // Earlier version of the lab topology below: Standard Edition and Edge, no gateway.
    Expected {
        file: "ibenbouzid-v3-3a075c1.xml",
        format: "published",
        product: "sfb2015",
        inventory: Inventory::Exact {
            pools: &[
                Pool {
                    fqdn: "skypefe.contoso.com",
                    machines: &["skypefe.contoso.com"],
                },
                Pool {
                    fqdn: "edge.contoso.com",
                    machines: &["edge.contoso.com"],
                },
            ],
            sql_instances: &[SqlInstance {
                server: "skypefe.contoso.com",
                instance: "rtc",
                stores: &["ApplicationStore", "CentralMgmtStore", "UserStore"],
            }],
            file_stores: &[r"\\skypefe.contoso.com\LyncShare"],
        },
    },
    // Standard Edition, Edge (`Fqdn="Edge.contoso.com"`) and a PSTN gateway cluster.
    Expected {
        file: "ibenbouzid-v3-latest.xml",
        format: "published",
        product: "sfb2015",
        inventory: Inventory::Exact {
            pools: &[
                Pool {
                    fqdn: "skypefe.contoso.com",
                    machines: &["skypefe.contoso.com"],
                },
                Pool {
                    fqdn: "edge.contoso.com",
                    machines: &["edge.contoso.com"],
                },
                Pool {
                    fqdn: "sbc1.contoso.com",
                    machines: &["sbc1.contoso.com"],
                },
            ],
            sql_instances: &[SqlInstance {
                server: "skypefe.contoso.com",
                instance: "rtc",
                stores: &["ApplicationStore", "CentralMgmtStore", "UserStore"],
            }],
            file_stores: &[r"\\skypefe.contoso.com\LyncShare"],
        },
    },
    // UTF-16LE with BOM, CRLF, no XML declaration; mixed-case FQDNs and a
    // single-label (NetBIOS) Office Web Apps host `S4BLab92-WAC1`.
    Expected {
        file: "johanveldhuis-sfblab-utf16.xml",
        format: "published",
        product: "sfb2015",
        inventory: Inventory::Exact {
            pools: &[
                Pool {
                    fqdn: "s4blab92-fe1.contoso.com",
                    machines: &["s4blab92-fe1.contoso.com"],
                },
                Pool {
                    fqdn: "s4blab92-es1.contoso.com",
                    machines: &["s4blab92-es1.contoso.com"],
                },
                Pool {
                    fqdn: "s4blab92-wac1",
                    machines: &["s4blab92-wac1"],
                },
            ],
            sql_instances: &[SqlInstance {
                server: "s4blab92-fe1.contoso.com",
                instance: "rtc",
                stores: &["ApplicationStore", "CentralMgmtStore", "UserStore"],
            }],
            file_stores: &[r"\\s4blab92-fe1.contoso.com\LyncShare"],
        },
    },
    // Enterprise pool of one, SQL AlwaysOn (`AlwaysOnPrimaryNodeFqdn`) on the default
    // instance, file store on the domain (DFS) name.
    Expected {
        file: "rlevchenko-alwayson.xml",
        format: "published",
        product: "sfb2015",
        inventory: Inventory::Exact {
            pools: &[
                Pool {
                    fqdn: "poolfe.tenant.rlevchenko.com",
                    machines: &["skype-fe-01.tenant.rlevchenko.com"],
                },
                Pool {
                    fqdn: "srv-sql-01.tenant.rlevchenko.com",
                    machines: &["srv-sql-01.tenant.rlevchenko.com"],
                },
                Pool {
                    fqdn: "tenant.rlevchenko.com",
                    machines: &["tenant.rlevchenko.com"],
                },
                Pool {
                    fqdn: "srv-owa-01.tenant.rlevchenko.com",
                    machines: &["srv-owa-01.tenant.rlevchenko.com"],
                },
            ],
            sql_instances: &[SqlInstance {
                server: "srv-sql-01.tenant.rlevchenko.com",
                instance: "",
                stores: &["ApplicationStore", "CentralMgmtStore", "UserStore"],
            }],
            file_stores: &[r"\\tenant.rlevchenko.com\skype"],
        },
    },
];

#[test]
fn alvinchen1_embedded_placeholders_xml() {
    check("alvinchen1-embedded-placeholders.xml");
}

#[test]
fn automatedlab_contoso_tbxml() {
    check("automatedlab-contoso.tbxml");
}

#[test]
fn ibenbouzid_v3_3a075c1_xml() {
    check("ibenbouzid-v3-3a075c1.xml");
}

#[test]
fn ibenbouzid_v3_latest_xml() {
    check("ibenbouzid-v3-latest.xml");
}

#[test]
fn johanveldhuis_sfblab_utf16_xml() {
    check("johanveldhuis-sfblab-utf16.xml");
}

#[test]
fn rlevchenko_alwayson_xml() {
    check("rlevchenko-alwayson.xml");
}

/// Every file of the corpus folder has expectations here (or is known not to be a
/// topology), so that a new corpus file is noticed.
#[test]
fn every_corpus_file_has_expectations() {
    let Some(dir) = corpus_dir() else {
        return;
    };
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut uncovered = Vec::new();
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || NOT_TOPOLOGIES.contains(&name.as_str()) {
            continue;
        }
        if !CORPUS.iter().any(|expected| expected.file == name) {
            uncovered.push(name);
        }
    }
    uncovered.sort();
    assert!(
        uncovered.is_empty(),
        "corpus files without expectations in tests/corpus.rs: {}",
        uncovered.join(", ")
    );
}

/// The corpus folder, or `None` (after saying so) when it is absent.
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping corpus tests: ../shared/corpus/real not found (looked for {})",
            dir.display()
        );
        None
    }
}

/// Runs `topolint inspect --format json` on one corpus file and compares what it
/// understood with the expectations written above. In a failed assertion, `left` is
/// what topolint printed and `right` is the expectation.
fn check(file: &str) {
    let Some(dir) = corpus_dir() else {
        return;
    };
    let expected = CORPUS
        .iter()
        .find(|expected| expected.file == file)
        .unwrap_or_else(|| panic!("no expectations for {file} in CORPUS"));
    let path = dir.join(file);
    assert!(
        path.is_file(),
        "corpus file {} is missing: remove its expectations or restore it",
        path.display()
    );

    let json = inspect(&path);
    assert_eq!(json["schema_version"], 1, "{file}: schema_version");
    let topologies = array(&json, "topologies", file);
    assert_eq!(topologies.len(), 1, "{file}: one topology expected");
    let topology = &topologies[0];

    let reported_path = string(topology, "path", file);
    assert!(
        reported_path.ends_with(file),
        "{file}: path {reported_path:?} does not name the file"
    );
    assert_eq!(
        string(topology, "format", file),
        expected.format,
        "{file}: format"
    );
    assert_eq!(
        string(topology, "product", file),
        expected.product,
        "{file}: product"
    );

    let pools = pools(topology, file);
    let sql_instances = sql_instances(topology, file);
    let file_stores = file_stores(topology, file);

    match &expected.inventory {
        Inventory::Exact {
            pools: expected_pools,
            sql_instances: expected_sql,
            file_stores: expected_stores,
        } => {
            let mut want_pools: Vec<(String, Vec<String>)> = expected_pools
                .iter()
                .map(|pool| (pool.fqdn.to_owned(), sorted(pool.machines)))
                .collect();
            want_pools.sort();
            assert_eq!(pools, want_pools, "{file}: pools (fqdn, machines)");

            let mut want_sql: Vec<(String, String, Vec<String>)> = expected_sql
                .iter()
                .map(|sql| {
                    (
                        sql.server.to_owned(),
                        sql.instance.to_owned(),
                        sorted(sql.stores),
                    )
                })
                .collect();
            want_sql.sort();
            assert_eq!(
                sql_instances, want_sql,
                "{file}: sql_instances (server, instance, stores)"
            );

            assert_eq!(
                file_stores,
                sorted(expected_stores),
                "{file}: file_stores (unc)"
            );
        }
        Inventory::Counts {
            pools: pool_count,
            sql_instances: sql_count,
            file_stores: store_count,
        } => {
            assert_eq!(
                pools.len(),
                *pool_count,
                "{file}: number of pools: {pools:?}"
            );
            assert_eq!(
                sql_instances.len(),
                *sql_count,
                "{file}: number of SQL instances: {sql_instances:?}"
            );
            assert_eq!(
                file_stores.len(),
                *store_count,
                "{file}: number of file stores: {file_stores:?}"
            );
        }
    }
}

/// The JSON printed by `topolint inspect --format json PATH`. The exit code is not
/// checked; stdout must be one JSON document.
fn inspect(path: &Path) -> Value {
    let output = Command::cargo_bin("topolint")
        .expect("the topolint binary is built")
        .args(["inspect", "--format", "json"])
        .arg(path)
        .output()
        .expect("topolint runs");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "inspect --format json {} did not print JSON ({e}); exit status {}\n\
             --- stdout ---\n{}\n--- stderr ---\n{}",
            path.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        )
    })
}

/// `(fqdn, sorted machines)` of every pool, sorted.
fn pools(topology: &Value, file: &str) -> Vec<(String, Vec<String>)> {
    let mut pools: Vec<_> = array(topology, "pools", file)
        .iter()
        .map(|pool| {
            let fqdn = string(pool, "fqdn", file).to_owned();
            let mut machines = strings(pool, "machines", file);
            machines.sort();
            (fqdn, machines)
        })
        .collect();
    pools.sort();
    pools
}

/// `(server, instance, sorted stores)` of every SQL instance, sorted.
fn sql_instances(topology: &Value, file: &str) -> Vec<(String, String, Vec<String>)> {
    let mut instances: Vec<_> = array(topology, "sql_instances", file)
        .iter()
        .map(|sql| {
            let server = string(sql, "server", file).to_owned();
            let instance = string(sql, "instance", file).to_owned();
            let mut stores = strings(sql, "stores", file);
            stores.sort();
            (server, instance, stores)
        })
        .collect();
    instances.sort();
    instances
}

/// The `unc` of every file store, sorted.
fn file_stores(topology: &Value, file: &str) -> Vec<String> {
    let mut uncs: Vec<_> = array(topology, "file_stores", file)
        .iter()
        .map(|store| string(store, "unc", file).to_owned())
        .collect();
    uncs.sort();
    uncs
}

fn array<'a>(value: &'a Value, key: &str, file: &str) -> &'a Vec<Value> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: `{key}` is not an array in {value}"))
}

fn string<'a>(value: &'a Value, key: &str, file: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{file}: `{key}` is not a string in {value}"))
}

fn strings(value: &Value, key: &str, file: &str) -> Vec<String> {
    array(value, key, file)
        .iter()
        .map(|item| {
            item.as_str()
                .unwrap_or_else(|| panic!("{file}: `{key}` holds a non-string in {value}"))
                .to_owned()
        })
        .collect()
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|&item| item.to_owned()).collect();
    items.sort();
    items
}

// ---- findings on the real exports --------------------------------------------------------

/// `(code, entity)` of every finding of `check --format json` on one corpus file.
fn findings(file: &str) -> Option<Vec<(String, String)>> {
    let dir = corpus_dir()?;
    let output = Command::cargo_bin("topolint")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json", "--color", "never"])
        .arg(dir.join(file))
        .output()
        .expect("run topolint");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{file}: exit {:?}, stderr {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    Some(
        array(&report, "findings", file)
            .iter()
            .map(|f| {
                (
                    string(f, "code", file).to_string(),
                    string(f, "entity", file).to_string(),
                )
            })
            .collect(),
    )
}

#[test]
fn the_placeholder_template_is_reported_and_not_trusted() {
    let Some(found) = findings("alvinchen1-embedded-placeholders.xml") else {
        return;
    };
    assert!(
        found.iter().any(|(c, e)| c == "IN006" && e == "$SkypeFQDN"),
        "{found:?}"
    );
    // Names built from placeholders are not reported as NetBIOS names or duplicates.
    assert!(
        found.iter().all(|(c, _)| c != "TP104" && c != "TP101"),
        "{found:?}"
    );
}

#[test]
fn the_netbios_office_web_apps_host_is_a_single_label_name() {
    let Some(found) = findings("johanveldhuis-sfblab-utf16.xml") else {
        return;
    };
    assert_eq!(
        found
            .iter()
            .filter(|(c, _)| c == "TP104")
            .collect::<Vec<_>>(),
        [&("TP104".to_string(), "s4blab92-wac1".to_string())]
    );
}

#[test]
fn the_well_formed_exports_have_no_input_or_structure_errors() {
    for file in [
        "automatedlab-contoso.tbxml",
        "rlevchenko-alwayson.xml",
        "ibenbouzid-v3-latest.xml",
        "ibenbouzid-v3-3a075c1.xml",
    ] {
        let Some(found) = findings(file) else { return };
        let bad: Vec<_> = found
            .iter()
            .filter(|(c, _)| c.starts_with("IN") || c == "TP101" || c == "TP102")
            .collect();
        assert!(bad.is_empty(), "{file}: {bad:?}");
    }
}

/// `worksheet init` on every real export writes a worksheet of each kind, and all of them read
/// back cleanly: a fresh template lists only what the administrator must fill in (no IN005, no
/// BK214), and never anything about the worksheets' own format.
#[test]
fn worksheet_init_on_every_real_export_reads_back_as_a_to_do_list() {
    let Some(dir) = corpus_dir() else {
        return;
    };
    for expected in CORPUS {
        let work = tempfile::tempdir().expect("temporary directory");
        let copy = work.path().join(expected.file);
        std::fs::copy(dir.join(expected.file), &copy).expect("copy the export");
        let init = Command::cargo_bin("topolint")
            .expect("binary")
            .current_dir(work.path())
            .args(["worksheet", "init", expected.file, "--out", "."])
            .output()
            .expect("run");
        assert_eq!(init.status.code(), Some(0), "{}", expected.file);
        let out = Command::cargo_bin("topolint")
            .expect("binary")
            .current_dir(work.path())
            .args(["check", ".", "--as-of", "2026-11-21", "--format", "json"])
            .output()
            .expect("run");
        let json: Value = serde_json::from_slice(&out.stdout).expect("json");
        let written = std::fs::read_dir(work.path())
            .expect("list the folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "csv"))
            })
            .count();
        assert!(
            written >= 8,
            "{}: {written} worksheets written",
            expected.file
        );
        assert_eq!(json["summary"]["worksheets"], written, "{}", expected.file);
        let codes: Vec<&str> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        for code in ["IN005", "IN008", "BK214", "RS302", "BK204", "BK209"] {
            assert!(
                !codes.contains(&code),
                "{}: {code} in {codes:?}",
                expected.file
            );
        }
        assert!(codes.contains(&"BK211"), "{}: {codes:?}", expected.file);
    }
}
