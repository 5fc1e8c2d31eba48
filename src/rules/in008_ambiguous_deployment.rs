use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports worksheets that belong to no deployment. A deployment is one topology document
    /// plus the worksheets in the same directory; worksheets that cannot be joined with exactly
    /// one readable topology are reported once per directory, naming the files involved:
    ///
    /// - beside **no topology document**: a warning (the worksheets may be templates kept
    ///   apart), except in a run that read no topology at all, where nothing was judged: then
    ///   it is an error;
    /// - beside **two or more topology documents**: an error at each topology after the first,
    ///   naming both; the worksheets are joined with none of them, and each of those
    ///   deployments is NOT READY, since its readiness cannot be judged;
    /// - beside a topology document that **cannot be read** (ill-formed XML, not UTF-8 or
    ///   UTF-16, in no topology namespace): an error at that file, besides the finding that says
    ///   what is wrong with it.
    ///
    /// A topology named on the command line (`topolint check dir/topology.xml`) still joins
    /// the worksheets beside it; another topology in that folder is then not read.
    ///
    /// ## Why it breaks a restore
    /// A worksheet nobody checks drifts out of date unnoticed. When several topologies share a
    /// folder, topolint cannot tell which deployment the worksheets describe, and a guess would
    /// report the wrong servers as unprotected (or the right ones as protected). A verdict that
    /// judged nothing must never read as ready.
    ///
    /// ## Example
    /// ```text
    /// estate/
    ///   database.csv        <- reported: no topology here
    ///   site-a/topology.xml
    ///   site-b/topology.xml
    ///   site-b/old.xml      <- reported: a second topology beside site-b's worksheets
    ///   site-b/servers.csv
    /// ```
    ///
    /// ## How to fix
    /// Give each deployment its own folder holding its topology export
    /// (`Get-CsTopology -AsXml`) and its worksheets, or move the worksheets next to the
    /// topology they describe. Keep the export taken with a backup with that backup and name
    /// it with `--backup-topology`.
    ///
    /// ## Source
    /// The worksheets are part of the backup and restoration plan (*Backup and restoration
    /// worksheets*, Hh202169).
    pub static RULE = {
        code: "IN008",
        name: "ambiguous-deployment",
        severity: Warning,
        scope: Input,
        summary: "worksheets beside no topology document (warning), or beside several or an unreadable one (error)",
        help: "keep one topology document and its worksheets together in one folder per deployment",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let ws = cx.workspace;
    let files = ws
        .worksheets
        .iter()
        .map(|s| s.file)
        .chain(ws.topologies.iter().map(|t| t.file))
        .chain(ws.broken_topologies.iter().copied());
    for file in files {
        out.checked(&ws.files.get(file).display);
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
    use crate::lint::draft::Severity;

    const SHEET: &[u8] = b"Date,Backup share\n2026-11-20,\\\\b.contoso.com\\lync\n";
    const SERVERS: &[u8] =
        b"Server FQDN,Role,Replacement server,Computer account retained\nfe01.contoso.com,Front End,ready,yes\n";

    #[test]
    fn worksheets_without_a_topology_are_one_warning_per_folder() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("site/topology.xml", topology.as_bytes()),
                ("templates/backup-runs.csv", SHEET),
                ("templates/servers.csv", SERVERS),
            ],
        );
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "the 2 worksheets in `templates` have no topology document beside them, so no rule reads them"
        );
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.secondary.len(), 1, "the other worksheet is pointed at");
    }

    #[test]
    fn worksheets_in_a_run_without_any_topology_are_an_error() {
        let checked = check_bytes(&RULE, &[("backup-runs.csv", SHEET)]);
        assert_eq!(checked.findings.len(), 1);
        assert_eq!(checked.findings[0].severity, Severity::Error);
        assert!(
            checked.findings[0].message.contains(
                "has no topology document beside it, and the run read no topology at all"
            )
        );
    }

    #[test]
    fn a_second_topology_is_one_error_naming_both() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("a.xml", topology.as_bytes()),
                ("b.xml", topology.as_bytes()),
                ("backup-runs.csv", SHEET),
                ("servers.csv", SERVERS),
            ],
        );
        assert_eq!(checked.findings.len(), 1, "no cascade per worksheet");
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.entity, "b.xml");
        assert!(
            f.message
                .starts_with("`b.xml` is a second topology document in `.` beside `a.xml`"),
            "{}",
            f.message
        );
        let related: Vec<&str> = f.secondary.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(
            related,
            [
                "the first topology document of the folder",
                "joined with neither topology",
                "joined with neither topology"
            ]
        );
        assert!(checked.ws.deployments.iter().all(|d| d.unjoined == 2));
    }

    #[test]
    fn an_unreadable_topology_beside_worksheets_is_an_error_at_it() {
        let checked = check_bytes(
            &RULE,
            &[
                ("topology.xml", b"<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"><Clusters>"),
                ("servers.csv", SERVERS),
            ],
        );
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.entity, "topology.xml");
        assert!(
            f.message.contains("`topology.xml` could not be read"),
            "{}",
            f.message
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
