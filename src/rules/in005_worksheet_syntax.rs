use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a worksheet that cannot be read as written:
    ///
    /// - malformed CSV: a quote that is never closed, a row with more or fewer cells than the
    ///   header, NUL bytes (a binary file saved with a `.csv` name);
    /// - a required column missing from the header row (the message names it);
    /// - a value that cannot be read: a date not in ISO 8601 form (`2026-11-21`), a yes/no
    ///   cell holding something else, a `Replacement server` other than `ready`, `planned` or
    ///   `none`, an unknown SQL Server version or edition, a port outside 1 to 65535, a
    ///   `Mirror` or `Witness` that is not `fqdn\instance`.
    ///
    /// In a sheet of an Excel workbook, a cell holding an error value (`#N/A`, `#REF!`: a
    /// formula that failed), a number formatted as a date that is no date, and a sheet larger
    /// than topolint reads (more than 4,000,000 cells under its header) are reported too.
    ///
    /// A cell that cannot be read counts as not recorded for the other rules.
    ///
    /// ## Why it breaks a restore
    /// A worksheet is only useful if what it says is unambiguous on the day of the restore.
    /// `03/04/2026` is the 3rd of April in London and the 4th of March in Redmond; a backup set
    /// believed to expire in April may already be gone. A date that is misread is worse than one
    /// that is refused.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Database backup tool,Backup destination,Last backup
    /// rtcxds,sql01.contoso.com,Daily,Export-CsUserData,\\backup01\lync,20/11/2026
    /// ```
    /// `20/11/2026` is reported: write `2026-11-20`.
    ///
    /// ## How to fix
    /// Correct the cell as the message says. In Excel, format date columns as `yyyy-mm-dd`
    /// before saving, and save as `CSV UTF-8 (Comma delimited)`.
    ///
    /// ## Source
    /// The worksheets must be completed and verified (*Establishing a backup and restoration plan*,
    /// Hh202183).
    pub static RULE = {
        code: "IN005",
        name: "worksheet-syntax",
        severity: Error,
        scope: Input,
        summary: "malformed CSV, missing required column, bad date/yes-no/enum value",
        help: "correct the worksheet cell as described; dates are YYYY-MM-DD",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    checked_inputs(cx, out, &["csv", "xlsx", "xlsm"]);
    report_problems(cx, out, ProblemKind::Worksheet, "here", |p, _| {
        p.message.clone()
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check_bytes;
    use super::RULE;

    #[test]
    fn a_bad_date_is_underlined_in_its_cell() {
        let checked = check_bytes(
            &RULE,
            &[(
                "backup-runs.csv",
                b"Date,Backup share\n20/11/2026,\\\\backup01.contoso.com\\lync\n",
            )],
        );
        assert_eq!(checked.labelled(), ["20/11/2026"]);
        assert_eq!(checked.lines(), [2]);
    }

    #[test]
    fn a_missing_column_and_a_ragged_row() {
        let checked = check_bytes(
            &RULE,
            &[(
                "servers.csv",
                b"Server FQDN,Role,Replacement server\nfe01.contoso.com,Front End,ready,extra\n",
            )],
        );
        let messages: Vec<_> = checked
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "the servers worksheet has no `Computer account retained` column",
                "this row has 4 cells but the header has 3",
            ]
        );
    }

    #[test]
    fn nul_bytes_in_a_worksheet_are_reported_here_not_as_decoding() {
        let checked = check_bytes(&RULE, &[("servers.csv", b"Server FQDN\0,Role\n")]);
        assert_eq!(checked.findings.len(), 1);
        assert!(checked.findings[0].message.starts_with("NUL byte"));
    }

    #[test]
    fn a_clean_worksheet_is_quiet() {
        let checked = check_bytes(
            &RULE,
            &[(
                "backup-runs.csv",
                b"Date,Backup share\n2026-11-20,\\\\b\\lync\n",
            )],
        );
        assert!(checked.findings.is_empty());
    }
}
