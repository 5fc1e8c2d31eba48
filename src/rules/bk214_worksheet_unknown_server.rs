use std::collections::BTreeMap;

use crate::analysis::restore;
use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::table::Cell;
use crate::lint::prelude::*;
use crate::model::Fqdn;
use crate::model::values::Unc;
use crate::model::worksheet::{
    CertificateRow, Column, DatabaseRow, FileStoreRow, ServerRow, SettingsRow, SqlInstanceRow,
    Typed,
};

declare_rule! {
    /// ## What it checks
    /// Reports a server FQDN written in the worksheets that names no pool and no machine of
    /// the topology. The cells read are those that name a server of the deployment:
    /// - `Server name (FQDN)` of the `database`, `file-store` and `settings` worksheets;
    /// - `Server FQDN` of the `servers` and `certificates` worksheets;
    /// - `SQL server FQDN`, and the server part of `Mirror` and `Witness`, of `sql-instances`;
    /// - the host of `File share to be backed up` in `file-store`.
    ///
    /// Names compare case-insensitively, ignoring a trailing dot; a single-label name (`SQL01`)
    /// is known when it is the first label of a name of the topology.
    ///
    /// Each unknown FQDN is reported once, at its first cell, with related snippets at up to
    /// three further cells that write it. When one name of the topology is closer to it than
    /// any other and at most two edits away (one in eight characters for long names), the
    /// message suggests it; several equally close names suggest none.
    ///
    /// Decisions: backup destinations, backup locations and backup shares are not read, since
    /// they must be outside the topology (BK201 checks that). Blank cells, unreadable cells and
    /// names holding a template placeholder are left to BK215, IN005 and IN006.
    ///
    /// ## Why it breaks a restore
    /// A restore is carried out from the worksheets: the server is rebuilt with the FQDN they
    /// record, SQL Server is installed where they say, the share is copied back to the path
    /// they give. A name that is not in the topology was mistyped, or belongs to a server that
    /// has been renamed, replaced or removed since the worksheet was written. Either way the
    /// row does not describe the deployment being restored, which needs every FQDN to be
    /// exactly what it was.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror
    /// sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql30.contoso.com\rtc
    /// ```
    /// The topology has a `sql03.contoso.com` and no `sql30.contoso.com`: the finding, at
    /// `sql30.contoso.com`, asks "did you mean `sql03.contoso.com`?".
    ///
    /// ## How to fix
    /// Correct the cell to the FQDN Topology Builder shows (or `Get-CsPool`,
    /// `Get-CsService`). If the server was renamed or replaced, bring the worksheet and its
    /// backups up to date with the topology as published now.
    ///
    /// ## Source
    /// Computer FQDNs and file store paths must be the same at restore time as at backup time
    /// (*Backup and restoration process overview*, Hh202192).
    pub static RULE = {
        code: "BK214",
        name: "worksheet-unknown-server",
        severity: Warning,
        scope: Deployment,
        summary: "a worksheet FQDN that is not in the topology (renamed or mistyped)",
        help: "write the FQDN as the topology has it (Topology Builder, Get-CsPool), or bring the worksheet up to date if the server was renamed or replaced",
        check: check,
    }
}

/// Further cells shown for one unknown name.
const MAX_RELATED: usize = 3;

/// Name comparisons spent on suggestions at most, so that a worksheet of thousands of unknown
/// names against a topology of thousands of hosts stays fast; later names get no suggestion.
const SUGGESTION_BUDGET: usize = 200_000;

/// One cell naming a server.
struct Mention {
    file: FileId,
    span: Span,
    column: &'static Column,
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let mut named: Vec<(Fqdn, Mention)> = Vec::new();
    let mut fqdn_cell = |column: &'static Column, file: FileId, typed: &'_ Typed<Fqdn>| {
        if let Some(fqdn) = &typed.value {
            named.push((
                fqdn.clone(),
                Mention {
                    file,
                    span: typed.span(),
                    column,
                },
            ));
        }
    };
    for r in &sheets.database {
        fqdn_cell(&DatabaseRow::COLUMNS.server, r.at.file, &r.server);
    }
    for r in &sheets.file_store {
        fqdn_cell(&FileStoreRow::COLUMNS.server, r.at.file, &r.server);
    }
    for r in &sheets.settings {
        fqdn_cell(&SettingsRow::COLUMNS.server, r.at.file, &r.server);
    }
    for r in &sheets.servers {
        fqdn_cell(&ServerRow::COLUMNS.server, r.at.file, &r.server);
    }
    for r in &sheets.sql_instances {
        fqdn_cell(&SqlInstanceRow::COLUMNS.server, r.at.file, &r.server);
    }
    for r in &sheets.certificates {
        fqdn_cell(&CertificateRow::COLUMNS.server, r.at.file, &r.server);
    }
    for r in &sheets.sql_instances {
        let c = &SqlInstanceRow::COLUMNS;
        for (column, typed) in [(&c.mirror, &r.mirror), (&c.witness, &r.witness)] {
            if let Some(sql) = &typed.value {
                named.push((
                    sql.server.clone(),
                    Mention {
                        file: r.at.file,
                        span: host_part(&typed.cell, 0),
                        column,
                    },
                ));
            }
        }
    }
    for r in &sheets.file_store {
        if let Some(unc) = Unc::parse(&r.share.text) {
            named.push((
                unc.host.clone(),
                Mention {
                    file: r.at.file,
                    span: host_part(&r.share, 2),
                    column: &FileStoreRow::COLUMNS.share,
                },
            ));
        }
    }
    // Unknown names, each with its cells in file order.
    let mut unknown: BTreeMap<Fqdn, Vec<Mention>> = BTreeMap::new();
    let mut known: BTreeMap<Fqdn, bool> = BTreeMap::new();
    for (fqdn, mention) in named {
        if fqdn.as_str().is_empty() || fqdn.is_placeholder() {
            continue;
        }
        out.checked(fqdn.as_str());
        let is_known = *known
            .entry(fqdn.clone())
            .or_insert_with(|| !restore::find_host(t, &fqdn).is_empty());
        if !is_known {
            unknown.entry(fqdn).or_default().push(mention);
        }
    }
    let hosts: Vec<&Fqdn> = t.hosts.keys().filter(|h| !h.is_placeholder()).collect();
    let mut budget = SUGGESTION_BUDGET;
    for (fqdn, mut mentions) in unknown {
        mentions.sort_by_key(|m| (m.file, m.span.start));
        let Some(first) = mentions.first() else {
            continue;
        };
        let suggestion = if budget >= hosts.len() {
            budget -= hosts.len();
            suggest(&fqdn, &hosts)
        } else {
            None
        };
        let mut message = format!(
            "`{fqdn}` ({} in the {} worksheet) is no pool or machine of the topology",
            first.column.header, first.column.sheet
        );
        if mentions.len() > 1 {
            message.push_str(&format!(", and is written in {} cells", mentions.len()));
        }
        if let Some(s) = suggestion {
            message.push_str(&format!(": did you mean `{s}`?"));
        }
        let label = suggestion.map_or_else(
            || "not in the topology".to_string(),
            |s| format!("not in the topology; did you mean `{s}`?"),
        );
        let mut draft = Draft::new(fqdn.as_str(), message).at(first.file, first.span, label);
        for m in mentions.iter().skip(1).take(MAX_RELATED) {
            draft = draft.also(
                m.file,
                m.span,
                format!("`{fqdn}` again ({})", m.column.header),
            );
        }
        if let Some(s) = suggestion {
            draft = draft.help(format!(
                "if the server is `{s}`, correct the cell; if it was renamed or replaced, bring the worksheet and its backups up to date with the topology"
            ));
        }
        out.emit(draft);
    }
}

/// The span of the host at byte `skip` of a cell, up to the next `\\` (the host of a UNC path,
/// the server of `fqdn\instance`), or the whole cell when its text is not the file's text
/// verbatim (quoted with escapes, or trimmed).
fn host_part(cell: &Cell, skip: usize) -> Span {
    let len = cell
        .text
        .get(skip..)
        .and_then(|rest| rest.split('\\').next())
        .map_or(0, str::len);
    if len == 0 || cell.span.len() != cell.text.len() {
        return cell.span;
    }
    let start = cell.span.start as usize + skip;
    Span::new(start, start + len)
}

/// The topology name closest to an unknown one, when it is close enough to be a typo (two
/// edits, or one in eight characters for long names) and no other name is as close.
fn suggest<'t>(unknown: &Fqdn, hosts: &[&'t Fqdn]) -> Option<&'t Fqdn> {
    let name = unknown.as_str();
    let limit = 2.max(name.len() / 8);
    let mut best: Option<(usize, &'t Fqdn)> = None;
    let mut tied = false;
    for &host in hosts {
        if host.as_str().len().abs_diff(name.len()) > limit {
            continue;
        }
        let d = strsim::damerau_levenshtein(name, host.as_str());
        if d > limit {
            continue;
        }
        match best {
            Some((b, _)) if d > b => {}
            Some((b, _)) if d == b => tied = true,
            _ => {
                best = Some((d, host));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, h)| h)
}

/// Whether a name is known to the topology (for tests).
#[cfg(test)]
fn is_known(t: &crate::model::Topology, fqdn: &str) -> bool {
    !restore::find_host(t, &Fqdn::new(fqdn)).is_empty()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, example_with, topology};
    use super::{RULE, is_known};

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn single_label_names_are_known_by_their_first_label() {
        let t = topology(EXAMPLE[0].1);
        assert!(is_known(&t, "SQL01"));
        assert!(is_known(&t, "Pool01.Contoso.com."));
        assert!(!is_known(&t, "sql01.fabrikam.com"));
    }

    #[test]
    fn a_mistyped_mirror_is_underlined_with_a_suggestion() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "Enterprise,sql03.contoso.com\\rtc",
                "Enterprise,sql30.contoso.com\\rtc",
            )],
        );
        assert_eq!(checked.labelled(), ["sql30.contoso.com"]);
        assert_eq!(checked.entities(), ["sql30.contoso.com"]);
        let m = &checked.findings[0].message;
        assert!(m.contains("(Mirror in the sql-instances worksheet)"), "{m}");
        assert!(m.ends_with("did you mean `sql03.contoso.com`?"), "{m}");
    }

    #[test]
    fn a_renamed_server_is_reported_once_with_its_other_cells() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "database.csv",
                    "lcslog,sql02.contoso.com",
                    "lcslog,sqlmon.contoso.com",
                ),
                (
                    "database.csv",
                    "lcscdr,sql02.contoso.com",
                    "lcscdr,sqlmon.contoso.com",
                ),
                (
                    "database.csv",
                    "qoemetrics,sql02.contoso.com",
                    "qoemetrics,sqlmon.contoso.com",
                ),
                ("servers.csv", "sql02.contoso.com", "sqlmon.contoso.com"),
                (
                    "sql-instances.csv",
                    "sql02.contoso.com",
                    "SQLMON.contoso.com",
                ),
            ],
        );
        assert_eq!(checked.entities(), ["sqlmon.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(
            checked
                .ws
                .files
                .get(f.primary.as_ref().expect("primary").file)
                .display,
            "database.csv"
        );
        assert_eq!(f.secondary.len(), 3);
        assert!(f.message.contains("written in 5 cells"), "{}", f.message);
        assert!(!f.message.contains("did you mean"), "{}", f.message);
    }

    #[test]
    fn the_host_of_the_file_share_is_read_but_not_backup_destinations() {
        let checked = example_with(
            &RULE,
            &[(
                "file-store.csv",
                "Robocopy,\\\\fs01.contoso.com\\LyncShare",
                "Robocopy,\\\\fs1.contoso.com\\LyncShare",
            )],
        );
        assert_eq!(checked.labelled(), ["fs1.contoso.com"]);
        assert!(
            checked.findings[0]
                .message
                .contains("did you mean `fs01.contoso.com`?")
        );
        // backup01 is outside the topology, as it must be.
        assert!(
            example_with(&RULE, &[("settings.csv", "backup01", "backup99")])
                .findings
                .is_empty()
        );
    }

    #[test]
    fn a_certificate_for_an_unknown_server_is_reported() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "fe03.contoso.com,",
                "fe04.fabrikam.com,",
            )],
        );
        assert_eq!(checked.entities(), ["fe04.fabrikam.com"]);
    }

    #[test]
    fn equally_close_names_suggest_none() {
        let checked = example_with(
            &RULE,
            &[("servers.csv", "sql04.contoso.com", "sql05.contoso.com")],
        );
        assert_eq!(checked.entities(), ["sql05.contoso.com"]);
        assert!(!checked.findings[0].message.contains("did you mean"));
    }
}
