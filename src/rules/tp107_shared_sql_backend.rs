use std::collections::{BTreeMap, BTreeSet};

use crate::lint::prelude::*;
use crate::model::Host;
use crate::model::{PoolId, SqlId};

declare_rule! {
    /// ## What it checks
    /// Reports a SQL instance that holds the user store of two or more Front End pools, either
    /// through one `UserStore` service that several pools depend on, or through several
    /// `UserStore` services installed on the same instance. Pools on the same SQL server but in
    /// different named instances are not reported.
    ///
    /// ## Why it breaks a restore
    /// Sharing a back end between pools is unsupported. Restoring one pool's Back End means
    /// recreating its databases on that instance (`Install-CsDatabase`) and importing its user
    /// data, which then touches the other pool too: one failure becomes two outages, and the
    /// procedures for restoring a single Back End no longer apply.
    ///
    /// ## Example
    /// ```xml
    /// <SqlInstanceId Name="rtc"> ... <!-- UserStore of pool01 and of pool02 -->
    /// ```
    ///
    /// ## How to fix
    /// Give each Front End pool its own SQL instance in Topology Builder (edit the pool, *New*
    /// SQL Server store), publish, and move the users of one pool with `Move-CsUser`.
    ///
    /// ## Source
    /// Sharing SQL back ends between pools is not supported (*Server requirements for Skype for
    /// Business Server 2015*, in the Skype for Business Server documentation), and each SQL instance
    /// holds one pool's back-end database (*Server collocation in an Enterprise Edition Front End pool
    /// deployment*, Gg398102).
    pub static RULE = {
        code: "TP107",
        name: "shared-sql-backend",
        severity: Error,
        scope: Topology,
        summary: "one SQL instance hosting the user store of two pools",
        help: "give each Front End pool its own SQL instance in Topology Builder and publish",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    let mut pools_by_sql: BTreeMap<SqlId, BTreeSet<PoolId>> = BTreeMap::new();
    for service in &topology.services {
        let Some(Host::Pool(pool)) = service.installed_on else {
            continue;
        };
        if service.role.value != "UserServices" {
            continue;
        }
        for &dep in &service.depends_on {
            let store = &topology.services[dep];
            if let (true, Some(Host::Sql(sql))) =
                (store.role.value == "UserStore", store.installed_on)
            {
                pools_by_sql.entry(sql).or_default().insert(pool);
            }
        }
    }
    for (sql, pools) in pools_by_sql {
        let instance = topology.sql_display(sql);
        out.checked(&instance);
        if pools.len() < 2 {
            continue;
        }
        let names: Vec<String> = pools
            .iter()
            .map(|&p| format!("`{}`", topology.pool_name(p)))
            .collect();
        let mut draft = Draft::new(
            &instance,
            format!(
                "SQL instance `{instance}` holds the user store of {} pools: {}",
                pools.len(),
                names.join(", ")
            ),
        )
        .at(
            topology.file,
            topology.sql_instances[sql].tag,
            "shared back end",
        );
        for &p in &pools {
            let pool = &topology.pools[p];
            let span = pool.fqdn.as_ref().map_or(pool.tag, |f| f.span);
            draft = draft.also(topology.file, span, "a pool using it");
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published, service, sql};
    use super::RULE;

    fn two_pools(second_instance: &str) -> String {
        published(
            &[
                cluster(
                    1,
                    "pool01.contoso.com",
                    &["fe01.contoso.com", "fe02.contoso.com"],
                ),
                cluster(
                    2,
                    "pool02.contoso.com",
                    &["fe03.contoso.com", "fe04.contoso.com"],
                ),
                cluster(3, "sql01.contoso.com", &["sql01.contoso.com"]),
            ]
            .join("\n"),
            &[sql(3, "rtc"), sql(3, "rtc2")].join("\n"),
            &[
                service("UserServices", 1, 1, None, &[("UserStore", 1)], ""),
                service("UserServices", 2, 2, None, &[("UserStore", 2)], ""),
                service("UserStore", 1, 3, Some("rtc"), &[], ""),
                service("UserStore", 2, 3, Some(second_instance), &[], ""),
            ]
            .join("\n"),
        )
    }

    #[test]
    fn fires_for_two_pools_on_one_instance() {
        let checked = check(&RULE, &two_pools("rtc"));
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert_eq!(checked.findings[0].secondary.len(), 2);
        assert!(checked.labelled()[0].starts_with("<SqlInstanceId Name=\"rtc\""));
    }

    #[test]
    fn quiet_for_two_instances_on_one_server() {
        assert!(check(&RULE, &two_pools("rtc2")).findings.is_empty());
    }
}
