use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports an `.xml` or `.tbxml` file that is not well-formed XML 1.0 with namespaces: a
    /// truncated file, an element closed by the wrong end tag, an unquoted or duplicated
    /// attribute, attributes with no white space between them, `<` in an attribute value, text
    /// outside the root element, two root elements, a control character (raw, or as a character
    /// reference such as `&#27;`), `]]>` in text, an invalid name, an XML declaration anywhere but
    /// at the very start, a second DOCTYPE or one after the root element, an XML version other
    /// than 1.0, an undeclared namespace prefix, a second byte-order mark. The finding points at
    /// the offending markup. The internal subset of a DOCTYPE is skipped, not checked.
    ///
    /// Entity declarations in a DOCTYPE are never expanded and external entities are never
    /// fetched, so a hostile file cannot make topolint read other files or blow up in memory.
    ///
    /// ## Why it breaks a restore
    /// `Publish-CsTopology -FileName` refuses a malformed document, and an export that was cut
    /// short (a full disk, a copy interrupted) may be the only record of the topology at backup
    /// time. Finding out during a restore is too late.
    ///
    /// ## Example
    /// ```xml
    /// <Clusters>
    ///   <Cluster Fqdn="pool01.contoso.com">
    /// </Clusters>            <!-- expected </Cluster> -->
    /// ```
    ///
    /// ## How to fix
    /// Export the topology again with `Get-CsTopology -AsXml` rather than repairing it by hand;
    /// if the file is the backup-time copy, take the one from an earlier backup run.
    ///
    /// ## Source
    /// Input rule. *Backup and restoration process overview* (Hh202192): the configuration
    /// exported at backup time is what a restore rebuilds from.
    pub static RULE = {
        code: "IN003",
        name: "xml-syntax",
        severity: Error,
        scope: Input,
        summary: "ill-formed XML, pointing at the offending markup",
        help: "export the topology again with `Get-CsTopology -AsXml` rather than repairing it by hand",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    checked_inputs(cx, out, &["xml", "tbxml"]);
    report_problems(cx, out, ProblemKind::Xml, "here", |p, _| {
        format!("ill-formed XML: {}", p.message)
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::RULE;

    #[test]
    fn fires_on_a_mismatched_end_tag() {
        let checked = check(&RULE, "<Topology>\n  <Clusters>\n  </Topology>\n");
        assert_eq!(checked.lines(), [3]);
        assert!(checked.labelled()[0].starts_with("</Topology"));
    }

    #[test]
    fn fires_on_a_truncated_file() {
        let checked = check(&RULE, "<Topology>\n  <Clusters>\n    <Cluster Fqdn=\"pool");
        assert_eq!(checked.findings.len(), 1);
    }

    #[test]
    fn quiet_on_comments_entities_and_declarations() {
        let checked = check(
            &RULE,
            "<?xml version=\"1.0\"?>\n<!-- export -->\n<Topology><Name>A &amp; B</Name></Topology>",
        );
        assert!(checked.findings.is_empty());
    }
}
