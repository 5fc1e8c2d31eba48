use crate::input::text::shown;
use crate::lint::draft::Severity;
use crate::lint::draft::State;
use crate::lint::prelude::*;
use crate::model::date::Expiry;

declare_rule! {
    /// ## What it checks
    /// Reads the `Backup set expiration` date of every `database` worksheet row and compares it
    /// with the `--as-of` date (today by default):
    /// - a date before `--as-of` is an error: the backup set has expired;
    /// - a date on `--as-of` or up to `expiry-warning-days` days after it (30 by default, set
    ///   in `topolint.toml`) is a warning: the set is about to expire.
    ///
    /// The finding is at the expiration cell and names the backup set when `Backup set name`
    /// gives one. Blank and unreadable dates are left alone (the column is optional, and IN005
    /// reports a date it cannot read).
    ///
    /// Decision: the date is taken as the last day the set can be restored from, so a set
    /// expiring on the `--as-of` date is a warning, not yet an error.
    ///
    /// ## Why it breaks a restore
    /// Once its expiration date passes, the backup software or SQL Server may overwrite or
    /// delete the backup set. A restore then finds no backup at all for that database, or only
    /// an older one, even though the worksheet still lists it.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup set name,Backup set expiration,Backup destination
    /// lcslog,sql02.contoso.com,monitoring,Daily,SQL Server Management Studio,LcsLog-full,2026-11-01,\\backup01.contoso.com\lync
    /// ```
    /// Checked with `--as-of 2026-11-21`, the LcsLog backup set expired 20 days earlier.
    ///
    /// ## How to fix
    /// Take a new full backup with a later expiration (the `EXPIREDATE` or `RETAINDAYS` option
    /// of SQL Server's `BACKUP DATABASE`, or the retention of the backup product), or extend
    /// the retention of the existing set, and record the new date in `Backup set expiration`.
    ///
    /// ## Source
    /// Regular full backups (*Best practices for backup and restoration*, Hh202184; *Performing and
    /// monitoring backups*, Dn720912), and the backup files each restore reads, SQL backups among
    /// them, must exist when it is carried out (*Restoring the server hosting the Central Management
    /// store*, Hh202172; *Restoring a Standard Edition server*, Hh202190).
    pub static RULE = {
        code: "BK213",
        name: "backup-set-expiring",
        severity: Warning,
        scope: Deployment,
        summary: "a backup set expired (error) or expiring within `expiry-warning-days` of `--as-of`",
        help: "take a new full backup with a later expiration, or extend the set's retention, and record the new date in `Backup set expiration`",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let as_of = cx.options.as_of;
    let window = i64::from(cx.options.expiry_warning_days);
    let mut drafts = Unique::new(RULE.meta.severity);
    for row in &cx.sheets().database {
        let Some(date) = row.set_expiration.value else {
            continue;
        };
        let subject = row.subject();
        out.checked(&subject);
        let Some(expiry) = date.expiry(as_of, window) else {
            continue;
        };
        let set = if row.set_name.is_blank() {
            format!("the backup set of {subject}")
        } else {
            format!("backup set `{}` of {subject}", shown(&row.set_name.text))
        };
        let draft = match expiry {
            Expiry::Expired(ago) => Draft::new(
                &subject,
                format!(
                    "{set} expired on {date}, {} before {as_of} (`--as-of`)",
                    days(ago)
                ),
            )
            .at(row.at.file, row.set_expiration.span(), "expired")
            .severity(Severity::Error)
            .state(State::Expired),
            Expiry::Expiring(left) => {
                let (when, label) = if left == 0 {
                    (
                        "the `--as-of` date".to_string(),
                        "expires today".to_string(),
                    )
                } else {
                    (
                        format!("{} after {as_of} (`--as-of`)", days(left)),
                        format!("expires in {}", days(left)),
                    )
                };
                Draft::new(
                &subject,
                format!(
                    "{set} expires on {date}, {when}; the warning window is {} (`expiry-warning-days` in topolint.toml)",
                    days(window)
                ),
            )
            .at(row.at.file, row.set_expiration.span(), label)
            .state(State::Expiring)
            }
        };
        drafts.push(draft, "another backup set of it expires here");
    }
    drafts.emit(out);
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
    fn an_expired_set_is_an_error() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "LcsLog-full,2027-05-31",
                "LcsLog-full,2026-11-01",
            )],
        );
        assert_eq!(checked.labelled(), ["2026-11-01"]);
        assert_eq!(checked.entities(), ["lcslog@sql02.contoso.com\\monitoring"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.contains("`LcsLog-full`"), "{}", f.message);
        assert!(
            f.message
                .contains("expired on 2026-11-01, 20 days before 2026-11-21"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_set_expiring_within_the_window_is_a_warning() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "UserData-pool01,2027-05-31",
                "UserData-pool01,2026-12-21",
            )],
        );
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(checked.entities(), ["rtcxds@sql01.contoso.com\\rtc"]);
        assert!(
            f.message.contains("30 days after 2026-11-21"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_set_expiring_today_is_a_warning() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "UserData-pool01,2027-05-31",
                "UserData-pool01,2026-11-21",
            )],
        );
        assert_eq!(checked.findings[0].severity, Severity::Warning);
        assert!(checked.findings[0].message.contains("the `--as-of` date"));
    }

    #[test]
    fn a_set_expiring_after_the_window_is_quiet() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "UserData-pool01,2027-05-31",
                "UserData-pool01,2026-12-22",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn an_unnamed_set_is_described_by_its_row() {
        let checked = example_with(
            &RULE,
            &[("database.csv", "QoEMetrics-full,2027-05-31", ",2026-10-31")],
        );
        assert_eq!(
            checked.entities(),
            ["qoemetrics@sql02.contoso.com\\monitoring"]
        );
        assert!(
            checked.findings[0]
                .message
                .starts_with("the backup set of qoemetrics@")
        );
    }
}
