use crate::analysis::restore::{self, RowsByHost};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::values::Retained;

declare_rule! {
    /// ## What it checks
    /// For every server a restore would rebuild (the servers RS301 covers: each machine that
    /// runs a role or holds a file store, each SQL server of the topology whether or not a store
    /// is installed on it, and each host named in a `Mirror` or `Witness` cell) that has a row
    /// in the servers worksheet, the `Computer account retained` cell must say the server's
    /// computer account in Active Directory Domain Services is kept for the rebuild:
    ///
    /// - `yes` passes;
    /// - `no` is reported;
    /// - blank is reported as not recorded (this rule owns the blank cell, not BK215);
    /// - `n/a` passes on an Edge Server, which as a rule is in a workgroup in the perimeter
    ///   network and has no account to keep, and is reported on any other server.
    ///
    /// Rows match servers as in RS301 (the FQDN without regard to case or a trailing dot, or a
    /// single-label name equal to the FQDN's first label). A server without a row is RS301's
    /// finding, not this rule's. When a server has several rows, the first one that does not
    /// pass is reported. A cell that could not be read is IN005's and is skipped here.
    ///
    /// ## Why it breaks a restore
    /// The rebuilt server must join the domain under its old computer account. That account is
    /// a member of the groups that grant the server its rights (RTC component groups, the
    /// file-store share permissions, SQL Server logins); deleting it, or letting the
    /// reinstallation replace it, breaks those memberships, and the restored server cannot read
    /// its configuration or reach its stores.
    ///
    /// ## Example
    /// ```text
    /// Server FQDN,Role,Replacement server,Computer account retained
    /// sql01.contoso.com,SQL Back End,ready,no
    /// fe01.contoso.com,Front End,ready,n/a
    /// ```
    /// `fe01.contoso.com` is a domain member: `n/a` is only for servers outside the domain.
    ///
    /// ## How to fix
    /// Keep the computer account in Active Directory (do not delete it in *Active Directory
    /// Users and Computers* when the server fails), reset it rather than re-create it when the
    /// new machine joins the domain, check that its group memberships are unchanged, and
    /// record `yes`.
    ///
    /// ## Source
    /// When installing the operating system of the replacement, do not delete the computer
    /// account in AD DS, and check that its group permissions are kept (*Preparing to restore
    /// Lync Server 2013*, Hh202179). A mirror and a witness are domain members too: the primary,
    /// the mirror and the witness must belong to the same domain (*Deploying SQL mirroring for
    /// Back End Server high availability*, JJ204992), which also grants the mirroring backup
    /// share to the partners' computer accounts (`DOMAIN\SQLSERVER$`) when SQL Server runs as
    /// Network Service.
    pub static RULE = {
        code: "RS306",
        name: "computer-account-not-retained",
        severity: Error,
        scope: Deployment,
        summary: "a server whose AD computer account is not kept for the rebuild",
        help: "keep the server's computer account in AD DS for the rebuild (do not delete it, keep its group memberships) and record `yes`",
        check: check,
    }
}

/// What is wrong with a `Computer account retained` cell.
enum Problem {
    No,
    Blank,
    NotApplicable,
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let by_host = RowsByHost::new(&sheets.servers, |r| r.server.value.as_ref());
    if by_host.is_empty() {
        return;
    }
    for server in restore::rebuilt(t, cx.servers(), sheets) {
        let fqdn = server.fqdn();
        out.checked(fqdn.to_string());
        // As findings quote it: a name written only in a worksheet may be of any length.
        let name = shown(fqdn.as_str());
        let edge = server.is_edge();
        let problem = server.rows(&by_host).into_iter().find_map(|row| {
            let cell = &row.account;
            let problem = match cell.value {
                Some(Retained::No) => Problem::No,
                Some(Retained::NotApplicable) if !edge => Problem::NotApplicable,
                None if cell.is_blank() && cell.span().is_empty() => Problem::Blank,
                _ => return None,
            };
            Some((row, problem))
        });
        let Some((row, problem)) = problem else {
            continue;
        };
        let (message, label) = match problem {
            Problem::No => (
                format!(
                    "the computer account of {name} is not retained: the rebuilt server loses its group memberships"
                ),
                "account not retained",
            ),
            Problem::Blank => (
                format!("whether the computer account of {name} is retained is not recorded"),
                "not recorded",
            ),
            Problem::NotApplicable => (
                format!(
                    "{name} ({}) is not an Edge Server: `n/a` is only for servers outside the domain, such as Edge Servers",
                    shown(&server.roles())
                ),
                "`n/a` on a domain member",
            ),
        };
        let (file, span, what) = server.declared(t);
        let mut draft = Draft::new(fqdn.to_string(), message)
            .at(row.at.file, row.account.span(), label)
            .also(file, span, what);
        if matches!(problem, Problem::NotApplicable) {
            draft = draft.help("record `yes` once the computer account is kept in AD DS for the rebuild; `n/a` is for workgroup servers such as Edge Servers");
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn no_is_reported_at_the_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "sql01.contoso.com,SQL Back End (principal),ready,yes",
                "sql01.contoso.com,SQL Back End (principal),ready,no",
            )],
        );
        assert_eq!(checked.labelled(), ["no"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com"]);
        assert_eq!(checked.lines(), [5]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("not retained"), "{}", f.message);
        assert_eq!(
            checked.ws.files.get(f.secondary[0].file).display,
            "topology.xml"
        );
    }

    #[test]
    fn a_blank_cell_is_not_recorded() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fe02.contoso.com,Front End,ready,yes",
                "fe02.contoso.com,Front End,ready,",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.entities(), ["fe02.contoso.com"]);
        assert!(checked.findings[0].message.contains("not recorded"));
    }

    #[test]
    fn not_applicable_is_only_for_edge_servers() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fe03.contoso.com,Front End,ready,yes",
                "fe03.contoso.com,Front End,ready,N/A",
            )],
        );
        assert_eq!(checked.labelled(), ["N/A"]);
        assert_eq!(checked.entities(), ["fe03.contoso.com"]);
        let message = &checked.findings[0].message;
        assert!(
            message.contains("only for servers outside the domain"),
            "{message}"
        );
        assert!(message.contains("Front End"), "{message}");
    }

    #[test]
    fn an_edge_server_may_say_yes_or_not_applicable() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "edge01.contoso.com,Edge,ready,n/a",
                "edge01.contoso.com,Edge,ready,yes",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_server_without_a_row_is_left_to_rs301() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fs01.contoso.com,File server,ready,yes,\n",
                "",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn an_unreadable_value_is_left_to_in005() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fe01.contoso.com,Front End,ready,yes",
                "fe01.contoso.com,Front End,ready,kept",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn rows_outside_the_restore_are_ignored() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fs01.contoso.com,File server,ready,yes,\n",
                "fs01.contoso.com,File server,ready,yes,\nwac01.contoso.com,Office Web Apps,ready,no,\n",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn the_mirror_and_the_witness_keep_their_accounts() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "servers.csv",
                    "sql03.contoso.com,SQL Back End (mirror),ready,yes",
                    "sql03.contoso.com,SQL Back End (mirror),ready,",
                ),
                (
                    "servers.csv",
                    "sql04.contoso.com,SQL mirroring witness,planned,yes",
                    "sql04.contoso.com,SQL mirroring witness,planned,n/a",
                ),
            ],
        );
        assert_eq!(
            checked.entities(),
            ["sql03.contoso.com", "sql04.contoso.com"]
        );
        assert_eq!(checked.labelled(), ["", "n/a"]);
        assert!(checked.findings[0].message.contains("not recorded"));
        assert_eq!(
            checked.findings[1].message,
            "sql04.contoso.com (SQL Server) is not an Edge Server: `n/a` is only for servers outside the domain, such as Edge Servers"
        );
    }

    #[test]
    fn a_mirror_only_the_worksheet_names_is_checked_too() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql03.contoso.com\\rtc,5022",
                    "sql05.contoso.com\\rtc,5022",
                ),
                (
                    "servers.csv",
                    "fs01.contoso.com,File server,ready,yes,\n",
                    "fs01.contoso.com,File server,ready,yes,\nSQL05,SQL mirror,ready,no,\n",
                ),
            ],
        );
        assert_eq!(checked.entities(), ["sql05.contoso.com"]);
        assert_eq!(checked.labelled(), ["no"]);
        let related = &checked.findings[0].secondary[0];
        assert_eq!(
            related.message,
            "mirror of sql01.contoso.com\\rtc, not declared in the topology"
        );
    }
}
