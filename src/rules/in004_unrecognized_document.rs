use super::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a file named on the command line that is neither a topology document nor a
    /// worksheet, and any XML file whose root is `Topology` or `TopologyBuilder` but not in the
    /// Lync/Skype for Business namespace. Other files met while walking a directory are skipped
    /// silently.
    ///
    /// Topologies are recognised by content, not by file name: root `Topology` in
    /// `urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008` (`Get-CsTopology -AsXml`), or
    /// root `TopologyBuilder` in `urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008`
    /// (a Topology Builder `.tbxml` file).
    ///
    /// ## Why it breaks a restore
    /// A file you meant to check but that was not understood gives a clean result for the wrong
    /// reason: the deployment it describes was never checked.
    ///
    /// ## Example
    /// ```text
    /// error[IN004]: `DocItemSet` is neither a topology document nor a worksheet
    /// ```
    ///
    /// ## How to fix
    /// Point topolint at the topology export itself. `Export-CsConfiguration` writes a ZIP
    /// archive, not a topology; use `(Get-CsTopology -AsXml).ToString() > topology.xml`.
    ///
    /// ## Source
    /// Input rule; no restore requirement.
    pub static RULE = {
        code: "IN004",
        name: "unrecognized-document",
        severity: Error,
        scope: Input,
        summary: "a named file is neither a topology nor a worksheet kind",
        sources: [],
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
    use super::super::test_util::check;
    use super::RULE;

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
}
