use std::collections::BTreeMap;

use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::Fqdn;
use crate::model::values::SqlRef;
use crate::model::worksheet::{SqlInstanceRow, Typed};

/// The port of a principal's or mirror's endpoint when none is recorded.
const PARTNER_PORT: u16 = 5022;
/// The port of a witness's endpoint when none is recorded.
const WITNESS_PORT: u16 = 7022;

declare_rule! {
    /// ## What it checks
    /// Collects the database mirroring endpoint of every SQL instance that takes part in
    /// mirroring, from the `sql-instances` worksheet, and reports two different instances on
    /// one server that listen on the same port:
    ///
    /// - a principal (a row with a `Mirror`) and every instance named in a `Mirror` cell
    ///   listen on their own row's `Mirroring port`, or on 5022 (Topology Builder's default)
    ///   when it is blank or the instance has no row;
    /// - a witness listens on the principal row's `Witness port`, else on its own row's
    ///   `Mirroring port`, else on 7022 (the default).
    ///
    /// The finding is about `host:port` (`sql01.contoso.com:5022`). It points at the port
    /// cell of the instance that comes later in the worksheet (the blank cell, or the whole
    /// row when the column is absent, for a default port; the `Mirror` cell naming an
    /// instance that has no row of its own) and shows the other instances as related
    /// locations.
    ///
    /// Decisions: servers compare as whole FQDNs, case-insensitively; one instance that
    /// listens as a partner and as a witness is not a conflict with itself; a port cell that
    /// cannot be read leaves that endpoint out (IN005 reports it). Mirroring is read only from
    /// the worksheet: no public topology export shows how Topology Builder writes it.
    ///
    /// ## Why it breaks a restore
    /// A server can give one TCP port to only one mirroring endpoint. When two instances on it
    /// are set up with the same port, the second endpoint cannot listen and that instance's
    /// databases are not mirrored: the pool that
    /// relies on it has no copy to fail over to when its Back End Server is lost, and
    /// rebuilding the pair after a restore fails at `Install-CsMirrorDatabase`.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\rtc,5022,sql04.contoso.com\witness,7022
    /// sql01.contoso.com,archive,2012,Enterprise,sql03.contoso.com\archive,5022,,
    /// ```
    /// Both principals listen on 5022 on `sql01.contoso.com`; both mirrors, with no rows of
    /// their own, take the default 5022 on `sql03.contoso.com`: two findings.
    ///
    /// ## How to fix
    /// Give each instance on the server its own mirroring port: in Topology Builder, edit the
    /// SQL store, keep *This SQL instance is in mirroring relation* selected and enter an
    /// unused port, then publish the topology and open the port in Windows Firewall. An
    /// existing mirroring endpoint keeps its port whatever the topology says, so check it in
    /// SQL Server (`sys.database_mirroring_endpoints`) and record the port actually used.
    ///
    /// ## Source
    /// The mirroring ports default to 5022 for the principal and the mirror and 7022 for the
    /// witness, and SQL instances on the same server must not share a mirroring port (*Deploying SQL
    /// mirroring for Back End Server high availability in Lync Server 2013*, JJ204992).
    pub static RULE = {
        code: "HA406",
        name: "mirror-port-conflict",
        severity: Error,
        scope: Deployment,
        summary: "two mirrored instances on one host share a mirroring port",
        help: "give each SQL instance on the server its own mirroring port in Topology Builder (SQL store: This SQL instance is in mirroring relation), publish, open it in Windows Firewall, and record it in the worksheet",
        check: check,
    }
}

/// A mirroring endpoint: which instance, which port, and the cell it comes from.
#[derive(Clone)]
struct Endpoint {
    instance: SqlRef,
    port: u16,
    /// The port is the default, not written in a cell.
    default: bool,
    file: FileId,
    span: Span,
}

impl Endpoint {
    fn describe(&self) -> String {
        if self.default {
            format!("the default port {}", self.port)
        } else {
            format!("port {}", self.port)
        }
    }
}

/// The port of a port cell: `Ok(Some)` when written, `Ok(None)` when blank, `Err` when it
/// cannot be read.
fn written(cell: &Typed<u16>) -> Result<Option<u16>, ()> {
    match cell.value {
        Some(p) => Ok(Some(p)),
        None if cell.is_blank() => Ok(None),
        None => Err(()),
    }
}

/// The endpoint of a principal or mirror: its own row's `Mirroring port`, else the default,
/// at `naming` (file and span) when it has no row.
fn partner(
    instance: &SqlRef,
    by_ref: &BTreeMap<SqlRef, &SqlInstanceRow>,
    naming: (FileId, Span),
) -> Option<Endpoint> {
    let (port, default, file, span) = match by_ref.get(instance) {
        Some(own) => match written(&own.mirror_port).ok()? {
            Some(p) => (p, false, own.at.file, own.mirror_port.span()),
            None => (PARTNER_PORT, true, own.at.file, own.mirror_port.span()),
        },
        None => (PARTNER_PORT, true, naming.0, naming.1),
    };
    Some(Endpoint {
        instance: instance.clone(),
        port,
        default,
        file,
        span,
    })
}

/// The endpoint of the witness a principal row names.
fn witness(
    instance: &SqlRef,
    principal: &SqlInstanceRow,
    by_ref: &BTreeMap<SqlRef, &SqlInstanceRow>,
) -> Option<Endpoint> {
    let here = (principal.at.file, principal.witness_port.span());
    let (port, default, (file, span)) = match written(&principal.witness_port).ok()? {
        Some(p) => (p, false, here),
        None => match by_ref.get(instance) {
            Some(own) => match written(&own.mirror_port).ok()? {
                Some(p) => (p, false, (own.at.file, own.mirror_port.span())),
                None => (WITNESS_PORT, true, here),
            },
            None => (WITNESS_PORT, true, here),
        },
    };
    Some(Endpoint {
        instance: instance.clone(),
        port,
        default,
        file,
        span,
    })
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    let by_ref = sheets.first_row_per_instance();
    let mut endpoints = Vec::new();
    for (row, principal, mirror) in sheets.mirrored() {
        endpoints.extend(partner(&principal, &by_ref, (row.at.file, row.at.span)));
        endpoints.extend(partner(mirror, &by_ref, (row.at.file, row.mirror.span())));
        if let Some(w) = &row.witness.value {
            endpoints.extend(witness(w, row, &by_ref));
        }
    }
    // (host, port) -> instance -> its first endpoint there, in worksheet order.
    let mut by_port: BTreeMap<(Fqdn, u16), BTreeMap<SqlRef, Endpoint>> = BTreeMap::new();
    for e in endpoints {
        if e.instance.server.is_placeholder() {
            continue;
        }
        let at = by_port
            .entry((e.instance.server.clone(), e.port))
            .or_default();
        match at.get(&e.instance) {
            Some(old) if (old.file, old.span.start) <= (e.file, e.span.start) => {}
            _ => {
                at.insert(e.instance.clone(), e);
            }
        }
    }
    for ((host, port), instances) in by_port {
        out.checked(format!("{host}:{port}"));
        let mut list: Vec<Endpoint> = instances.into_values().collect();
        list.sort_by_key(|e| (e.file, e.span.start, e.span.end));
        let [first, later, ..] = list.as_slice() else {
            continue;
        };
        let names: Vec<String> = list
            .iter()
            .map(|e| shown(&e.instance.to_string()).into_owned())
            .collect();
        let mut draft = Draft::new(
            format!("{host}:{port}"),
            format!(
                "{} share mirroring port {port} on {}: each instance on a server needs its own mirroring endpoint port",
                and_list(&names),
                shown(host.as_str())
            ),
        )
        .at(
            later.file,
            later.span,
            format!(
                "{}: {}, already used by {}",
                shown(&later.instance.to_string()),
                later.describe(),
                shown(&first.instance.to_string())
            ),
        );
        for e in list.iter().filter(|e| !std::ptr::eq(*e, later)) {
            draft = draft.also(
                e.file,
                e.span,
                format!("{}: {}", shown(&e.instance.to_string()), e.describe()),
            );
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const LAST: &str =
        "sql02.contoso.com,monitoring,SQL Server 2012 SP4,Standard,,,,,Monitoring and Archiving";

    fn with_rows(rows: &str) -> super::super::test_util::Checked {
        example_with(
            &RULE,
            &[("sql-instances.csv", LAST, &format!("{LAST}\n{rows}"))],
        )
    }

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_second_principal_on_the_same_port_is_reported_at_its_port_cell() {
        let checked = with_rows(
            "sql01.contoso.com,archive,2012,Enterprise,sql05.contoso.com\\archive,5022,,,",
        );
        assert_eq!(checked.entities(), ["sql01.contoso.com:5022"]);
        assert_eq!(checked.labelled(), ["5022"]);
        assert_eq!(checked.lines(), [6]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc and sql01.contoso.com\\archive share mirroring port 5022 on sql01.contoso.com: each instance on a server needs its own mirroring endpoint port"
        );
        let file = checked.ws.files.get(f.secondary[0].file);
        assert_eq!(f.secondary.len(), 1);
        assert_eq!(file.line_col(f.secondary[0].span.start).0, 2);
    }

    #[test]
    fn a_mirror_without_a_row_takes_the_default_port_at_its_mirror_cell() {
        // sql01.contoso.com\archive on 5023 is fine on sql01; its mirror sql03\archive has no
        // row, so it listens on 5022 like sql03\rtc.
        let checked = with_rows(
            "sql01.contoso.com,archive,2012,Enterprise,sql03.contoso.com\\archive,5023,,,",
        );
        assert_eq!(checked.entities(), ["sql03.contoso.com:5022"]);
        assert_eq!(checked.labelled(), ["sql03.contoso.com\\archive"]);
        let f = &checked.findings[0];
        let primary = f
            .primary
            .as_ref()
            .map(|l| l.message.clone())
            .unwrap_or_default();
        assert_eq!(
            primary,
            "sql03.contoso.com\\archive: the default port 5022, already used by sql03.contoso.com\\rtc"
        );
    }

    #[test]
    fn two_witnesses_on_one_host_with_default_ports_conflict() {
        let checked = with_rows(
            "sql02.contoso.com,archive,2012,Enterprise,sql05.contoso.com\\archive,5023,sql04.contoso.com\\witness2,,",
        );
        assert_eq!(checked.entities(), ["sql04.contoso.com:7022"]);
        // The blank Witness port cell of the new row, where the port would be written.
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.lines(), [6]);
    }

    #[test]
    fn different_ports_on_one_host_and_one_instance_in_two_roles_are_quiet() {
        let checked = with_rows(
            "sql01.contoso.com,archive,2012,Enterprise,sql05.contoso.com\\archive,5023,sql04.contoso.com\\witness,7022,\n\
             sql06.contoso.com,rtc,2012,Enterprise,sql04.contoso.com\\witness,,,,",
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn an_unreadable_port_is_left_out() {
        let checked = with_rows(
            "sql01.contoso.com,archive,2012,Enterprise,sql05.contoso.com\\archive,port,,,",
        );
        assert!(checked.findings.is_empty());
    }
}
