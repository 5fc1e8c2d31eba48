//! PowerShell commands that nothing an input says can turn into code.
//!
//! A [`Command`] is built from the cmdlet's name, parameter names and words of topolint's own
//! (all `&'static str`), and argument values that are either [`Valid`] values or topolint's
//! text. Every value is written by [`literal`]: a single-quoted literal, inside which PowerShell
//! expands nothing (`$(...)`, `$name` and backticks stay text). A value that fails its check
//! never becomes a [`Valid`], so it cannot reach a command; the caller gets the [`Invalid`]
//! instead and says so.
//!
//! [`Invalid`]: crate::model::valid::Invalid

use crate::model::valid::Valid;

/// Whether PowerShell reads `c` as a single quote: `'` and the typographic forms U+2018,
/// U+2019, U+201A and U+201B, which it accepts as the same delimiter.
#[must_use]
pub fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

/// `text` as a single-quoted PowerShell literal: every single quote, in any of its forms,
/// doubled; nothing else changes (`\\b\x'y.zip` becomes `'\\b\x''y.zip'`).
#[must_use]
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if is_single_quote(c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// One piece of a [`Literal`].
#[derive(Clone, Copy, Debug)]
pub enum Part<'a> {
    /// Topolint's own text.
    Text(&'static str),
    /// A checked value.
    Value(&'a Valid),
}

/// An argument: checked values and topolint's own text, written as one literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal(String);

impl Literal {
    /// The pieces joined into one value (`service:ApplicationServer:` and a pool FQDN).
    #[must_use]
    pub fn join(parts: &[Part<'_>]) -> Self {
        let mut text = String::new();
        for part in parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Value(v) => text.push_str(v.as_str()),
            }
        }
        Self(text)
    }

    /// Words of topolint's own.
    #[must_use]
    pub fn text(text: &'static str) -> Self {
        Self(text.to_string())
    }
}

impl From<&Valid> for Literal {
    fn from(value: &Valid) -> Self {
        Self(value.as_str().to_string())
    }
}

impl From<Valid> for Literal {
    fn from(value: Valid) -> Self {
        Self::from(&value)
    }
}

/// A command line, built piece by piece.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    line: String,
}

impl Command {
    /// The cmdlet or program.
    #[must_use]
    pub fn new(name: &'static str) -> Self {
        Self {
            line: name.to_string(),
        }
    }

    /// A switch parameter: ` -Verbose`.
    #[must_use]
    pub fn switch(mut self, name: &'static str) -> Self {
        self.line.push_str(" -");
        self.line.push_str(name);
        self
    }

    /// A parameter whose value is a word of topolint's own: ` -DatabaseType User`.
    #[must_use]
    pub fn word(mut self, name: &'static str, word: &'static str) -> Self {
        self = self.switch(name);
        self.line.push(' ');
        self.line.push_str(word);
        self
    }

    /// A parameter and its value, as a literal: ` -PoolFqdn 'pool01.contoso.com'`.
    #[must_use]
    pub fn param(mut self, name: &'static str, value: impl Into<Literal>) -> Self {
        self = self.switch(name);
        self.arg(value)
    }

    /// A positional argument, as a literal.
    #[must_use]
    pub fn arg(mut self, value: impl Into<Literal>) -> Self {
        self.line.push(' ');
        self.line.push_str(&literal(&value.into().0));
        self
    }

    /// An option of a program that is not a cmdlet, as written: ` /E`.
    #[must_use]
    pub fn option(mut self, option: &'static str) -> Self {
        self.line.push(' ');
        self.line.push_str(option);
        self
    }

    /// The command line.
    #[must_use]
    pub fn line(&self) -> &str {
        &self.line
    }
}

impl From<Command> for String {
    fn from(command: Command) -> Self {
        command.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::valid::What;

    fn valid(what: What, text: &str) -> Valid {
        Valid::new(what, text).expect("valid")
    }

    #[test]
    fn literals_double_every_single_quote_and_keep_the_rest() {
        assert_eq!(literal(r"\\b\x'y.zip"), r"'\\b\x''y.zip'");
        assert_eq!(
            literal("$(Remove-Item C:\\) `$x \"q\""),
            "'$(Remove-Item C:\\) `$x \"q\"'"
        );
        assert_eq!(
            literal("a\u{2018}b\u{2019}c\u{201a}d\u{201b}e"),
            "'a\u{2018}\u{2018}b\u{2019}\u{2019}c\u{201a}\u{201a}d\u{201b}\u{201b}e'"
        );
        assert_eq!(literal(""), "''");
    }

    /// A literal never ends before its closing quote: scanning it as PowerShell does (a quote
    /// followed by a quote is one quote character), the first lone quote is the last character.
    #[test]
    fn a_literal_is_one_token_whatever_it_holds() {
        for hostile in [
            "'; Remove-Item C:\\ -Recurse; '",
            "x\u{2019}; calc; \u{2018}",
            "''''",
            "'",
            "\u{201b}",
        ] {
            let lit: Vec<char> = literal(hostile).chars().collect();
            assert!(is_single_quote(lit[0]));
            let mut i = 1;
            let end = loop {
                if is_single_quote(lit[i]) {
                    if i + 1 < lit.len() && is_single_quote(lit[i + 1]) {
                        i += 2;
                        continue;
                    }
                    break i;
                }
                i += 1;
            };
            assert_eq!(end, lit.len() - 1, "{hostile:?}");
        }
    }

    #[test]
    fn commands_quote_every_value() {
        let pool = valid(What::Fqdn, "pool01.contoso.com");
        let file = valid(What::Path, r"\\backup01\lync\it's\ExportedUserData.zip");
        let command = Command::new("Import-CsUserData")
            .param("PoolFqdn", &pool)
            .param("FileName", &file)
            .word("DatabaseType", "User")
            .switch("Verbose");
        assert_eq!(
            command.line(),
            r"Import-CsUserData -PoolFqdn 'pool01.contoso.com' -FileName '\\backup01\lync\it''s\ExportedUserData.zip' -DatabaseType User -Verbose"
        );
        let destination =
            Literal::join(&[Part::Text("service:ApplicationServer:"), Part::Value(&pool)]);
        let rgs = Command::new("Import-CsRgsConfiguration").param("Destination", destination);
        assert_eq!(
            rgs.line(),
            "Import-CsRgsConfiguration -Destination 'service:ApplicationServer:pool01.contoso.com'"
        );
        let copy = Command::new("robocopy")
            .arg(&file)
            .arg(Literal::text("<no copy recorded>"))
            .option("/E");
        assert_eq!(
            String::from(copy),
            r"robocopy '\\backup01\lync\it''s\ExportedUserData.zip' '<no copy recorded>' /E"
        );
    }
}
