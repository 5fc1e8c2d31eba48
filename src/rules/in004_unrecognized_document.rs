use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a file that is none of what topolint reads, saying what topolint took it for
    /// and why:
    ///
    /// - a `.csv` or `.txt` file whose header row matches no worksheet kind; when one kind comes
    ///   close (at least half of its required columns present or nearly so), the finding names
    ///   it and marks each header cell that differs with "did you mean";
    /// - a file named `.xlsx` or `.xlsm` that is no Excel workbook (a CSV file saved under that
    ///   name, an Excel 97-2003 workbook, a ZIP archive holding no workbook), a workbook none of
    ///   whose sheets starts with a worksheet's header row, and a sheet whose header row comes
    ///   close to a kind's (a cell nearly naming one of its required columns, or two of them
    ///   present), marked like a CSV file's; an Excel 97-2003 file (`.xls`, by its first bytes
    ///   under any name), which this version does not read;
    /// - a ZIP archive (`.zip`, or any file whose first bytes are a ZIP signature, such as an
    ///   archive renamed `.csv`): this version does not read the archives the Export-Cs*
    ///   cmdlets write. Binary files are recognised by name and first bytes and are never
    ///   decoded as text;
    /// - an XML document that is not a topology: one whose root is `Topology` or
    ///   `TopologyBuilder` outside the Lync/Skype for Business namespaces always; any other
    ///   when it was named on the command line.
    ///
    /// A file named on the command line is an error. A file met while walking a directory is a
    /// warning, and only in a deployment folder (one holding a topology document or a
    /// worksheet): no `.csv`, `.txt`, `.xlsx`, `.xlsm` or `.zip` file there is dropped in
    /// silence. Elsewhere a walk skips what it does not read.
    ///
    /// Topologies are recognised by content, not by file name: root `Topology` in
    /// `urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008` (`Get-CsTopology -AsXml`), or
    /// root `TopologyBuilder` in `urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008`
    /// (a Topology Builder `.tbxml` file). Worksheets are recognised by their header row.
    ///
    /// ## Why it breaks a restore
    /// A file you meant to check but that was not understood gives a clean result for the wrong
    /// reason: the deployment it describes was never checked. A worksheet whose header was
    /// mistyped, or kept only in a workbook, is as good as missing, and the readiness rules
    /// would then report the backups it records as absent, or not look at them at all.
    ///
    /// ## Example
    /// ```text
    /// warning[IN004]: `servers.csv` was read as CSV text (UTF-8, comma-separated) for its .csv name,
    /// but its header row matches no worksheet kind: the closest is the servers worksheet (2 of
    /// its 4 required columns; `Server` for `Server FQDN` and `Replacement` for `Replacement server`)
    /// ```
    ///
    /// ## How to fix
    /// Rename the header cells marked to the column names of the worksheet (case, surrounding
    /// spaces and a trailing `*` do not matter); `topolint worksheet init TOPOLOGY --out DIR`
    /// writes every kind. Save a workbook as Excel Workbook (*.xlsx), its worksheets each on a
    /// sheet of its own, header row first. Keep archives with the backups, or list them in
    /// `.ignore`. Point topolint at the topology export itself: `Export-CsConfiguration` writes
    /// a ZIP archive, not a topology; use `(Get-CsTopology -AsXml).ToString() > topology.xml`.
    ///
    /// ## Source
    /// Input rule: what topolint reads is described in its README (Worksheets); Microsoft's
    /// worksheets are those of *Backup and restoration worksheets* (Hh202169).
    pub static RULE = {
        code: "IN004",
        name: "unrecognized-document",
        severity: Error,
        scope: Input,
        summary: "a named file, or a file of a deployment folder (warning), that is none of what topolint reads",
        help: "name the topology export itself (`Get-CsTopology -AsXml`) or a Topology Builder .tbxml file",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    checked_inputs(cx, out, &[]);
    report_problems(
        cx,
        out,
        ProblemKind::Unrecognized,
        "not recognised",
        |p, _| p.message.clone(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, check_bytes, check_walked, published};
    use super::RULE;
    use crate::lint::draft::Severity;

    #[test]
    fn fires_for_another_xml_document() {
        let checked = check(&RULE, "<rss version=\"2.0\"><channel/></rss>");
        assert_eq!(checked.labelled(), ["rss"]);
    }

    #[test]
    fn fires_for_a_topology_without_its_namespace() {
        let checked = check(&RULE, "<Topology><Clusters/></Topology>");
        assert!(checked.findings[0].message.contains("namespace"));
    }

    #[test]
    fn quiet_for_both_topology_forms() {
        let published = check(
            &RULE,
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"/>",
        );
        let builder = check(
            &RULE,
            "<TopologyBuilder xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"/>",
        );
        assert!(published.findings.is_empty() && builder.findings.is_empty());
    }

    #[test]
    fn a_named_zip_is_an_archive_never_text() {
        // An Export-CsConfiguration archive: a local file header, then deflated bytes.
        let zip: &[u8] = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe\x80DocItemSet.xml";
        for name in ["CsConfiguration.zip", "renamed.csv", "renamed.xml"] {
            let checked = check_bytes(&RULE, &[(name, zip)]);
            assert_eq!(checked.findings.len(), 1, "{name}");
            let f = &checked.findings[0];
            assert_eq!(f.severity, Severity::Error);
            assert!(f.message.contains("is a ZIP archive"), "{}", f.message);
            assert!(!f.message.contains("UTF-8"), "{}", f.message);
            assert_eq!(
                checked
                    .ws
                    .files
                    .get(f.primary.as_ref().expect("at").file)
                    .encoding,
                crate::input::source::Encoding::Binary
            );
        }
        let named = check_bytes(&RULE, &[("CsConfiguration.zip", zip)]);
        assert!(named.findings[0].message.contains("its name ends in .zip"));
        let sniffed = check_bytes(&RULE, &[("renamed.csv", zip)]);
        assert!(
            sniffed.findings[0]
                .message
                .contains("its first bytes are `PK`")
        );
    }

    #[test]
    fn in_a_walk_only_files_of_a_deployment_folder_are_reported_as_warnings() {
        let topology = published("", "", "");
        let checked = check_walked(
            &RULE,
            &[
                ("site/topology.xml", topology.as_bytes()),
                ("site/Backup worksheets.xlsx", b"Name,Phone\nx,1\n"),
                ("site/CsConfiguration.zip", b"PK\x03\x04"),
                ("site/notes.txt", b"Remember to rotate the tapes\n"),
                ("elsewhere/data.csv", b"Name,Phone\nx,1\n"),
                ("elsewhere/archive.zip", b"PK\x03\x04"),
            ],
        );
        let reported: Vec<(&str, Severity)> = checked
            .findings
            .iter()
            .map(|f| (f.entity.as_str(), f.severity))
            .collect();
        assert_eq!(
            reported,
            [
                ("site/Backup worksheets.xlsx", Severity::Warning),
                ("site/CsConfiguration.zip", Severity::Warning),
                ("site/notes.txt", Severity::Warning),
            ]
        );
        assert!(
            checked.findings[0]
                .message
                .contains("is named like an Excel workbook, but it is not a ZIP archive")
        );
        assert!(
            checked.findings[2]
                .message
                .contains("was read as CSV text (UTF-8, comma-separated) for its .txt name, but its header row matches no worksheet kind"),
            "{}",
            checked.findings[2].message
        );
    }

    #[test]
    fn the_closest_kind_gets_a_did_you_mean_on_each_cell_that_differs() {
        let topology = published("", "", "");
        let checked = check_walked(
            &RULE,
            &[
                ("topology.xml", topology.as_bytes()),
                (
                    "servers.csv",
                    b"Server,Role,Replacement,Computer account retained\nfe01.contoso.com,Front End,ready,yes\n",
                ),
            ],
        );
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert!(
            f.message.contains(
                "the closest is the servers worksheet (2 of its 4 required columns; `Server` for `Server FQDN` and `Replacement` for `Replacement server`)"
            ),
            "{}",
            f.message
        );
        let hints: Vec<(&str, &str)> = f
            .primary
            .iter()
            .chain(&f.secondary)
            .map(|l| {
                (
                    checked.ws.files.get(l.file).slice(l.span),
                    l.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            hints,
            [
                ("Server", "did you mean `Server FQDN`?"),
                ("Replacement", "did you mean `Replacement server`?")
            ]
        );
    }
}
