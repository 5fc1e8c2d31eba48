use std::collections::BTreeSet;

use crate::analysis::restore::RowsByHost;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::Fqdn;
use crate::model::worksheet::{CertificateRow, Kind};

declare_rule! {
    /// ## What it checks
    /// Every server that needs certificates (a machine running the Front End, Standard Edition,
    /// Director, Edge, Mediation or Persistent Chat role) needs at least one row in the
    /// certificates worksheet, and every row of such a server must show a way to bring the
    /// certificate back on a rebuilt machine:
    ///
    /// - `Private key exportable` is yes and a `Backup location` is recorded (the certificate
    ///   and its key were exported to a `.pfx` kept there), or
    /// - `Re-enroll from internal CA` is yes (an internal certification authority can issue it
    ///   again).
    ///
    /// A blank cell in one of those three columns means not recorded and counts as no (this
    /// rule owns those blank cells, not BK215); a `Backup location` is not needed for a
    /// certificate that is re-enrolled. A row is matched to its server as an FQDN, without
    /// regard to case or a trailing dot, or by a single-label name equal to the FQDN's first
    /// label. A cell that could not be read (neither yes nor no) is IN005's, and its row is
    /// skipped here. Where the backup location points (a share on a server of the topology, a
    /// local path) is BK201's and BK203's concern; when a certificate expires is RS304's.
    ///
    /// An Edge Server has two certificates, one for its internal interface and one for its
    /// external interface (the Access Edge, Web Conferencing Edge and A/V Authentication
    /// services): its rows must name both, with the words `internal` and `external` in
    /// `Certificate` as the Certificate Wizard names them (`Edge internal`, `External Edge
    /// certificate`; one row naming both words covers both). A missing one is reported at the
    /// server's FQDN in the topology. A row whose `Certificate` is blank is BK215's, and the
    /// server's interfaces are then not checked.
    ///
    /// A server without rows is reported at its FQDN in the topology; a row that cannot be
    /// recovered is reported at its `Private key exportable` cell, or at its `Backup location`
    /// cell when the key is exportable but no location is recorded. Two rows with the same
    /// server and certificate name are one certificate: the first failing one is reported.
    ///
    /// ## Why it breaks a restore
    /// A rebuilt Front End, Director, Edge or Mediation Server does not start its services
    /// without its certificates, and the restore procedures restore or re-enroll them before
    /// any Lync Server component is installed again. A certificate whose private key cannot be
    /// exported was never backed up, and one exported to nowhere recorded cannot be found in an
    /// outage; unless an internal CA can issue it again, the server waits for a public CA.
    ///
    /// ## Example
    /// ```text
    /// Server FQDN,Certificate,Expires,Private key exportable,Backup location,Re-enroll from internal CA
    /// edge01.contoso.com,Edge external,2027-09-30,no,,no
    /// ```
    ///
    /// ## How to fix
    /// For a certificate from a public CA, request it with an exportable private key
    /// (`Request-CsCertificate -PrivateKeyExportable $true`, or the Certificate Wizard of the
    /// Deployment Wizard), export it with its key to a `.pfx` (the *Certificates* MMC snap-in,
    /// or `Export-PfxCertificate`), keep the file in a secure location off the server and
    /// record that location. For a certificate from an internal enterprise CA, record `yes` in
    /// `Re-enroll from internal CA` and keep the CA itself backed up.
    ///
    /// ## Source
    /// Back up certificates with exportable private keys, or keep an internal CA to re-enroll, and
    /// keep private keys in a secure location (*Backup and restoration requirements: data*,
    /// Hh202194, "Additional Backup Requirements"); restore or re-enroll certificates before
    /// restoring Lync Server components (*Preparing to restore Lync Server 2013*, Hh202179,
    /// "Preparing to Restore a Server", step 3). An Edge Server needs certificates for its
    /// internal and its external interfaces (*Set up Edge certificates for Lync Server 2013*,
    /// Gg412858; *Certificate requirements for external user access in Lync Server 2013*,
    /// Gg398920).
    pub static RULE = {
        code: "RS303",
        name: "certificate-not-backed-up",
        severity: Error,
        scope: Deployment,
        summary: "a server that needs certificates with neither an exportable key backed up nor internal-CA re-enrolment",
        help: "export the certificate with its private key to a secure location off the server and record it, or record `yes` in `Re-enroll from internal CA` when an internal CA can issue it again",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let by_host = RowsByHost::new(&sheets.certificates, |r| r.server.value.as_ref());
    let header = sheets.header(Kind::Certificates);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for server in cx.servers() {
        if !server.needs_certificates() {
            continue;
        }
        let fqdn = &server.fqdn.value;
        out.checked(fqdn.to_string());
        let rows = by_host.rows_for(fqdn);
        if rows.is_empty() {
            let roles = server.role_labels();
            let draft = match header {
                Some((file, span)) => Draft::new(
                    fqdn.to_string(),
                    format!("{fqdn} ({roles}) needs certificates but has no row in the certificates worksheet"),
                )
                .at(t.file, server.fqdn.span, "server that needs certificates")
                .also(file, span, format!("no row for {fqdn} here")),
                None => Draft::new(
                    fqdn.to_string(),
                    format!("{fqdn} ({roles}) needs certificates but none is recorded: there is no certificates worksheet"),
                )
                .at(t.file, server.fqdn.span, "server that needs certificates"),
            };
            out.emit(draft.help(format!(
                "add a row for each certificate of {fqdn} to the certificates worksheet, saying how it is recovered (an exported key and where it is kept, or re-enrolment from an internal CA)"
            )));
            continue;
        }
        if server.is_edge() {
            for side in missing_edge_sides(&rows) {
                let draft = Draft::new(
                    format!("{fqdn}/{side}"),
                    format!("{fqdn} (Edge) has no {side} certificate in the certificates worksheet: an Edge Server has one for its internal interface and one for its external interface, and a rebuilt one needs both"),
                )
                .at(t.file, server.fqdn.span, format!("Edge Server without an {side} certificate"))
                .help(format!(
                    "add a row for the {side} interface certificate of {fqdn}, with `{side}` in `Certificate` (as the Certificate Wizard names it: `Edge internal`, `External Edge certificate`), saying how it is recovered"
                ));
                out.emit(missing_row(
                    draft,
                    sheets,
                    Kind::Certificates,
                    format!("no {side} certificate of {fqdn} here"),
                ));
            }
        }
        for row in rows {
            let name = row.certificate.text.to_lowercase();
            let entity = format!("{fqdn}/{name}");
            out.checked(&entity);
            if seen.contains(&entity) {
                continue;
            }
            let Some(draft) = unrecoverable(row, fqdn, &entity) else {
                continue;
            };
            seen.insert(entity);
            out.emit(draft);
        }
    }
}

/// The interfaces (`internal`, `external`) of an Edge Server that none of its certificate rows
/// names. A row names an interface when its `Certificate` holds the word, in any case and even
/// inside a longer word (`AccessEdgeExternal`); when a row's `Certificate` is blank (BK215's),
/// it could be either, and nothing is reported.
fn missing_edge_sides(rows: &[&CertificateRow]) -> Vec<&'static str> {
    if rows.iter().any(|r| r.certificate.is_blank()) {
        return Vec::new();
    }
    ["internal", "external"]
        .into_iter()
        .filter(|side| {
            !rows
                .iter()
                .any(|r| r.certificate.text.to_lowercase().contains(side))
        })
        .collect()
}

/// The finding for a row that shows no way to recover its certificate, if it shows none.
fn unrecoverable(row: &CertificateRow, fqdn: &Fqdn, entity: &str) -> Option<Draft> {
    let exportable = &row.exportable;
    let reenroll = &row.reenroll;
    // Cells that could not be read are IN005's: nothing can be concluded from them.
    let unread = |blank: bool, known: bool| !blank && !known;
    if unread(exportable.is_blank(), exportable.value.is_some())
        || unread(reenroll.is_blank(), reenroll.value.is_some())
    {
        return None;
    }
    let located = !row.location.is_blank();
    if reenroll.value == Some(true) || (exportable.value == Some(true) && located) {
        return None;
    }
    let certificate = if row.certificate.is_blank() {
        "a certificate".to_string()
    } else {
        format!("certificate `{}`", shown(&row.certificate.text))
    };
    let (key, at, label) = match exportable.value {
        Some(true) => (
            "no backup location is recorded for its exported key",
            row.location.span,
            "no backup location",
        ),
        Some(false) => (
            "its private key is not exportable",
            exportable.span(),
            "key not exportable",
        ),
        None => (
            "whether its private key is exportable is not recorded",
            exportable.span(),
            "not recorded",
        ),
    };
    let (ca, ca_label) = if reenroll.value == Some(false) {
        ("no internal CA can re-enroll it", "no internal CA")
    } else {
        (
            "re-enrolment from an internal CA is not recorded",
            "not recorded",
        )
    };
    let help = match exportable.value {
        Some(true) => {
            "record where the exported `.pfx` with its private key is kept (a secure share off the server), or record `yes` in `Re-enroll from internal CA` when an internal CA can issue it again"
        }
        Some(false) => {
            "request the certificate again with an exportable private key and export it to a secure location, or obtain it from an internal CA that can re-enroll it and record `yes` in `Re-enroll from internal CA`"
        }
        None => {
            "record whether the private key is exportable and, if it is, where the exported key is kept; or record `yes` in `Re-enroll from internal CA` when an internal CA can issue it again"
        }
    };
    Some(
        Draft::new(
            entity,
            format!("{certificate} of {fqdn} cannot be recovered: {key}, and {ca}"),
        )
        .at(row.at.file, at, label)
        .also(row.at.file, reenroll.span(), ca_label)
        .help(help),
    )
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
    fn a_key_neither_exportable_nor_re_enrolled() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "edge01.contoso.com,Edge internal,,2027-10-31,no,,yes",
                "edge01.contoso.com,Edge internal,,2027-10-31,no,,no",
            )],
        );
        assert_eq!(checked.labelled(), ["no"]);
        assert_eq!(checked.entities(), ["edge01.contoso.com/edge internal"]);
        assert_eq!(checked.lines(), [5]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message
                .contains("its private key is not exportable, and no internal CA can re-enroll it"),
            "{}",
            f.message
        );
        assert_eq!(f.secondary[0].message, "no internal CA");
    }

    #[test]
    fn an_exported_key_without_a_location() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "yes,\\\\backup01.contoso.com\\certs\\edge-external.pfx,no,public CA; same certificate on edge02",
                "yes,,no,public CA; same certificate on edge02",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.entities(), ["edge01.contoso.com/edge external"]);
        assert!(checked.findings[0].message.contains("no backup location"));
    }

    #[test]
    fn blank_cells_are_not_recorded() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "edge02.contoso.com,Edge internal,,2027-10-31,no,,yes",
                "edge02.contoso.com,Edge internal,,2027-10-31,,,",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        let message = &checked.findings[0].message;
        assert!(
            message.contains("whether its private key is exportable is not recorded"),
            "{message}"
        );
        assert!(
            message.contains("re-enrolment from an internal CA is not recorded"),
            "{message}"
        );
    }

    #[test]
    fn either_way_back_is_enough() {
        let checked = example_with(
            &RULE,
            &[
                // Exported and kept, not re-enrolled.
                ("certificates.csv", "fe01.pfx,yes,", "fe01.pfx,no,"),
                // Re-enrolled; no key exported, no location needed.
                (
                    "certificates.csv",
                    "yes,\\\\backup01.contoso.com\\certs\\fe02.pfx,yes",
                    "no,,yes",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_server_without_a_row_is_reported_in_the_topology() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "fe03.contoso.com,Default (server and web services),,2027-10-31,yes,\\\\backup01.contoso.com\\certs\\fe03.pfx,yes,\n",
                "",
            )],
        );
        assert_eq!(checked.labelled(), ["fe03.contoso.com"]);
        assert_eq!(checked.entities(), ["fe03.contoso.com"]);
        let related = &checked.findings[0].secondary[0];
        assert_eq!(
            checked.ws.files.get(related.file).display,
            "certificates.csv"
        );
        assert_eq!(related.message, "no row for fe03.contoso.com here");
    }

    #[test]
    fn without_the_worksheet_each_server_that_needs_certificates_is_reported() {
        let files: Vec<(&str, &[u8])> = EXAMPLE
            .iter()
            .filter(|(name, _)| *name != "certificates.csv")
            .map(|(name, text)| (*name, text.as_bytes()))
            .collect();
        let checked = check_bytes(&RULE, &files);
        assert_eq!(
            checked.entities(),
            [
                "fe01.contoso.com",
                "fe02.contoso.com",
                "fe03.contoso.com",
                "edge01.contoso.com",
                "edge02.contoso.com"
            ]
        );
        assert!(
            checked.findings[0]
                .message
                .contains("there is no certificates worksheet")
        );
    }

    #[test]
    fn unreadable_cells_are_left_to_in005_and_other_servers_are_ignored() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "certificates.csv",
                    "edge01.contoso.com,Edge internal,,2027-10-31,no,,yes",
                    "edge01.contoso.com,Edge internal,,2027-10-31,no,,maybe",
                ),
                (
                    "certificates.csv",
                    "fe01.contoso.com,Default",
                    "FE01,Default",
                ),
                (
                    "certificates.csv",
                    "fe02.contoso.com,Default (server and web services),,2027-10-31,yes,\\\\backup01.contoso.com\\certs\\fe02.pfx,yes,\n",
                    "fe02.contoso.com,Default (server and web services),,2027-10-31,yes,\\\\backup01.contoso.com\\certs\\fe02.pfx,yes,\nsql01.contoso.com,SQL,,2027-10-31,no,,no,\n",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn an_edge_server_needs_its_internal_and_external_certificates() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "edge01.contoso.com,Edge external,,2027-09-30,yes,\\\\backup01.contoso.com\\certs\\edge-external.pfx,no,public CA; same certificate on edge02\n",
                "",
            )],
        );
        assert_eq!(checked.entities(), ["edge01.contoso.com/external"]);
        assert_eq!(checked.labelled(), ["edge01.contoso.com"]);
        let f = &checked.findings[0];
        assert!(
            f.message
                .starts_with("edge01.contoso.com (Edge) has no external certificate"),
            "{}",
            f.message
        );
        assert_eq!(
            f.secondary[0].message,
            "no external certificate of edge01.contoso.com here"
        );
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "edge02.contoso.com,Edge internal,,2027-10-31,no,,yes,issued by the internal CA\n",
                "",
            )],
        );
        assert_eq!(checked.entities(), ["edge02.contoso.com/internal"]);
    }

    #[test]
    fn one_row_may_name_both_edge_interfaces_and_a_blank_name_is_left_to_bk215() {
        let both = example_with(
            &RULE,
            &[
                (
                    "certificates.csv",
                    "edge01.contoso.com,Edge external,",
                    "edge01.contoso.com,AccessEdgeExternal and Internal,",
                ),
                (
                    "certificates.csv",
                    "edge01.contoso.com,Edge internal,,2027-10-31,no,,yes,issued by the internal CA\n",
                    "",
                ),
            ],
        );
        assert!(both.findings.is_empty(), "{:?}", both.entities());
        let blank = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "edge01.contoso.com,Edge external,",
                "edge01.contoso.com,,",
            )],
        );
        assert!(blank.findings.is_empty(), "{:?}", blank.entities());
    }
}
