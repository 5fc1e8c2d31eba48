use crate::analysis::restore;
use crate::input::table::Cell;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::HostRef;
use crate::model::values::Unc;
use crate::model::worksheet::{
    BackupRunRow, CertificateRow, Column, DatabaseRow, FileStoreRow, SettingsRow,
};

declare_rule! {
    /// ## What it checks
    /// Reports a backup location whose host is a pool or a machine of the topology: every
    /// `Backup destination` (database and file-store worksheets), `Backup location` (settings
    /// and certificates worksheets) and `Backup share` (backup-runs worksheet) that is a
    /// `\\host\share` path. The host is compared as an FQDN; a single-label host such as
    /// `\\FE01\backup` matches the machine whose FQDN starts with that label. SQL servers, file
    /// servers and Edge Servers are machines of the topology too.
    ///
    /// Local paths are BK203's concern; blank cells are BK215's.
    ///
    /// ## Why it breaks a restore
    /// The backups exist to rebuild the servers of the topology. A backup kept on one of them
    /// is lost with it: when the pool fails, so does the only copy of its user data, its
    /// configuration and its file store.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Database backup tool,Backup destination
    /// rtcxds,sql01.contoso.com,Daily,Export-CsUserData,\\fe01.contoso.com\backup
    /// ```
    /// `fe01.contoso.com` is a Front End Server of `pool01.contoso.com`.
    ///
    /// ## How to fix
    /// Create the backup share on a stand-alone server that belongs to no pool (a file server
    /// outside the topology, or a backup appliance), point `$Backup` at a new folder there for
    /// each run, and record that path in the worksheet.
    ///
    /// ## Source
    /// The backup location is a shared folder on a stand-alone computer that is not part of any
    /// pool (*Backup and restoration process overview*, Hh202192).
    pub static RULE = {
        code: "BK201",
        name: "backup-share-in-pool",
        severity: Error,
        scope: Deployment,
        summary: "a backup destination/location/share is on a machine or pool of the topology",
        help: "move the backup share to a stand-alone server that is in no pool, and record the new `\\\\host\\share` path",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let mut locations: Vec<(crate::input::source::FileId, &Cell, &Column)> = Vec::new();
    for r in &sheets.database {
        locations.push((r.at.file, &r.destination, &DatabaseRow::COLUMNS.destination));
    }
    for r in &sheets.file_store {
        locations.push((
            r.at.file,
            &r.destination,
            &FileStoreRow::COLUMNS.destination,
        ));
    }
    for r in &sheets.settings {
        locations.push((r.at.file, &r.location, &SettingsRow::COLUMNS.location));
    }
    for r in &sheets.certificates {
        locations.push((r.at.file, &r.location, &CertificateRow::COLUMNS.location));
    }
    for r in &sheets.backup_runs {
        locations.push((r.at.file, &r.share, &BackupRunRow::COLUMNS.share));
    }
    for (file, cell, column) in locations {
        let Some(unc) = Unc::parse(&cell.text) else {
            continue;
        };
        out.checked(unc.root());
        let Some((host, at)) = restore::unc_in_topology(t, &unc) else {
            continue;
        };
        let roles = match at {
            HostRef::Pool(p) | HostRef::Machine(p, _) => t.pool_roles(p),
        };
        let role = roles.first().map_or("", |r| r.label());
        let what = match at {
            HostRef::Machine(p, _) if t.pools[p].machines.len() > 1 => {
                format!("{role} server {host} of {}", t.pool_name(p))
            }
            HostRef::Pool(p) if t.pools[p].machines.len() > 1 => format!("{role} pool {host}"),
            _ => format!("{role} server {host}"),
        };
        let mut draft = Draft::new(
            unc.root(),
            format!(
                "{} `{}` is on the {}: it would be lost with the servers it protects",
                column.header,
                shown(&cell.text),
                what.trim_start()
            ),
        )
        .at(file, cell.span, "backup share on a server of the topology");
        if let Some(span) = restore::host_span(t, at) {
            draft = draft.also(t.file, span, format!("{host} is declared here"));
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_destination_on_a_front_end_names_both_places() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "UserData-pool01,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20",
                "UserData-pool01,2027-05-31,\\\\FE01.contoso.com\\backup",
            )],
        );
        assert_eq!(checked.labelled(), ["\\\\FE01.contoso.com\\backup"]);
        assert_eq!(checked.entities(), ["\\\\fe01.contoso.com\\backup"]);
        let f = &checked.findings[0];
        assert!(
            f.message
                .contains("is on the Front End server fe01.contoso.com of pool01.contoso.com"),
            "{}",
            f.message
        );
        let related = &f.secondary[0];
        assert_eq!(checked.ws.files.get(related.file).display, "topology.xml");
    }

    #[test]
    fn a_single_label_host_matches_the_machine() {
        let checked = example_with(
            &RULE,
            &[(
                "backup-runs.csv",
                "\\\\backup01.contoso.com\\lync\\2026-11-19",
                "\\\\sql02\\backup",
            )],
        );
        assert_eq!(checked.entities(), ["\\\\sql02\\backup"]);
    }

    #[test]
    fn a_share_on_a_host_outside_the_topology_is_quiet() {
        let checked = example_with(
            &RULE,
            &[(
                "settings.csv",
                "\\\\backup01.contoso.com",
                "\\\\nas07.fabrikam.com",
            )],
        );
        assert!(checked.findings.is_empty());
    }
}
