use crate::analysis::restore::{self, RowsByHost};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::SqlId;
use crate::model::values::Db;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// Reports a Front End pool or Standard Edition server (every pool running `UserServices`)
    /// whose user data has no row in the `database` worksheet. A row covers the pool when its
    /// `Database` cell names `rtcxds` (or `Rtc database`) and its `Server name (FQDN)` is either
    /// the pool's FQDN (`Export-CsUserData` runs per pool) or the SQL server holding the pool's
    /// user store, as the topology says; when the row also gives a `SQL instance`, it must be the
    /// store's instance. A single-label server name matches the FQDN whose first label it is.
    ///
    /// The finding points at the pool's FQDN in the topology and at the header of the database
    /// worksheet, where the row belongs. Near misses are shown beside it: an rtcxds row for the
    /// right SQL server but another instance, or one naming a Front End Server of the pool
    /// instead of the pool. The schedule, tool and destination of a covering row are checked by
    /// other rules (BK211, BK215, BK203).
    ///
    /// ## Why it breaks a restore
    /// The user store holds what users cannot rebuild themselves: contact lists, permissions,
    /// scheduled meetings and conference IDs. After a Back End or Standard Edition server is
    /// lost, the databases are recreated empty and this data comes back only from an
    /// `Export-CsUserData` file through `Import-CsUserData`. A pool with no recorded backup
    /// restores with every user's contacts and meetings gone.
    ///
    /// ## Example
    /// ```xml
    /// <Cluster Fqdn="pool02.contoso.com"> ... <!-- runs UserServices -->
    /// ```
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination
    /// rtcxds,sql01.contoso.com,rtc,Daily,Export-CsUserData,\\backup01.contoso.com\lync\2026-11-20
    /// ```
    /// The only rtcxds row is for `pool01`; `pool02`'s user store on `sql05.contoso.com` has none.
    ///
    /// ## How to fix
    /// Back up each pool's user data on the regular schedule with
    /// `Export-CsUserData -PoolFqdn pool02.contoso.com -FileName \\backup01\lync\<date>\UserData-pool02.zip`,
    /// and add an rtcxds row to the database worksheet naming the pool (or its Back End SQL
    /// server and instance), the schedule, the tool and the destination.
    ///
    /// ## Source
    /// Back up the user data of every Front End pool back end and every Standard Edition server with
    /// `Export-CsUserData` (*Backing up core data and settings*, Hh202170, step 8; *Backup and
    /// restoration requirements: data*, Hh202194).
    pub static RULE = {
        code: "BK204",
        name: "user-data-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a user store (Front End pool or Standard Edition server) has no rtcxds row",
        help: "back up the pool's user data with `Export-CsUserData -PoolFqdn <pool>` and add an rtcxds row for the pool to the database worksheet",
        check: check,
    }
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
            .filter(|row| row.databases().contains(&Db::Rtcxds)),
        |row| row.server.value.as_ref(),
    );
    for store in restore::user_stores(t) {
        let Some(pool_fqdn) = t.pools[store.pool].fqdn.as_ref() else {
            continue;
        };
        let pool = &pool_fqdn.value;
        out.checked(format!("rtcxds@{pool}"));
        let sql_rows = store
            .sql
            .and_then(|s| t.sql_server(s))
            .map(|f| rows.rows_for(&f.value))
            .unwrap_or_default();
        let covered = rows
            .rows_for(pool)
            .into_iter()
            .chain(sql_rows.iter().copied())
            .any(|row| {
                restore::database_row_covers(t, row, Db::Rtcxds, store.sql, Some(store.pool))
            });
        if covered {
            continue;
        }
        let what = if t.is_standard_edition(store.pool) {
            format!("Standard Edition server {pool}")
        } else {
            pool.to_string()
        };
        let on = store
            .sql
            .map_or_else(String::new, |s| format!(" on {}", t.sql_display(s)));
        let label = if t.is_standard_edition(store.pool) {
            "Standard Edition server without a user data backup"
        } else {
            "Front End pool without a user data backup"
        };
        let mut draft = missing_row(
            Draft::new(
                format!("rtcxds@{pool}"),
                format!("user data of {what} (rtcxds{on}) has no backup row"),
            )
            .at(t.file, pool_fqdn.span, label)
            .help(help(t, store.sql, &pool.to_string())),
            sheets,
            Kind::Database,
            format!("no rtcxds row for {pool} here"),
        );
        // Near misses: the right SQL server but another instance; a machine of the pool.
        for row in sql_rows {
            if !row.instance.is_blank() {
                draft = draft.also(
                    row.at.file,
                    row.instance.span(),
                    format!(
                        "this rtcxds row names instance `{}`",
                        shown(&row.instance.cell.text)
                    ),
                );
            }
        }
        for machine in &t.pools[store.pool].machines {
            let Some(fqdn) = &machine.fqdn else {
                continue;
            };
            if fqdn.value == *pool {
                continue;
            }
            for row in rows.rows_for(&fqdn.value) {
                draft = draft.also(
                    row.at.file,
                    row.server.span(),
                    format!(
                        "this rtcxds row names {}, a server of the pool: name the pool",
                        fqdn.value
                    ),
                );
            }
        }
        out.emit(draft);
    }
}

/// The advice for one pool: the export command and the row to add.
fn help(t: &crate::model::Topology, sql: Option<SqlId>, pool: &str) -> String {
    let server = sql
        .and_then(|s| t.sql_server(s))
        .filter(|f| f.value.as_str() != pool)
        .map_or_else(String::new, |f| format!(" (or its SQL server {})", f.value));
    format!(
        "back up the user data with `Export-CsUserData -PoolFqdn {pool} -FileName <backup share>\\UserData.zip` and add an rtcxds row naming {pool}{server} to the database worksheet"
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    const RTCXDS: &str = "rtcxds,sql01.contoso.com,rtc,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_pool_without_an_rtcxds_row_is_reported_at_its_fqdn() {
        let checked = example_with(
            &RULE,
            &[("database.csv", RTCXDS, "rtcdyn,sql01.contoso.com,rtc,")],
        );
        assert_eq!(checked.labelled(), ["pool01.contoso.com"]);
        assert_eq!(checked.entities(), ["rtcxds@pool01.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Error);
        assert_eq!(
            f.message,
            "user data of pool01.contoso.com (rtcxds on sql01.contoso.com\\rtc) has no backup row"
        );
        assert_eq!(f.secondary.len(), 1);
        assert_eq!(
            f.secondary[0].message,
            "no rtcxds row for pool01.contoso.com here"
        );
        assert_eq!(
            checked.ws.files.get(f.secondary[0].file).display,
            "database.csv"
        );
        assert!(
            f.help
                .contains("Export-CsUserData -PoolFqdn pool01.contoso.com"),
            "{}",
            f.help
        );
    }

    #[test]
    fn another_instance_is_shown_as_a_near_miss() {
        let checked = example_with(
            &RULE,
            &[("database.csv", RTCXDS, "rtcxds,sql01.contoso.com,rtc2,")],
        );
        assert_eq!(checked.entities(), ["rtcxds@pool01.contoso.com"]);
        let labels: Vec<&str> = checked.findings[0]
            .secondary
            .iter()
            .map(|l| l.message.as_str())
            .collect();
        assert_eq!(
            labels,
            [
                "no rtcxds row for pool01.contoso.com here",
                "this rtcxds row names instance `rtc2`"
            ]
        );
    }

    #[test]
    fn a_front_end_server_is_shown_as_a_near_miss() {
        let checked = example_with(
            &RULE,
            &[("database.csv", RTCXDS, "rtcxds,FE02.contoso.com,,")],
        );
        let labels: Vec<&str> = checked.findings[0]
            .secondary
            .iter()
            .map(|l| l.message.as_str())
            .collect();
        assert_eq!(
            labels[1],
            "this rtcxds row names fe02.contoso.com, a server of the pool: name the pool"
        );
    }

    #[test]
    fn no_database_worksheet_is_said() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup set name,Backup set expiration,Backup destination,Last backup,Notes",
                "Something else entirely",
            )],
        );
        let f = &checked.findings[0];
        assert!(
            f.message
                .ends_with(": the deployment has no database worksheet"),
            "{}",
            f.message
        );
        assert!(f.secondary.is_empty());
    }

    #[test]
    fn the_pool_fqdn_or_a_short_name_covers_the_pool() {
        for server in [
            "rtcxds,POOL01.contoso.com,,",
            "rtcxds,sql01,rtc,",
            "Rtc database,sql01.contoso.com,,",
        ] {
            let checked = example_with(&RULE, &[("database.csv", RTCXDS, server)]);
            assert!(
                checked.findings.is_empty(),
                "{server}: {:?}",
                checked.entities()
            );
        }
    }
}
