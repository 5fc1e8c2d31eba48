use crate::analysis::restore::{self, RowsByHost};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::SqlId;
use crate::model::Topology;
use crate::model::values::Db;
use crate::model::worksheet::{DatabaseRow, Kind};

declare_rule! {
    /// ## What it checks
    /// Reports a Persistent Chat store (a `PersistentChatStore` service installed on a SQL
    /// instance) whose database has no usable row in the `database` worksheet:
    ///
    /// - no row covers it: none names `mgc` (also written `mgd`, `mgs` or `Persistent Chat`)
    ///   with the instance's SQL server (a single-label name matches the FQDN whose first label
    ///   it is) and a blank or matching `SQL instance`. The finding points at the SQL instance in
    ///   the topology, with the database worksheet's header shown as the place for the row;
    /// - a covering row's `Database backup tool` names neither SQL Server backup nor
    ///   `Export-CsPersistentChatData`. SQL Server backup is recognised by the word `sql`
    ///   anywhere in the cell (`SQL Server backup`, `SQL Server Management Studio`, a
    ///   third-party "SQL agent") or `SSMS`, case-insensitively. The finding points at the tool
    ///   cell; other such rows for the same store are shown beside it.
    ///
    /// A blank tool cell is BK215's; the compliance database `mgccomp` needs no backup (BK216).
    ///
    /// ## Why it breaks a restore
    /// The Persistent Chat database holds the chat rooms, their history, and who may read and
    /// post in them. It comes back only through the method that backed it up: a SQL Server
    /// backup is restored with SQL Server, an `Export-CsPersistentChatData` file with
    /// `Import-CsPersistentChatData`, and neither can read the other. A worksheet that does not
    /// say which was used, or names a tool that is neither, leaves the person restoring unable to
    /// bring the rooms back.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination
    /// mgc,sqlpc.contoso.com,pchat,Daily,Robocopy,\\backup01.contoso.com\lync\2026-11-20
    /// ```
    /// Copying the database files is neither of the two supported methods.
    ///
    /// ## How to fix
    /// Back the database up with SQL Server backup, or with
    /// `Export-CsPersistentChatData -DBInstance sqlpc.contoso.com\pchat -FileName \\backup01\lync\<date>\PersistentChat.zip`,
    /// and write that method in the row's `Database backup tool`, so that the restore uses the
    /// matching one.
    ///
    /// ## Source
    /// Where Persistent Chat is deployed, back up its database with SQL Server backup or
    /// `Export-CsPersistentChatData`, and restore with the matching method (*Backing up Persistent
    /// Chat databases*, JJ945646; *Restoring Persistent Chat data*, JJ945649).
    pub static RULE = {
        code: "BK208",
        name: "persistent-chat-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a Persistent Chat store without an mgc row naming SQL backup or Export-CsPersistentChatData",
        help: "back up mgc with SQL Server backup or `Export-CsPersistentChatData`, and name the method in the row's `Database backup tool`",
        check: check,
    }
}

/// Whether a tool cell names one of the two supported methods.
fn supported_tool(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("sql") || lower.contains("ssms") || lower.contains("export-cspersistentchatdata")
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let rows = RowsByHost::new(
        sheets
            .database
            .iter()
            .filter(|row| row.databases().contains(&Db::Mgc)),
        |row| row.server.value.as_ref(),
    );
    for sql in restore::instances_with(t, "PersistentChatStore") {
        let Some(server) = t.sql_server(sql) else {
            continue;
        };
        let instance = t.sql_display(sql);
        let entity = format!("mgc@{}", instance.to_lowercase());
        out.checked(&entity);
        let covering: Vec<&DatabaseRow> = rows
            .rows_for(&server.value)
            .into_iter()
            .filter(|row| restore::database_row_covers(t, row, Db::Mgc, Some(sql), None))
            .collect();
        if covering.is_empty() {
            let draft = missing_row(
                Draft::new(
                    entity,
                    format!(
                        "the Persistent Chat store on {instance} has no mgc backup row (chat rooms, their content and permissions)"
                    ),
                )
                .at(
                    t.file,
                    t.sql_instances[sql].tag,
                    format!("Persistent Chat store on {instance}"),
                )
                .help(format!(
                    "back up mgc with SQL Server backup or `{}`, and add an mgc row naming {}, the instance and the method to the database worksheet",
                    export(t, sql),
                    server.value
                )),
                sheets,
                Kind::Database,
                format!("no mgc row for {instance} here"),
            );
            out.emit(draft);
            continue;
        }
        let unsupported: Vec<&DatabaseRow> = covering
            .into_iter()
            .filter(|row| !row.tool.is_blank() && !supported_tool(&row.tool.text))
            .collect();
        let [first, rest @ ..] = unsupported.as_slice() else {
            continue;
        };
        let mut draft = Draft::new(
            entity,
            format!(
                "the Persistent Chat database mgc on {instance} is backed up with `{}`, which is neither SQL Server backup nor Export-CsPersistentChatData",
                shown(&first.tool.text)
            ),
        )
        .at(
            first.at.file,
            first.tool.span,
            "no restore method matches this tool",
        )
        .help(format!(
            "back up mgc with SQL Server backup or `{}` and write that method here: the restore must use the matching one (SQL Server restore or `Import-CsPersistentChatData`)",
            export(t, sql)
        ));
        for row in rest {
            draft = draft.also(row.at.file, row.tool.span, "another unsupported tool");
        }
        draft = draft.also(
            t.file,
            t.sql_instances[sql].tag,
            format!("Persistent Chat store on {instance}"),
        );
        out.emit(draft);
    }
}

/// The export command for one instance.
fn export(t: &Topology, sql: SqlId) -> String {
    format!(
        "Export-CsPersistentChatData -DBInstance {} -FileName <backup share>\\PersistentChat.zip",
        t.sql_display(sql)
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::{RULE, supported_tool};

    /// A Persistent Chat store on a new instance `pchat` of sql02.contoso.com.
    const SQL_INSTANCE: (&str, &str, &str) = (
        "topology.xml",
        "  </SqlInstances>",
        "    <SqlInstance>\n      <SqlInstanceId Name=\"pchat\">\n        <ClusterId SiteId=\"1\" Number=\"3\" />\n      </SqlInstanceId>\n    </SqlInstance>\n  </SqlInstances>",
    );
    const SERVICE: (&str, &str, &str) = (
        "topology.xml",
        "  </Services>",
        "    <Service RoleVersion=\"1\" ServiceVersion=\"6\">\n      <ServiceId SiteId=\"1\" RoleName=\"PersistentChatStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"pchat\">\n          <ClusterId SiteId=\"1\" Number=\"3\" />\n        </SqlInstanceId>\n      </InstalledOn>\n    </Service>\n  </Services>",
    );
    const LCSLOG: &str =
        "lcslog,sql02.contoso.com,monitoring,Daily 23:00,SQL Server Management Studio,";

    fn with_row(row: &str) -> super::super::test_util::Checked {
        example_with(
            &RULE,
            &[SQL_INSTANCE, SERVICE, ("database.csv", LCSLOG, row)],
        )
    }

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_store_without_a_row_is_reported_at_the_instance() {
        let checked = example_with(&RULE, &[SQL_INSTANCE, SERVICE]);
        assert_eq!(checked.labelled(), ["<SqlInstanceId Name=\"pchat\">"]);
        assert_eq!(checked.entities(), ["mgc@sql02.contoso.com\\pchat"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Error);
        assert!(
            f.message.starts_with(
                "the Persistent Chat store on sql02.contoso.com\\pchat has no mgc backup row"
            ),
            "{}",
            f.message
        );
        assert_eq!(
            f.secondary[0].message,
            "no mgc row for sql02.contoso.com\\pchat here"
        );
        assert!(
            f.help.contains("-DBInstance sql02.contoso.com\\pchat"),
            "{}",
            f.help
        );
    }

    #[test]
    fn an_unsupported_tool_is_reported_at_the_tool_cell() {
        let checked = with_row("mgc,sql02.contoso.com,pchat,Daily 23:00,Robocopy,");
        assert_eq!(checked.labelled(), ["Robocopy"]);
        assert_eq!(checked.entities(), ["mgc@sql02.contoso.com\\pchat"]);
        let f = &checked.findings[0];
        assert!(
            f.message
                .contains("backed up with `Robocopy`, which is neither"),
            "{}",
            f.message
        );
        assert!(f.help.contains("Import-CsPersistentChatData"), "{}", f.help);
        assert_eq!(
            checked.ws.files.get(f.secondary[0].file).display,
            "topology.xml"
        );
    }

    #[test]
    fn both_methods_and_a_blank_tool_are_quiet() {
        for row in [
            "mgc,sql02.contoso.com,pchat,Daily 23:00,SQL Server backup,",
            "Persistent Chat (mgc),SQL02,,Daily 23:00,export-cspersistentchatdata -Level Full,",
            "mgc,sql02.contoso.com,pchat,Daily 23:00,SSMS,",
            "mgc,sql02.contoso.com,pchat,Daily 23:00,,",
        ] {
            let checked = with_row(row);
            assert!(
                checked.findings.is_empty(),
                "{row}: {:?}",
                checked.entities()
            );
        }
    }

    #[test]
    fn a_row_for_another_instance_does_not_count() {
        let checked = with_row("mgc,sql02.contoso.com,monitoring,Daily 23:00,Robocopy,");
        assert_eq!(checked.labelled(), ["<SqlInstanceId Name=\"pchat\">"]);
    }

    #[test]
    fn tools_are_recognised() {
        assert!(supported_tool("SQL Server Management Studio"));
        assert!(supported_tool("Veeam SQL agent"));
        assert!(supported_tool("Export-CsPersistentChatData"));
        assert!(!supported_tool("Windows Server Backup"));
        assert!(!supported_tool("Export-CsUserData"));
    }
}
