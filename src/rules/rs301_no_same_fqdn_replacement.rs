use super::prelude::*;
use crate::model::restore::{self, RowsByHost};
use crate::model::values::Replacement;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// Every server a restore would rebuild (each machine that runs a Lync Server or Skype for
    /// Business Server role, or holds one of its SQL or file stores; Office Web Apps servers and
    /// PSTN gateways are left out) needs a row in the servers worksheet whose `Replacement
    /// server` says how a clean machine with the same FQDN will be found:
    ///
    /// - `ready`: a clean or new server is standing by;
    /// - `planned`: one is arranged (hardware ordered, a virtual machine template to deploy);
    /// - `none`: nothing is arranged, which is reported;
    /// - blank: not recorded, which is reported too (this rule owns the blank cell, not BK215).
    ///
    /// A row belongs to a server when its `Server FQDN` is the server's FQDN, compared without
    /// regard to case or a trailing dot; a single-label name such as `FE01` matches the machine
    /// whose FQDN starts with that label. A server with no row at all is reported at its FQDN in
    /// the topology. When a server has several rows, each must say `ready` or `planned`. A cell
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
    /// A clean or new server with the same FQDN as the failed server must be available (*Preparing to
    /// restore Lync Server 2013*, Hh202179, "Gathering Hardware, Software, and Tools"; step 1 of each
    /// restore procedure, for example *Restoring a Standard Edition server*, Hh202190, and *Restoring
    /// an Enterprise Edition Back End Server*, Hh202163).
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
    for server in restore::servers(t) {
        let fqdn = &server.fqdn.value;
        out.checked(fqdn.to_string());
        let rows = by_host.rows_for(fqdn);
        if rows.is_empty() {
            let roles = server.role_labels();
            let mut draft = match header {
                Some((file, span)) => Draft::new(
                    fqdn.to_string(),
                    format!("{fqdn} ({roles}) has no row in the servers worksheet: no replacement with its FQDN is recorded"),
                )
                .at(t.file, server.fqdn.span, "server to rebuild")
                .also(file, span, format!("no row for {fqdn} here")),
                None => Draft::new(
                    fqdn.to_string(),
                    format!("{fqdn} ({roles}) has no replacement recorded: there is no servers worksheet"),
                )
                .at(t.file, server.fqdn.span, "server to rebuild"),
            };
            draft = draft.help(format!(
                "add a row for {fqdn} to the servers worksheet with `Replacement server` set to `ready` (a clean server with this FQDN is standing by) or `planned` (one is arranged)"
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
                format!("the replacement server for {fqdn} is not recorded"),
            )
            .at(row.at.file, row.replacement.span(), "not recorded")
        } else {
            Draft::new(
                fqdn.to_string(),
                format!(
                    "{fqdn} has no replacement server: nothing can take its FQDN for a restore"
                ),
            )
            .at(row.at.file, row.replacement.span(), "no replacement")
        };
        out.emit(draft.also(
            t.file,
            server.fqdn.span,
            format!(
                "{} machine of {}",
                server.role_labels(),
                t.pool_name(server.pool)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_bytes, example_with};
    use super::RULE;
    use crate::finding::Severity;

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
        // 3 Front End, 2 SQL (sql03 and sql04 hold no store in the topology), 1 file server and
        // 2 Edge servers; not the Office Web Apps server.
        assert_eq!(checked.findings.len(), 8);
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
}
