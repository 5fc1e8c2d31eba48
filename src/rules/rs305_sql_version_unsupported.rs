use std::collections::BTreeSet;

use crate::analysis::sql_support;
use crate::lint::prelude::*;
use crate::model::Fqdn;
use crate::model::ids;
use crate::model::values::{SqlEdition, SqlRef};

declare_rule! {
    /// ## What it checks
    /// Reads the `SQL Server version` and `Edition` of every row of the sql-instances worksheet
    /// and checks them against the SQL Server support statement of the product (from
    /// `[options] product` in `topolint.toml`, else the topology's `ServiceVersion`):
    ///
    /// - Lync Server 2013: SQL Server 2008 R2 or 2012;
    /// - Skype for Business Server 2015: SQL Server 2012, 2014, 2016, 2017 or 2019;
    /// - Skype for Business Server 2019: SQL Server 2016, 2017 or 2019;
    ///
    /// in the Standard or Enterprise edition (Datacenter is the 2008 R2 edition above
    /// Enterprise). SQL Server Express is accepted only on a Standard Edition server, the one
    /// place the product installs it, and only in the release that product installs. A row is
    /// on a Standard Edition server when its `SQL server FQDN` names (as an FQDN, or by a
    /// single-label name equal to the first label) a Front End pool of the topology that is
    /// one machine bearing the pool's own name. The matrix itself lives in one place in
    /// topolint, shared with the other rules that need it.
    ///
    /// The finding is placed on the `SQL Server version` cell, or on the `Edition` cell when
    /// the release would be supported and only the edition is not (Express on a Standard
    /// Edition server is the right edition, so a wrong Express release is placed on the
    /// version). A row whose version is
    /// blank or unreadable is skipped (BK215 and IN005 report those); a blank edition is not
    /// judged. When the product is one topolint has no support statement for (Lync Server 2010,
    /// or a topology whose version cannot be told and no `[options] product`), the rule does
    /// nothing. Whether primary, mirror and witness run the same release is HA404's concern.
    ///
    /// The edition of an instance named as a mirroring `Witness` is not judged: a witness only
    /// votes on failover, and SQL Server lets it run any edition, Express included.
    ///
    /// ## Why it breaks a restore
    /// A restore installs SQL Server again on the replacement and restores or recreates the
    /// databases on it (`Install-CsDatabase`, then the backups). If the recorded release is one
    /// the product does not support, the replacement either cannot be built the way the
    /// failed server was, or is built on a release the databases were never deployed on, and
    /// a database backed up from a newer SQL Server cannot be restored onto an older one.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition
    /// sql01.contoso.com,rtc,SQL Server 2014,Enterprise
    /// ```
    /// Lync Server 2013 supports SQL Server 2008 R2 and SQL Server 2012 only.
    ///
    /// ## How to fix
    /// Check the release with `SELECT @@VERSION` and correct the row if it is wrong. If the
    /// server really runs an unsupported release or edition, move the databases to a supported
    /// SQL Server (back them up, install the supported release with the same instance name,
    /// restore them and run `Install-CsDatabase` to verify), or upgrade the deployment to a
    /// product that supports the release. Keep installation media of the supported release
    /// with the restore kit.
    ///
    /// ## Source
    /// Lync Server 2013 supports SQL Server 2008 R2 and 2012, Standard or Enterprise, and SQL Server
    /// 2012 Express on Standard Edition servers (*Database software support in Lync Server 2013*,
    /// Gg398990). Skype for Business Server 2015 supports SQL Server 2012 to 2019 and installs SQL
    /// Server 2014 Express on Standard Edition servers (*Server requirements for Skype for Business
    /// Server 2015*). Skype for Business Server 2019 supports SQL Server 2016, 2017 and 2019 (*Back
    /// End Server high availability in Skype for Business Server*). The last two pages are in the
    /// Skype for Business Server documentation and have no TechNet ID.
    pub static RULE = {
        code: "RS305",
        name: "sql-version-unsupported",
        severity: Error,
        scope: Deployment,
        summary: "a recorded SQL Server version the product does not support",
        help: "run the product's stores on a SQL Server release and edition it supports, and record what the server runs (`SELECT @@VERSION`)",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(support) = sql_support::support(cx.product()) else {
        return;
    };
    // Standard Edition servers, by FQDN and by first label (for single-label worksheet hosts).
    let mut standard: BTreeSet<&Fqdn> = BTreeSet::new();
    let mut standard_labels: BTreeSet<&str> = BTreeSet::new();
    if let Some(t) = cx.topology() {
        for (p, pool) in ids::enumerate(&t.pools) {
            if !t.is_standard_edition(p) {
                continue;
            }
            if let Some(fqdn) = &pool.fqdn {
                standard.insert(&fqdn.value);
                standard_labels.insert(fqdn.value.first_label());
            }
        }
    }
    // A mirroring witness only votes: SQL Server lets it run any edition, Express included.
    let witnesses: BTreeSet<SqlRef> = cx
        .sheets()
        .sql_instances
        .iter()
        .filter_map(|r| r.witness.value.clone())
        .collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for row in &cx.sheets().sql_instances {
        let Some(version) = row.version.value else {
            continue;
        };
        let entity = row.subject();
        out.checked(&entity);
        let is_witness = row.sql_ref().is_some_and(|r| witnesses.contains(&r));
        let edition = row.edition.value.filter(|_| !is_witness);
        let se = row.server.value.as_ref().is_some_and(|host| {
            standard.contains(host)
                || (host.is_single_label() && standard_labels.contains(host.as_str()))
        });
        let Some(reason) = sql_support::unsupported(support, version, edition, se) else {
            continue;
        };
        if !seen.insert(entity.clone()) {
            continue;
        }
        // Only the edition is wrong when the release alone would be supported; Express on a
        // Standard Edition server is the right edition, so there the release is wrong.
        let express_on_se = se && edition == Some(SqlEdition::Express);
        let edition_only = edition.is_some()
            && !express_on_se
            && sql_support::unsupported(support, version, None, se).is_none();
        let runs = match edition {
            Some(e) => format!("{} {}", version.label(), e.label()),
            None => version.label().to_string(),
        };
        let draft = if edition_only {
            Draft::new(&entity, format!("{entity} runs {runs}: {reason}")).at(
                row.at.file,
                row.edition.span(),
                "unsupported edition",
            )
        } else {
            Draft::new(&entity, format!("{entity} runs {runs}: {reason}")).at(
                row.at.file,
                row.version.span(),
                "unsupported release",
            )
        };
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{
        EXAMPLE, check, check_bytes, check_with, cluster, example_with, options, published,
        service, sql,
    };
    use super::RULE;
    use crate::lint::draft::Severity;
    use crate::model::Product;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_release_lync_2013_does_not_support() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql02.contoso.com,monitoring,SQL Server 2012 SP4",
                "sql02.contoso.com,monitoring,SQL Server 2014",
            )],
        );
        assert_eq!(checked.labelled(), ["SQL Server 2014"]);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\monitoring"]);
        assert_eq!(checked.lines(), [5]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message.contains("Lync Server 2013 supports SQL Server 2008 R2 or SQL Server 2012, not SQL Server 2014"),
            "{}",
            f.message
        );
    }

    #[test]
    fn an_unsupported_edition_is_reported_at_the_edition() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql02.contoso.com,monitoring,SQL Server 2012 SP4,Standard",
                "sql02.contoso.com,monitoring,SQL Server 2012 SP4,Web",
            )],
        );
        assert_eq!(checked.labelled(), ["Web"]);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\monitoring"]);
    }

    #[test]
    fn express_is_only_for_standard_edition_servers() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise",
                "sql01.contoso.com,rtc,SQL Server 2012 SP4,Express",
            )],
        );
        assert_eq!(checked.labelled(), ["Express"]);
        assert!(
            checked.findings[0]
                .message
                .contains("Standard Edition server")
        );
    }

    fn standard_edition(version: &str) -> Vec<(String, String)> {
        let topology = published(
            &[cluster(1, "se01.contoso.com", &["se01.contoso.com"])].join("\n"),
            &sql(1, "rtclocal"),
            &[
                service("UserServices", 1, 1, None, &[("UserStore", 1)], ""),
                service("UserStore", 1, 1, Some("rtclocal"), &[], ""),
            ]
            .join("\n"),
        );
        let sheet = format!(
            "SQL server FQDN,Instance name,SQL Server version,Edition\nSE01,rtclocal,{version},Express\n"
        );
        vec![
            ("topology.xml".to_string(), topology),
            ("sql-instances.csv".to_string(), sheet),
        ]
    }

    fn run(files: &[(String, String)]) -> super::super::test_util::Checked {
        let bytes: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        check_bytes(&RULE, &bytes)
    }

    #[test]
    fn express_of_the_right_release_on_a_standard_edition_server_passes() {
        assert!(run(&standard_edition("2012")).findings.is_empty());
        let checked = run(&standard_edition("2014"));
        assert_eq!(checked.labelled(), ["2014"]);
        assert_eq!(checked.entities(), ["se01\\rtclocal"]);
        assert!(checked.findings[0].message.contains("runs SQL Server 2012"));
    }

    #[test]
    fn express_of_another_release_is_reported_at_the_release() {
        let mut opts = options();
        opts.product = Some(Product::Sfb2015);
        let files = standard_edition("2012 SP1");
        let bytes: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        let checked = check_with(&RULE, &bytes, &opts);
        assert_eq!(checked.labelled(), ["2012 SP1"]);
        assert!(
            checked.findings[0]
                .message
                .contains("runs SQL Server 2014, not SQL Server 2012 Express"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn the_product_option_overrides_the_topology() {
        let mut opts = options();
        opts.product = Some(Product::Sfb2019);
        let files: Vec<(&str, &[u8])> = EXAMPLE.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let checked = check_with(&RULE, &files, &opts);
        // Four rows on SQL Server 2012, which Skype for Business Server 2019 does not support.
        assert_eq!(checked.findings.len(), 4);
        assert!(
            checked
                .labelled()
                .iter()
                .all(|l| *l == "SQL Server 2012 SP4")
        );
    }

    #[test]
    fn a_product_without_a_support_statement_is_not_checked() {
        let mut opts = options();
        opts.product = Some(Product::Lync2010);
        let edited = EXAMPLE
            .iter()
            .map(|(n, t)| {
                let text = if *n == "sql-instances.csv" {
                    t.replace("SQL Server 2012 SP4", "SQL Server 2005")
                } else {
                    (*t).to_string()
                };
                (*n, text)
            })
            .collect::<Vec<_>>();
        let files: Vec<(&str, &[u8])> = edited.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        assert!(check_with(&RULE, &files, &opts).findings.is_empty());
        // A topology alone has no worksheet: nothing to read.
        assert!(check(&RULE, EXAMPLE[0].1).findings.is_empty());
    }

    #[test]
    fn blank_and_unreadable_versions_are_skipped() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql02.contoso.com,monitoring,SQL Server 2012 SP4",
                    "sql02.contoso.com,monitoring,",
                ),
                (
                    "sql-instances.csv",
                    "sql04.contoso.com,witness,SQL Server 2012 SP4",
                    "sql04.contoso.com,witness,the latest",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_witness_may_run_express() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql04.contoso.com,witness,SQL Server 2012 SP4,Standard",
                "sql04.contoso.com,witness,SQL Server 2012 SP4,Express",
            )],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }
}
