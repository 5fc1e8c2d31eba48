use std::collections::BTreeMap;

use crate::lint::prelude::*;
use crate::model::ServiceId;
use crate::model::ids;
use crate::model::{Host, HostRef};

declare_rule! {
    /// ## What it checks
    /// Reports an Enterprise Edition file store placed on a Front End: a `FileStore` service
    /// installed on an Enterprise Front End pool, or on a file server whose FQDN is a member of
    /// such a pool. A file store on a Standard Edition server, or collocated with the Back End
    /// SQL server, is allowed and not reported.
    ///
    /// ## Why it breaks a restore
    /// Microsoft does not support the Enterprise file share on a Front End Server. When that
    /// server fails, the pool loses its file store (meeting content, address book files, device
    /// updates) together with the server, and restoring the pool means restoring the share to a
    /// path that now belongs to a rebuilt Front End.
    ///
    /// ## Example
    /// ```xml
    /// <Machine OrdinalInCluster="1" Fqdn="fe01.contoso.com" />       <!-- in pool01 -->
    /// ...
    /// <Cluster Fqdn="fe01.contoso.com"> ... <FileStoreService ShareName="LyncShare" />
    /// ```
    ///
    /// ## How to fix
    /// In Topology Builder, define a new file store on a dedicated file server (or the Back End
    /// server), assign it to the pool, publish, and move the share's content there with
    /// `Move-CsConferenceData` / Robocopy before removing the old one.
    ///
    /// ## Source
    /// The file share cannot be on an Enterprise Edition Front End Server (*Add Front End file store*
    /// in Topology Builder's help, in the Skype for Business Server documentation; *Server
    /// collocation in an Enterprise Edition Front End pool deployment*, Gg398102).
    pub static RULE = {
        code: "TP106",
        name: "file-store-on-front-end",
        severity: Error,
        scope: Topology,
        summary: "an Enterprise file share on a Front End server",
        help: "define the file store on a dedicated file server or the Back End SQL server in Topology Builder, publish, and move the content",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    let uncs: BTreeMap<ServiceId, String> = topology
        .file_stores()
        .into_iter()
        .map(|f| (f.service, f.unc))
        .collect();
    for (i, service) in ids::enumerate(&topology.services) {
        if service.role.value != "FileStore" {
            continue;
        }
        let Some(Host::Pool(host)) = service.installed_on else {
            continue;
        };
        let entity = uncs
            .get(&i)
            .cloned()
            .unwrap_or_else(|| topology.pool_name(host));
        out.checked(&entity);
        let span = service
            .share_name
            .as_ref()
            .map(|s| s.span)
            .or(service.settings)
            .unwrap_or(service.tag);
        if topology.is_enterprise_front_end(host) {
            out.emit(
                Draft::new(
                    &entity,
                    format!(
                        "file store `{entity}` is installed on Enterprise Front End pool `{}`",
                        topology.pool_name(host)
                    ),
                )
                .at(topology.file, span, "file share on a Front End pool"),
            );
            continue;
        }
        let Some(host_fqdn) = &topology.pools[host].fqdn else {
            continue;
        };
        let front_end_member = topology
            .lookup(&host_fqdn.value)
            .iter()
            .find_map(|r| match *r {
                HostRef::Machine(p, m) if p != host && topology.is_enterprise_front_end(p) => {
                    Some((p, m))
                }
                _ => None,
            });
        if let Some((p, m)) = front_end_member {
            let mut draft = Draft::new(
                &entity,
                format!(
                    "file store `{entity}` is on `{}`, a Front End of pool `{}`",
                    host_fqdn.value,
                    topology.pool_name(p)
                ),
            )
            .at(topology.file, span, "file share on a Front End server");
            if let Some(member) = &topology.pools[p].machines[m].fqdn {
                draft = draft.also(topology.file, member.span, "the same server, a Front End");
            }
            out.emit(draft);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published, service, share, sql};
    use super::RULE;

    fn topology(file_cluster: &str, store_on: u32) -> String {
        published(
            &[
                cluster(
                    1,
                    "pool01.contoso.com",
                    &["fe01.contoso.com", "fe02.contoso.com"],
                ),
                cluster(2, "sql01.contoso.com", &["sql01.contoso.com"]),
                file_cluster.to_string(),
            ]
            .join("\n"),
            &sql(2, "rtc"),
            &[
                service("UserServices", 1, 1, None, &[], ""),
                service("UserStore", 1, 2, Some("rtc"), &[], ""),
                service("FileStore", 1, store_on, None, &[], &share("LyncShare")),
            ]
            .join("\n"),
        )
    }

    #[test]
    fn fires_for_a_share_on_a_front_end_member() {
        let checked = check(
            &RULE,
            &topology(&cluster(3, "FE01.contoso.com", &["fe01.contoso.com"]), 3),
        );
        assert_eq!(checked.entities(), ["\\\\fe01.contoso.com\\LyncShare"]);
        assert_eq!(checked.labelled(), ["LyncShare"]);
        assert_eq!(checked.findings[0].secondary.len(), 1);
    }

    #[test]
    fn fires_for_a_share_on_the_pool_itself() {
        let checked = check(
            &RULE,
            &topology(&cluster(3, "fs01.contoso.com", &["fs01.contoso.com"]), 1),
        );
        assert_eq!(checked.findings.len(), 1);
    }

    #[test]
    fn quiet_on_a_file_server_or_the_back_end() {
        let own = check(
            &RULE,
            &topology(&cluster(3, "fs01.contoso.com", &["fs01.contoso.com"]), 3),
        );
        let back_end = check(
            &RULE,
            &topology(&cluster(3, "fs01.contoso.com", &["fs01.contoso.com"]), 2),
        );
        assert!(own.findings.is_empty() && back_end.findings.is_empty());
    }

    #[test]
    fn quiet_on_a_standard_edition_server() {
        let xml = published(
            &cluster(1, "se01.contoso.com", &["se01.contoso.com"]),
            &sql(1, "rtc"),
            &[
                service("UserServices", 1, 1, None, &[], ""),
                service("FileStore", 1, 1, None, &[], &share("share")),
            ]
            .join("\n"),
        );
        assert!(check(&RULE, &xml).findings.is_empty());
    }
}
