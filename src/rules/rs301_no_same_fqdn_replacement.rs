use crate::analysis::restore::{self, RowsByHost};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::values::Replacement;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// Every server a restore would rebuild needs a row in the servers worksheet whose
    /// `Replacement server` says how a clean machine with the same FQDN will be found. The
    /// servers a restore would rebuild are:
    ///
    /// - each machine that runs a Lync Server or Skype for Business Server role, or holds one of
    ///   its file stores (Office Web Apps servers and PSTN gateways are left out);
    /// - each SQL server of the topology (a cluster with a `SqlInstance`), whether or not a
    ///   store is installed on it: a mirror or a witness holds none;
    /// - each host named in a `Mirror` or `Witness` cell of the sql-instances worksheet, even
    ///   when the topology does not declare it.
    ///
    /// The cell says:
    ///
    /// - `ready`: a clean or new server is standing by;
    /// - `planned`: one is arranged (hardware ordered, a virtual machine template to deploy);
    /// - `none`: nothing is arranged, which is reported;
    /// - blank: not recorded, which is reported too (this rule owns the blank cell, not BK215).
    ///
    /// A row belongs to a server when its `Server FQDN` is the server's FQDN, compared without
    /// regard to case or a trailing dot; a single-label name such as `FE01` matches the machine
    /// whose FQDN starts with that label (and for a host named only in a `Mirror` or `Witness`
    /// cell, the two names match either way round). A server with no row at all is reported
    /// where it is declared: at its FQDN in the topology, or at the `Mirror` or `Witness` cell
    /// naming it. When a server has several rows, each must say `ready` or `planned`. A cell
    /// that could not be read is IN005's and is skipped here.
    ///
    /// ## Why it breaks a restore
    /// Every restore procedure starts from a clean or new computer that carries the same FQDN as
    /// the one that failed: the topology, the certificates, the DNS records and the backed-up
    /// configuration all name that FQDN, and the procedures do not restore onto a server's
    /// existing state. Without a machine to take the name, the restore cannot begin, and finding
    /// one during the outage is the slowest step of all.
    ///
    /// ## Example
    /// ```text
    /// Server FQDN,Role,Replacement server,Computer account retained
    /// fe01.contoso.com,Front End,none,yes
    /// ```
    ///
    /// ## How to fix
    /// Arrange a spare server or a virtual machine template that can be built, with a clean
    /// operating system, under the failed server's FQDN, and record `ready` (or `planned` while
    /// the hardware is on order). Keep the FQDN unchanged: the pool's definition published with
    /// `Publish-CsTopology` and the exported configuration refer to it.
    ///
    /// ## Source
    /// A clean or new server with the same FQDN as the failed server must be available
    /// (*Preparing to restore Lync Server 2013*, Hh202179, "Gathering Hardware, Software, and
    /// Tools"; step 1 of each restore procedure, for example *Restoring a Standard Edition
    /// server*, Hh202190, and *Restoring an Enterprise Edition Back End Server*, Hh202163). A
    /// failed mirror is rebuilt the same way, on a clean server with the mirror's FQDN, before
    /// the mirror is re-created (*Restoring a mirrored Enterprise Edition Back End Server -
    /// mirror*, JJ945626, step 4); losing a partner and the witness together makes the Back End
    /// unavailable (*Back End Server high availability in Lync Server 2013*, JJ205248).
    pub static RULE = {
        code: "RS301",
        name: "no-same-fqdn-replacement",
        severity: Error,
        scope: Deployment,
        summary: "a server of the topology with no replacement that can take the same FQDN (`none` or not recorded)",
        help: "arrange a clean server that can be built with the same FQDN before a restore is needed, and record `ready`, or `planned` when one is arranged but not standing by",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let by_host = RowsByHost::new(&sheets.servers, |r| r.server.value.as_ref());
    let header = sheets.header(Kind::Servers);
    for server in restore::rebuilt(t, cx.servers(), sheets) {
        let fqdn = server.fqdn();
        out.checked(fqdn.to_string());
        // As findings quote it: a name written only in a worksheet may be of any length.
        let name = shown(fqdn.as_str());
        let (file, span, what) = server.declared(t);
        let rows = server.rows(&by_host);
        if rows.is_empty() {
            let roles = shown(&server.roles()).into_owned();
            let mut draft = match header {
                Some((sheet, at)) => Draft::new(
                    fqdn.to_string(),
                    format!("{name} ({roles}) has no row in the servers worksheet: no replacement with its FQDN is recorded"),
                )
                .at(file, span, "server to rebuild")
                .also(sheet, at, format!("no row for {name} here")),
                None => Draft::new(
                    fqdn.to_string(),
                    format!("{name} ({roles}) has no replacement recorded: there is no servers worksheet"),
                )
                .at(file, span, "server to rebuild"),
            };
            draft = draft.help(format!(
                "add a row for {name} to the servers worksheet with `Replacement server` set to `ready` (a clean server with this FQDN is standing by) or `planned` (one is arranged)"
            ));
            out.emit(draft);
            continue;
        }
        // The first row that does not say `ready` or `planned`.
        let problem = rows.iter().find_map(|row| {
            let cell = &row.replacement;
            match cell.value {
                Some(Replacement::None) => Some((*row, false)),
                None if cell.is_blank() && cell.span().is_empty() => Some((*row, true)),
                _ => None,
            }
        });
        let Some((row, blank)) = problem else {
            continue;
        };
        let draft = if blank {
            Draft::new(
                fqdn.to_string(),
                format!("the replacement server for {name} is not recorded"),
            )
            .at(row.at.file, row.replacement.span(), "not recorded")
        } else {
            Draft::new(
                fqdn.to_string(),
                format!(
                    "{name} has no replacement server: nothing can take its FQDN for a restore"
                ),
            )
            .at(row.at.file, row.replacement.span(), "no replacement")
        };
        out.emit(draft.also(file, span, what));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_bytes, example_with};
    use super::RULE;
    use crate::lint::draft::Severity;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn none_is_reported_at_the_cell_with_the_machine_beside_it() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fe02.contoso.com,Front End,ready",
                "fe02.contoso.com,Front End,none",
            )],
        );
        assert_eq!(checked.labelled(), ["none"]);
        assert_eq!(checked.entities(), ["fe02.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("no replacement server"), "{}", f.message);
        let related = &f.secondary[0];
        assert_eq!(checked.ws.files.get(related.file).display, "topology.xml");
        assert!(
            related.message.contains("pool01.contoso.com"),
            "{}",
            related.message
        );
    }

    #[test]
    fn a_blank_cell_is_not_recorded() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "sql02.contoso.com,SQL Monitoring and Archiving,planned",
                "sql02.contoso.com,SQL Monitoring and Archiving,",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.entities(), ["sql02.contoso.com"]);
        assert!(checked.findings[0].message.contains("not recorded"));
        assert_eq!(checked.lines(), [6]);
    }

    #[test]
    fn a_server_without_a_row_is_reported_in_the_topology() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fs01.contoso.com,File server,ready,yes,\n",
                "",
            )],
        );
        assert_eq!(checked.labelled(), ["fs01.contoso.com"]);
        assert_eq!(checked.entities(), ["fs01.contoso.com"]);
        let f = &checked.findings[0];
        assert!(f.message.contains("file store"), "{}", f.message);
        let related = &f.secondary[0];
        assert_eq!(checked.ws.files.get(related.file).display, "servers.csv");
        assert_eq!(related.message, "no row for fs01.contoso.com here");
    }

    #[test]
    fn without_a_servers_worksheet_every_server_is_reported() {
        let files: Vec<(&str, &[u8])> = EXAMPLE
            .iter()
            .filter(|(name, _)| *name != "servers.csv")
            .map(|(name, text)| (*name, text.as_bytes()))
            .collect();
        let checked = check_bytes(&RULE, &files);
        // 3 Front End, 4 SQL (sql03 and sql04, the mirror and the witness, hold no store in the
        // topology), 1 file server and 2 Edge servers; not the Office Web Apps server.
        assert_eq!(checked.findings.len(), 10);
        let sql03 = checked
            .findings
            .iter()
            .find(|f| f.entity == "sql03.contoso.com")
            .expect("the mirror is a server to rebuild");
        assert!(
            sql03
                .message
                .starts_with("sql03.contoso.com (SQL Server) has no"),
            "{}",
            sql03.message
        );
        assert!(checked.findings.iter().all(|f| f.secondary.is_empty()));
        assert!(
            checked.findings[0]
                .message
                .contains("there is no servers worksheet")
        );
        assert!(!checked.entities().contains(&"wac01.contoso.com"));
    }

    #[test]
    fn a_single_label_name_and_other_case_match() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "servers.csv",
                    "fe01.contoso.com,Front End",
                    "FE01,Front End",
                ),
                (
                    "servers.csv",
                    "fe03.contoso.com,Front End",
                    "FE03.Contoso.com.,Front End",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn planned_passes_and_an_unreadable_value_is_left_to_in005() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "servers.csv",
                    "fe01.contoso.com,Front End,ready",
                    "fe01.contoso.com,Front End,planned",
                ),
                (
                    "servers.csv",
                    "fe02.contoso.com,Front End,ready",
                    "fe02.contoso.com,Front End,soon",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn office_web_apps_servers_need_no_row() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fs01.contoso.com,File server,ready,yes,\n",
                "fs01.contoso.com,File server,ready,yes,\nwac01.contoso.com,Office Web Apps,none,yes,\n",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn the_mirror_and_the_witness_are_servers_to_rebuild() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "servers.csv",
                    "sql03.contoso.com,SQL Back End (mirror),ready,yes,\n",
                    "",
                ),
                (
                    "servers.csv",
                    "sql04.contoso.com,SQL mirroring witness,planned",
                    "sql04.contoso.com,SQL mirroring witness,",
                ),
            ],
        );
        // Findings are sorted by file: servers.csv, then topology.xml.
        assert_eq!(
            checked.entities(),
            ["sql04.contoso.com", "sql03.contoso.com"]
        );
        assert_eq!(checked.labelled(), ["", "sql03.contoso.com"]);
        let mirror = &checked.findings[1];
        assert_eq!(
            mirror.message,
            "sql03.contoso.com (SQL Server) has no row in the servers worksheet: no replacement with its FQDN is recorded"
        );
        let witness = &checked.findings[0];
        assert!(
            witness.message.contains("not recorded"),
            "{}",
            witness.message
        );
        assert_eq!(
            witness.secondary[0].message,
            "SQL Server machine of sql04.contoso.com"
        );
    }

    #[test]
    fn a_mirror_only_the_worksheet_names_is_reported_at_its_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql03.contoso.com\\rtc,5022",
                "sql05.contoso.com\\rtc,5022",
            )],
        );
        assert_eq!(checked.entities(), ["sql05.contoso.com"]);
        assert_eq!(checked.labelled(), ["sql05.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "sql05.contoso.com (mirror of sql01.contoso.com\\rtc) has no row in the servers worksheet: no replacement with its FQDN is recorded"
        );
        assert_eq!(
            checked
                .ws
                .files
                .get(f.primary.as_ref().expect("at").file)
                .display,
            "sql-instances.csv"
        );
    }

    #[test]
    fn a_named_witness_with_replacement_none_shows_its_cell() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql04.contoso.com\\witness,7022",
                    "SQL05\\witness,7022",
                ),
                (
                    "servers.csv",
                    "fs01.contoso.com,File server,ready,yes,\n",
                    "fs01.contoso.com,File server,ready,yes,\nsql05.contoso.com,SQL witness,none,yes,\n",
                ),
            ],
        );
        // A single-label host in the cell finds the row written with the FQDN, and the other
        // way round.
        assert_eq!(checked.entities(), ["sql05"]);
        assert_eq!(checked.labelled(), ["none"]);
        let related = &checked.findings[0].secondary[0];
        assert_eq!(
            related.message,
            "witness of sql01.contoso.com\\rtc, not declared in the topology"
        );
        assert_eq!(
            checked.ws.files.get(related.file).slice(related.span),
            "SQL05\\witness"
        );
    }

    #[test]
    fn a_partner_the_topology_declares_is_checked_once_as_a_topology_server() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql04.contoso.com\\witness,7022",
                "SQL04\\witness,7022",
            )],
        );
        assert!(checked.findings.is_empty());
        assert_eq!(
            checked
                .checked
                .iter()
                .filter(|c| c.starts_with("sql04"))
                .count(),
            1,
            "{:?}",
            checked.checked
        );
    }

    #[test]
    fn a_witness_on_a_server_the_restore_would_not_rebuild_is_rebuilt_all_the_same() {
        // wac01 is the Office Web Apps server: not rebuilt from the Lync backups, unless it is
        // also the witness.
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql04.contoso.com\\witness,7022",
                    "WAC01\\witness,7022",
                ),
                (
                    "servers.csv",
                    "fs01.contoso.com,File server,ready,yes,\n",
                    "fs01.contoso.com,File server,ready,yes,\nwac01.contoso.com,Office Web Apps,,yes,\n",
                ),
            ],
        );
        assert_eq!(checked.entities(), ["wac01.contoso.com"]);
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(
            checked.findings[0].secondary[0].message,
            "witness of sql01.contoso.com\\rtc, named here"
        );
    }
}
