use std::collections::BTreeSet;

use crate::input::text::shown;
use crate::lint::draft::Severity;
use crate::lint::draft::State;
use crate::lint::prelude::*;
use crate::model::date::Expiry;

declare_rule! {
    /// ## What it checks
    /// Reads the `Expires` date of every row of the certificates worksheet and compares it with
    /// the date of the check (`--as-of`, today by default):
    ///
    /// - a certificate that expired before that date is an error;
    /// - one that expires on that date or within `expiry-warning-days` after it (30 by default,
    ///   set in `[options]` of `topolint.toml`; a certificate expiring exactly that many days
    ///   later is included) is a warning.
    ///
    /// Every row is checked, whatever its server: the worksheet records certificates to bring
    /// back, and a stale one is stale wherever it is used. A blank `Expires` cell is BK215's and
    /// an unreadable one IN005's; both are skipped here. Whether the certificate can be
    /// recovered at all is RS303's concern.
    ///
    /// ## Why it breaks a restore
    /// A restore brings back the certificates that were exported, or re-enrolls them, before
    /// the Lync Server components are installed again. An exported certificate that has expired
    /// is worthless on the rebuilt server: its services cannot establish TLS with the pool, the
    /// Edge or the clients, and a new certificate from a public CA can take days to obtain in
    /// the middle of an outage. A certificate expiring soon fails the same way if the restore
    /// happens after the date, and its exported copy must be replaced when it is renewed.
    ///
    /// ## Example
    /// ```text
    /// Server FQDN,Certificate,Expires,Private key exportable,Backup location,Re-enroll from internal CA
    /// edge01.contoso.com,Edge external,2026-11-01,yes,\\backup01.contoso.com\certs\edge.pfx,no
    /// ```
    /// Checked as of 2026-11-21, the certificate expired 20 days earlier.
    ///
    /// ## How to fix
    /// Renew the certificate (the *Certificate Wizard* of the Deployment Wizard, or
    /// `Request-CsCertificate` followed by `Set-CsCertificate`), export the new certificate with
    /// its private key to the backup location again (or check that the internal CA will
    /// re-enroll it), and record the new expiry date.
    ///
    /// ## Source
    /// Certificates are backed up and kept available to restore (*Backup and restoration
    /// requirements: data*, Hh202194, "Additional Backup Requirements"), and they are restored or
    /// re-enrolled before the Lync Server components (*Preparing to restore Lync Server 2013*,
    /// Hh202179, step 3). An expired certificate satisfies neither.
    pub static RULE = {
        code: "RS304",
        name: "certificate-expiring",
        severity: Warning,
        scope: Deployment,
        summary: "a certificate expired (error) or expiring within `expiry-warning-days`",
        help: "renew the certificate (Certificate Wizard or `Request-CsCertificate` and `Set-CsCertificate`), back up or re-enroll the new one, and record its expiry date",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let as_of = cx.options.as_of;
    let warn_days = i64::from(cx.options.expiry_warning_days);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for row in &cx.sheets().certificates {
        let Some(expires) = row.expires.value else {
            continue;
        };
        let entity = row.subject();
        out.checked(&entity);
        let Some(expiry) = expires.expiry(as_of, warn_days) else {
            continue;
        };
        let server = row.server.host_name();
        if !seen.insert(entity.clone()) {
            continue;
        }
        let certificate = if row.certificate.is_blank() {
            "a certificate".to_string()
        } else {
            format!("certificate `{}`", shown(&row.certificate.text))
        };
        let of = if server.is_empty() {
            String::new()
        } else {
            format!(" of {}", shown(&server))
        };
        let draft = match expiry {
            Expiry::Expired(ago) => Draft::new(
                entity,
                format!(
                    "{certificate}{of} expired on {expires}, {} before {as_of}",
                    days(ago)
                ),
            )
            .at(row.at.file, row.expires.span(), "expired")
            .severity(Severity::Error)
            .state(State::Expired),
            Expiry::Expiring(left) => {
                let when = if left == 0 {
                    "today".to_string()
                } else {
                    format!("in {}", days(left))
                };
                Draft::new(
                    entity,
                    format!("{certificate}{of} expires on {expires}, {when}"),
                )
                .at(row.at.file, row.expires.span(), format!("expires {when}"))
                .state(State::Expiring)
            }
        };
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_with, example_with, options};
    use super::RULE;
    use crate::lint::draft::Severity;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn an_expired_certificate_is_an_error() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "Edge external,,2027-09-30",
                "Edge external,,2026-11-01",
            )],
        );
        assert_eq!(checked.labelled(), ["2026-11-01"]);
        assert_eq!(checked.entities(), ["edge01.contoso.com/edge external"]);
        assert_eq!(checked.lines(), [6]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message
                .contains("expired on 2026-11-01, 20 days before 2026-11-21"),
            "{}",
            f.message
        );
    }

    #[test]
    fn one_expiring_within_the_window_is_a_warning() {
        let checked = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "fe02.contoso.com,Default (server and web services),,2027-10-31",
                "fe02.contoso.com,Default (server and web services),,2026-12-21",
            )],
        );
        assert_eq!(checked.labelled(), ["2026-12-21"]);
        assert_eq!(
            checked.entities(),
            ["fe02.contoso.com/default (server and web services)"]
        );
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            f.message.contains("expires on 2026-12-21, in 30 days"),
            "{}",
            f.message
        );
    }

    #[test]
    fn today_is_a_warning_and_one_day_past_the_window_is_quiet() {
        let today = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "Edge internal,,2027-10-31",
                "Edge internal,,2026-11-21",
            )],
        );
        assert_eq!(today.findings[0].severity, Severity::Warning);
        assert!(today.findings[0].message.ends_with("today"));
        let later = example_with(
            &RULE,
            &[(
                "certificates.csv",
                "Edge internal,,2027-10-31",
                "Edge internal,,2026-12-22",
            )],
        );
        assert!(later.findings.is_empty());
    }

    #[test]
    fn the_window_follows_the_options() {
        let mut opts = options();
        opts.expiry_warning_days = 400;
        let files: Vec<(&str, &[u8])> = EXAMPLE.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let checked = check_with(&RULE, &files, &opts);
        // Every certificate of the example expires within 400 days of 2026-11-21.
        assert_eq!(checked.findings.len(), 7);
        assert!(
            checked
                .findings
                .iter()
                .all(|f| f.severity == Severity::Warning)
        );
    }

    #[test]
    fn blank_and_unreadable_dates_are_left_to_other_rules() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "certificates.csv",
                    "Edge internal,,2027-10-31",
                    "Edge internal,,",
                ),
                (
                    "certificates.csv",
                    "Edge external,,2027-09-30",
                    "Edge external,,30/09/2026",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }
}
