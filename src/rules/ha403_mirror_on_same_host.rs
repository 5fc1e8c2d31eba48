use std::collections::BTreeSet;

use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a mirror that runs on the principal's own server: a row of the `sql-instances`
    /// worksheet whose `Mirror` names an instance (another named instance, or the row's own)
    /// on the server in `SQL server FQDN`. The finding points at the `Mirror` cell and is about
    /// the principal, `fqdn\instance`.
    ///
    /// Servers are compared as FQDNs, case-insensitively; a single-label name (`sql01`) matches
    /// the FQDN that starts with that label, in either cell. Mirroring is read only from the
    /// worksheet: no public topology export shows how Topology Builder writes it. A witness on
    /// a partner's server is HA402's concern; unreadable cells are left to IN005.
    ///
    /// ## Why it breaks a restore
    /// The mirror is there so that the pool's databases survive the loss of the principal's
    /// Back End Server. A mirror on the same machine fails with it: the disk, the operating
    /// system or the hardware that takes the principal down takes the mirror too, and the pool
    /// is back to restoring its Back End from backup, the outage mirroring was meant to avoid.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql01.contoso.com\rtcmirror,5023,sql04.contoso.com\witness,7022
    /// ```
    ///
    /// ## How to fix
    /// Move the mirror to a second server with the same SQL Server version and edition. In
    /// Topology Builder, edit the pool's properties: remove mirroring from the old mirror, add
    /// it with the new mirror SQL store (and the witness), publish the topology, run
    /// `Install-CsMirrorDatabase` if you are prompted to, restart the pool's Front End Servers,
    /// and record the new mirror in the worksheet.
    ///
    /// ## Source
    /// The mirror is the second Back End Server, which takes over when the principal fails (*Back End
    /// Server high availability in Lync Server 2013*, JJ205248), and the mirroring pair is two Back
    /// End Servers (*Deploying SQL mirroring for Back End Server high availability in Lync Server
    /// 2013*, JJ204992).
    pub static RULE = {
        code: "HA403",
        name: "mirror-on-same-host",
        severity: Error,
        scope: Deployment,
        summary: "the mirror on the primary's host",
        help: "move the mirror to a second server: in Topology Builder remove mirroring from the old mirror, add the new mirror SQL store, publish, restart the pool's Front End Servers, and record it in the Mirror column",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let mut seen = BTreeSet::new();
    for (row, principal, mirror) in cx.sheets().mirrored() {
        if principal.server.is_placeholder() || mirror.server.is_placeholder() {
            continue;
        }
        out.checked(principal.to_string());
        if !principal.server.same_host(&mirror.server) {
            continue;
        }
        let entity = principal.to_string();
        if !seen.insert(entity.clone()) {
            continue;
        }
        let (message, label) = if mirror.instance == principal.instance {
            (
                format!(
                    "{} is recorded as its own mirror ({}): there is no second copy of its databases",
                    shown(&entity),
                    shown(&mirror.to_string())
                ),
                "the principal itself",
            )
        } else {
            (
                format!(
                    "{} is mirrored to {} on the same server: losing {} loses both copies of its databases",
                    shown(&entity),
                    shown(&mirror.to_string()),
                    shown(principal.server.as_str())
                ),
                "mirror on the principal's own server",
            )
        };
        out.emit(Draft::new(entity, message).at(row.at.file, row.mirror.span(), label));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const MIRROR: &str = "Enterprise,sql03.contoso.com\\rtc,5022";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_mirror_in_another_instance_of_the_same_server_is_reported() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                MIRROR,
                "Enterprise,SQL01.contoso.com.\\RtcMirror,5022",
            )],
        );
        assert_eq!(checked.labelled(), ["SQL01.contoso.com.\\RtcMirror"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc is mirrored to sql01.contoso.com\\rtcmirror on the same server: losing sql01.contoso.com loses both copies of its databases"
        );
    }

    #[test]
    fn a_single_label_mirror_host_matches() {
        let checked = example_with(
            &RULE,
            &[("sql-instances.csv", MIRROR, "Enterprise,sql01\\rtc,5022")],
        );
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert!(
            checked.findings[0].message.contains("its own mirror"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn a_mirror_on_another_server_is_quiet() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                MIRROR,
                "Enterprise,sql02.contoso.com\\rtc,5022",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_default_instance_mirror_on_the_same_server_is_reported() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                MIRROR,
                "Enterprise,sql01.contoso.com,5022",
            )],
        );
        assert_eq!(checked.labelled(), ["sql01.contoso.com"]);
    }
}
