use std::collections::BTreeSet;

use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// For every mirrored SQL instance (a row of the `sql-instances` worksheet whose `Mirror`
    /// names an instance; the row's own instance is the principal), finds the rows of its
    /// mirror and of its witness in the same worksheet and compares:
    ///
    /// - the `SQL Server version` of the principal with the mirror's and with the witness's;
    /// - the `Edition` of the principal with the mirror's (the witness may run another
    ///   edition).
    ///
    /// Versions compare by release (`SQL Server 2012 SP4` and `2012` are the same release).
    /// One finding per principal lists every difference; it points at the principal's version
    /// cell (its edition cell when only editions differ), shows each differing cell of the
    /// other rows as a related location, and is about the principal, `fqdn\instance`.
    ///
    /// Instances are matched by server FQDN and instance name (`(default)` and `MSSQLSERVER`
    /// are the default instance). A mirror or witness with no row of its own, and a blank or
    /// unreadable version or edition, is not compared (RS302, BK215 and IN005 report those).
    /// Mirroring and witness are read only from the worksheet: no public topology export
    /// shows how Topology Builder writes them.
    ///
    /// ## Why it breaks a restore
    /// Mirroring needs the same SQL Server release on the principal, the mirror and the
    /// witness, and the same edition on both partners. A mismatched mirror may refuse the
    /// mirroring session or the failover, and a database that fails over to a newer release
    /// cannot fail back. The pair looks protected in the topology while the mirror cannot
    /// take over when the principal's Back End Server is lost.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\rtc,5022,sql04.contoso.com\witness,7022
    /// sql03.contoso.com,rtc,2014,Standard,,5022,,
    /// sql04.contoso.com,witness,2012,Standard,,,,
    /// ```
    /// The mirror runs another release and another edition; the witness's Standard edition is
    /// allowed.
    ///
    /// ## How to fix
    /// Install the same SQL Server release (and, on the partners, the same edition) on the
    /// principal, the mirror and the witness, for example by upgrading the one that lags, then
    /// correct the worksheet. If the worksheet is wrong rather than the servers, record what
    /// `SELECT @@VERSION` and `SERVERPROPERTY('Edition')` report on each instance.
    ///
    /// ## Source
    /// The principal, the mirror and the witness run the same SQL Server version; the principal and
    /// the mirror run the same edition, the witness may differ (*Deploying SQL mirroring for Back End
    /// Server high availability in Lync Server 2013*, JJ204992).
    pub static RULE = {
        code: "HA404",
        name: "mirror-version-mismatch",
        severity: Error,
        scope: Deployment,
        summary: "primary, mirror and witness SQL versions differ, or primary and mirror editions differ",
        help: "run the same SQL Server release on the principal, the mirror and the witness, and the same edition on the principal and the mirror, then record what each instance reports",
        check: check,
    }
}

/// One differing cell of a partner's row.
struct Difference {
    version: bool,
    file: FileId,
    span: Span,
    label: String,
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    let by_ref = sheets.first_row_per_instance();
    let mut seen = BTreeSet::new();
    for (row, principal, mirror) in sheets.mirrored() {
        out.checked(principal.to_string());
        let mut diffs = Vec::new();
        let mut parts = Vec::new();
        let partners = [
            Some((mirror, "mirror")),
            row.witness.value.as_ref().map(|w| (w, "witness")),
        ];
        for (other, role) in partners.into_iter().flatten() {
            let Some(other_row) = by_ref.get(other) else {
                continue;
            };
            if std::ptr::eq(*other_row, row) {
                continue;
            }
            let mut fact = String::new();
            if let (Some(mine), Some(theirs)) = (row.version.value, other_row.version.value)
                && mine != theirs
            {
                fact = format!("runs {}", theirs.label());
                diffs.push(Difference {
                    version: true,
                    file: other_row.at.file,
                    span: other_row.version.span(),
                    label: format!("{role}: {}, not {}", theirs.label(), mine.label()),
                });
            }
            // The witness may run another edition.
            if role == "mirror"
                && let (Some(mine), Some(theirs)) = (row.edition.value, other_row.edition.value)
                && mine != theirs
            {
                fact = if fact.is_empty() {
                    format!("is {} edition", theirs.label())
                } else {
                    format!("{fact} {} edition", theirs.label())
                };
                diffs.push(Difference {
                    version: false,
                    file: other_row.at.file,
                    span: other_row.edition.span(),
                    label: format!("{role}: {}, not {}", theirs.label(), mine.label()),
                });
            }
            if !fact.is_empty() {
                parts.push(format!("its {role} {} {fact}", shown(&other.to_string())));
            }
        }
        if diffs.is_empty() {
            continue;
        }
        let entity = principal.to_string();
        if !seen.insert(entity.clone()) {
            continue;
        }
        let any_version = diffs.iter().any(|d| d.version);
        let (mine, span) = if any_version {
            (
                row.version.value.map_or("", |v| v.label()),
                row.version.span(),
            )
        } else {
            (
                row.edition.value.map_or("", |e| e.label()),
                row.edition.span(),
            )
        };
        let principal_is = if any_version {
            let mut s = mine.to_string();
            if diffs.iter().any(|d| !d.version)
                && let Some(e) = row.edition.value
            {
                s = format!("{s} {} edition", e.label());
            }
            format!("runs {s}")
        } else {
            format!("is {mine} edition")
        };
        let mut draft = Draft::new(
            entity.clone(),
            format!(
                "{} {principal_is}, but {}",
                shown(&entity),
                and_list(&parts)
            ),
        )
        .at(row.at.file, span, format!("principal: {mine}"));
        for d in diffs {
            draft = draft.also(d.file, d.span, d.label);
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const MIRROR: &str = "sql03.contoso.com,rtc,SQL Server 2012 SP4,Enterprise";
    const WITNESS: &str = "sql04.contoso.com,witness,SQL Server 2012 SP4,Standard";

    #[test]
    fn the_example_is_quiet() {
        // The witness's Standard edition differs from the principal's Enterprise: allowed.
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_mirror_on_another_release_is_reported_at_the_principal_version() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                MIRROR,
                "sql03.contoso.com,rtc,SQL Server 2014,Enterprise",
            )],
        );
        assert_eq!(checked.labelled(), ["SQL Server 2012 SP4"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert_eq!(checked.lines(), [2]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc runs SQL Server 2012, but its mirror sql03.contoso.com\\rtc runs SQL Server 2014"
        );
        assert_eq!(f.secondary.len(), 1);
        let file = checked.ws.files.get(f.secondary[0].file);
        assert_eq!(file.slice(f.secondary[0].span), "SQL Server 2014");
        assert_eq!(file.line_col(f.secondary[0].span.start).0, 3);
    }

    #[test]
    fn every_difference_is_listed_in_one_finding() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    MIRROR,
                    "sql03.contoso.com,rtc,2014,Standard",
                ),
                (
                    "sql-instances.csv",
                    WITNESS,
                    "sql04.contoso.com,witness,2016,Express",
                ),
            ],
        );
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc runs SQL Server 2012 Enterprise edition, but its mirror sql03.contoso.com\\rtc runs SQL Server 2014 Standard edition and its witness sql04.contoso.com\\witness runs SQL Server 2016"
        );
        let file = checked.ws.files.get(f.secondary[0].file);
        let related: Vec<_> = f.secondary.iter().map(|l| file.slice(l.span)).collect();
        assert_eq!(related, ["2014", "Standard", "2016"]);
    }

    #[test]
    fn an_edition_difference_alone_points_at_the_principal_edition() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                MIRROR,
                "sql03.contoso.com,rtc,SQL Server 2012,Standard Edition",
            )],
        );
        assert_eq!(checked.labelled(), ["Enterprise"]);
        assert!(
            checked.findings[0]
                .message
                .starts_with("sql01.contoso.com\\rtc is Enterprise edition, but its mirror"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn a_blank_version_or_a_partner_without_a_row_is_not_compared() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    MIRROR,
                    "sql03.contoso.com,rtc,,Enterprise",
                ),
                (
                    "sql-instances.csv",
                    WITNESS,
                    "sql05.contoso.com,witness,2016,Standard",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn the_default_instance_matches_its_row() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql03.contoso.com\\rtc,5022",
                    "SQL03.contoso.com,5022",
                ),
                (
                    "sql-instances.csv",
                    MIRROR,
                    "sql03.contoso.com,MSSQLSERVER,2008 R2,Enterprise",
                ),
            ],
        );
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert!(
            checked.findings[0]
                .message
                .ends_with("its mirror sql03.contoso.com runs SQL Server 2008 R2")
        );
    }
}
