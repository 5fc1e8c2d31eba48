use super::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports worksheets that belong to no deployment: a worksheet in a directory that holds
    /// no topology document, or one that holds several. A deployment is one topology document
    /// plus the worksheets in the same directory; these worksheets are joined with nothing, so
    /// no readiness rule reads them.
    ///
    /// ## Why it breaks a restore
    /// A worksheet nobody checks drifts out of date unnoticed. When several topologies share a
    /// folder, topolint cannot tell which deployment the worksheets describe, and a guess would
    /// report the wrong servers as unprotected (or the right ones as protected).
    ///
    /// ## Example
    /// ```text
    /// estate/
    ///   database.csv        <- reported: no topology here
    ///   site-a/topology.xml
    /// ```
    ///
    /// ## How to fix
    /// Give each deployment its own folder holding its topology export
    /// (`Get-CsTopology -AsXml`) and its worksheets, or move the worksheets next to the
    /// topology they describe.
    ///
    /// ## Source
    /// R26: the worksheets are part of the backup and restoration plan (*Backup and restoration
    /// worksheets*, Hh202169).
    pub static RULE = {
        code: "IN008",
        name: "ambiguous-deployment",
        severity: Warning,
        scope: Input,
        summary: "worksheets beside no topology document, or beside several",
        sources: ["R26"],
        help: "keep one topology document and its worksheets together in one folder per deployment",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for sheet in &cx.workspace.worksheets {
        out.checked(&cx.workspace.files.get(sheet.file).display);
    }
    report_problems(
        cx,
        out,
        ProblemKind::Ambiguous,
        "joined with no topology",
        |p, _| p.message.clone(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check_bytes;
    use super::RULE;

    const SHEET: &[u8] = b"Date,Backup share\n2026-11-20,\\\\b.contoso.com\\lync\n";

    #[test]
    fn a_worksheet_without_a_topology() {
        let checked = check_bytes(&RULE, &[("backup-runs.csv", SHEET)]);
        assert_eq!(checked.findings.len(), 1);
        assert!(
            checked.findings[0]
                .message
                .contains("no topology beside it")
        );
    }

    #[test]
    fn a_worksheet_beside_two_topologies() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("a.xml", topology.as_bytes()),
                ("b.xml", topology.as_bytes()),
                ("backup-runs.csv", SHEET),
            ],
        );
        assert_eq!(checked.findings.len(), 1);
        assert!(
            checked.findings[0]
                .message
                .contains("beside 2 topology documents")
        );
    }

    #[test]
    fn a_worksheet_beside_one_topology_is_joined() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("topology.xml", topology.as_bytes()),
                ("backup-runs.csv", SHEET),
            ],
        );
        assert!(checked.findings.is_empty());
        assert_eq!(checked.ws.deployments[0].worksheets, vec![0]);
    }
}
