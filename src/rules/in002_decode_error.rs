use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a file whose bytes are not text topolint can read: invalid UTF-8, UTF-16 without
    /// a byte-order mark, an unpaired UTF-16 surrogate, an odd number of bytes in a UTF-16 file,
    /// or NUL bytes. The finding points at the first bad byte.
    ///
    /// Accepted: UTF-8 with or without BOM, and UTF-16LE or UTF-16BE with BOM (what Windows
    /// PowerShell 5.1's `Out-File` and `>` write), with CRLF or LF line ends.
    ///
    /// ## Why it breaks a restore
    /// A topology that cannot be decoded is not checked. Bad bytes are also a sign that the file
    /// was damaged or converted wrongly (for example saved as ASCII, which turns every non-ASCII
    /// letter of a site name into `?`), and the copy kept with the backups may be no better.
    ///
    /// ## Example
    /// ```text
    /// error[IN002]: invalid UTF-8: byte 0xFF at offset 212
    /// ```
    ///
    /// ## How to fix
    /// Export the topology again from the Lync Server Management Shell:
    /// `(Get-CsTopology -AsXml).ToString() | Out-File topology.xml -Encoding Unicode`
    /// (UTF-16 with a BOM), or save the file as UTF-8.
    ///
    /// ## Source
    /// Input rule; no restore requirement.
    pub static RULE = {
        code: "IN002",
        name: "decode-error",
        severity: Error,
        scope: Input,
        summary: "bytes are not valid UTF-8/UTF-16 as declared by BOM",
        help: "save the file as UTF-8, or as UTF-16 with a byte-order mark",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    checked_inputs(cx, out, &[]);
    report_problems(
        cx,
        out,
        ProblemKind::Decode,
        "first bad byte here",
        |p, _| p.message.clone(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check_bytes;
    use super::RULE;

    #[test]
    fn fires_at_the_first_invalid_byte() {
        let checked = check_bytes(
            &RULE,
            &[("t.xml", b"<Topology>\n  <Name>caf\xE9</Name>\n</Topology>")],
        );
        assert_eq!(checked.lines(), [2]);
        assert!(checked.findings[0].message.contains("0xE9"));
    }

    #[test]
    fn fires_for_utf16_without_bom() {
        let bytes: Vec<u8> = "<Topology/>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let checked = check_bytes(&RULE, &[("t.xml", &bytes)]);
        assert_eq!(checked.findings.len(), 1);
        assert!(
            checked.findings[0]
                .message
                .contains("without a byte-order mark")
        );
    }

    #[test]
    fn quiet_for_utf16_with_bom_and_utf8_with_bom() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("<a/>\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        let checked = check_bytes(&RULE, &[("a.xml", &utf16), ("b.xml", b"\xEF\xBB\xBF<a/>")]);
        assert!(checked.findings.is_empty());
    }
}
