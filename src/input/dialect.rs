//! How a CSV file is written, read from the file itself: the separator, and the line Windows
//! tools write before the header.

/// How a CSV file is written: its separator, and the line skipped before its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// `,`, `;` or TAB.
    pub separator: u8,
    /// The first line, skipped: `#TYPE ...` or `sep=X`.
    pub preamble: Option<Preamble>,
    /// Where the header row starts (after the preamble).
    pub start: usize,
}

/// A first line that is not the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preamble {
    /// `#TYPE System.Management.Automation.PSCustomObject`: Windows PowerShell 5.1's
    /// `Export-Csv` without `-NoTypeInformation`.
    PowerShellType,
    /// `sep=;`: Excel's hint naming the separator.
    Separator,
}

impl Default for Dialect {
    fn default() -> Self {
        Self {
            separator: b',',
            preamble: None,
            start: 0,
        }
    }
}

impl Dialect {
    /// Reads the dialect from the start of the text.
    #[must_use]
    pub fn detect(text: &str) -> Self {
        let first = text.split('\n').next().unwrap_or("");
        let after_first = (first.len() + 1).min(text.len());
        let trimmed = first.trim_end_matches('\r');
        if trimmed.starts_with("#TYPE") {
            let mut dialect = Self::from_header(&text[after_first..]);
            dialect.preamble = Some(Preamble::PowerShellType);
            dialect.start = after_first;
            return dialect;
        }
        if let Some(sep) = trimmed.strip_prefix("sep=") {
            if let [separator @ (b',' | b';' | b'\t' | b'|')] = sep.as_bytes() {
                return Self {
                    separator: *separator,
                    preamble: Some(Preamble::Separator),
                    start: after_first,
                };
            }
        }
        Self::from_header(text)
    }

    /// The separator the header row (the first record of `text`) uses most, outside quotes;
    /// `,` on a tie or when it has none.
    fn from_header(text: &str) -> Self {
        let mut counts = [0usize; 3];
        let mut quoted = false;
        for b in text.bytes() {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => break,
                b',' if !quoted => counts[0] += 1,
                b';' if !quoted => counts[1] += 1,
                b'\t' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let mut separator = b',';
        let mut best = counts[0];
        for (count, sep) in [(counts[1], b';'), (counts[2], b'\t')] {
            if count > best {
                best = count;
                separator = sep;
            }
        }
        Self {
            separator,
            preamble: None,
            start: 0,
        }
    }

    /// The separator as users name it: `,`, `;`, `TAB`.
    #[must_use]
    pub fn separator_name(self) -> &'static str {
        match self.separator {
            b';' => ";",
            b'\t' => "TAB",
            b'|' => "|",
            _ => ",",
        }
    }

    /// The dialect in words, for `inspect`: `semicolon-separated, after Export-Csv's #TYPE
    /// line`.
    #[must_use]
    pub fn describe(self) -> String {
        let mut text = match self.separator {
            b';' => "semicolon-separated",
            b'\t' => "tab-separated",
            b'|' => "pipe-separated",
            _ => "comma-separated",
        }
        .to_string();
        match self.preamble {
            Some(Preamble::PowerShellType) => text.push_str(", after Export-Csv's #TYPE line"),
            Some(Preamble::Separator) => text.push_str(", after Excel's sep= line"),
            None => {}
        }
        text
    }
}
