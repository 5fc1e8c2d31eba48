//! What a value must look like to be what it names: a host name, a SQL Server instance name, a
//! Windows path, file name or share name. One place decides, for every use: the worksheet
//! reader (a cell that fails is not read as its type), IN009 (which reports it), `plan` (which
//! builds commands only from [`Valid`] values) and `worksheet init` (which writes no cell from a
//! value that fails).
//!
//! The rules:
//! - **FQDN** (RFC 1123 host names, with the underscore Windows computer names may carry):
//!   labels of letters, digits, hyphens and underscores, 1 to 63 characters, not starting or
//!   ending with a hyphen, separated by single dots; 253 characters at most, one trailing dot
//!   allowed. A single label (a NetBIOS name) is a host name too (TP104 warns about it).
//! - **SQL Server instance name** (*Installation Wizard help*, Instance Configuration): 16
//!   characters at most; a letter first; then letters, digits, `$` or `_`; not ending with `_`.
//!   Empty, `(default)`, `default` and `MSSQLSERVER` name the default instance. Reserved
//!   T-SQL keywords are not checked: they are inert wherever topolint writes them.
//! - **Path** (*Naming Files, Paths, and Namespaces*): `\\host\share[\...]` with a valid host
//!   and share, or a local or relative path; no character Windows forbids in names
//!   (`< > : " | ? *`, a colon being allowed only after a drive letter), no control character,
//!   line separator or bidirectional control. A **file name** and a **share name** are one
//!   such name, without `\` or `/`.
//!
//! Every rule also refuses control characters, so a valid value never holds a line break.

use std::fmt;

use serde::Serialize;

use crate::input::text::is_hidden;
use crate::input::text::shown;

/// What a value names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum What {
    /// A host or pool name.
    Fqdn,
    /// A SQL Server instance name (empty for the default instance).
    Instance,
    /// `fqdn\instance`, or an FQDN alone for the default instance.
    SqlInstance,
    /// A Windows path: `\\host\share\...`, `D:\...` or relative.
    Path,
    /// One file name, without a folder.
    FileName,
    /// A share name (`LyncShare`).
    Share,
}

impl What {
    /// The kind of value, with its article: `an FQDN`.
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Self::Fqdn => "an FQDN",
            Self::Instance => "a SQL Server instance name",
            Self::SqlInstance => "a SQL Server instance (`fqdn\\instance`)",
            Self::Path => "a Windows path",
            Self::FileName => "a file name",
            Self::Share => "a share name",
        }
    }

    /// What to write instead.
    #[must_use]
    pub fn help(self) -> &'static str {
        match self {
            Self::Fqdn => {
                "write the server's fully qualified domain name: labels of letters, digits and hyphens separated by dots, such as sql01.contoso.com"
            }
            Self::Instance => {
                "write the instance name as SQL Server knows it (16 characters at most: a letter, then letters, digits, `$` or `_`), or `(default)` for the default instance"
            }
            Self::SqlInstance => {
                "write `fqdn\\instance` (sql01.contoso.com\\rtc), or the FQDN alone for a default instance"
            }
            Self::Path => {
                "write the path as Windows writes it (\\\\host\\share\\folder): Windows forbids < > : \" | ? * and control characters in names"
            }
            Self::FileName => {
                "write the file's name alone (CsConfiguration.zip), without a folder: Windows forbids \\ / < > : \" | ? * and control characters in names"
            }
            Self::Share => {
                "write the share's name as Windows shares it: Windows forbids \\ / < > : \" | ? * and control characters in names"
            }
        }
    }

    /// Checks `text` (trimmed of surrounding spaces); `Err` says why it cannot be this kind of
    /// value.
    ///
    /// # Errors
    /// The reason, in words (`it holds \`;\`, which no host name can hold`).
    pub fn check(self, text: &str) -> Result<(), String> {
        let text = text.trim();
        match self {
            Self::Fqdn => fqdn(text),
            Self::Instance => instance(text),
            Self::SqlInstance => match text.split_once('\\') {
                Some((server, name)) if !name.is_empty() => fqdn(server)
                    .map_err(|why| of("its server name", &why))
                    .and_then(|()| instance(name).map_err(|why| of("its instance name", &why))),
                Some(_) => Err("nothing follows the `\\`".to_string()),
                None => fqdn(text),
            },
            Self::Path => path(text),
            Self::FileName | Self::Share => name(text),
        }
    }
}

/// A value that failed its check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub what: What,
    /// The value as written (trimmed).
    pub value: String,
    /// Why it cannot be what it names.
    pub why: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not {}: {}",
            shown(&self.value),
            self.what.noun(),
            self.why
        )
    }
}

/// A value that passed its check: the only kind of value a command is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Valid {
    what: What,
    text: String,
}

impl Valid {
    /// Checks `text` as a `what`.
    ///
    /// # Errors
    /// The value and why it fails.
    pub fn new(what: What, text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        match what.check(text) {
            Ok(()) => Ok(Self {
                what,
                text: text.to_string(),
            }),
            Err(why) => Err(Invalid {
                what,
                value: text.to_string(),
                why,
            }),
        }
    }

    #[must_use]
    pub fn what(&self) -> What {
        self.what
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Valid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A reason about a part of the value: `it holds ...` becomes `its host name holds ...`.
fn of(part: &str, why: &str) -> String {
    match why.strip_prefix("it ") {
        Some(rest) => format!("{part} {rest}"),
        None => format!("{part}: {why}"),
    }
}

/// A character as a reason shows it: `` `;` ``, or its code point when it is invisible.
fn named(c: char) -> String {
    if is_hidden(c) || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// The first hidden character (a control, line separator or bidirectional control), named.
fn hidden(text: &str) -> Result<(), String> {
    match text.chars().find(|&c| is_hidden(c)) {
        Some('\n' | '\r') => Err("it holds a line break".to_string()),
        Some(c) => Err(format!("it holds the control character {}", named(c))),
        None => Ok(()),
    }
}

fn fqdn(text: &str) -> Result<(), String> {
    hidden(text)?;
    let name = text.strip_suffix('.').unwrap_or(text);
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "it holds {}, which no host name can hold",
            named(c)
        ));
    }
    if name.len() > 253 {
        return Err("it is longer than 253 characters".to_string());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (two dots in a row, or a leading dot)".to_string());
        }
        if label.len() > 63 {
            return Err(format!(
                "the label `{}` is longer than 63 characters",
                shown(label)
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label `{label}` starts or ends with a hyphen"));
        }
    }
    Ok(())
}

/// An instance name in the one form names are compared in: lower-case, and the empty string
/// for the default instance however it is written. A topology writes the default instance as
/// an empty name; `MSSQLSERVER` is the default instance's own name in SQL Server (a topology or
/// a worksheet may write it literally), and worksheets also write `(default)` or `default`.
#[must_use]
pub fn instance_key(name: &str) -> String {
    let t = name.trim();
    if t.eq_ignore_ascii_case("(default)")
        || t.eq_ignore_ascii_case("mssqlserver")
        || t.eq_ignore_ascii_case("default")
    {
        return String::new();
    }
    t.to_lowercase()
}

/// Whether an instance name (as a topology or a cell writes it) names the default instance.
#[must_use]
pub fn is_default_instance(text: &str) -> bool {
    instance_key(text).is_empty()
}

fn instance(text: &str) -> Result<(), String> {
    if is_default_instance(text) {
        return Ok(());
    }
    hidden(text)?;
    if text.chars().count() > 16 {
        return Err("it is longer than 16 characters".to_string());
    }
    let mut chars = text.chars();
    if let Some(first) = chars.next().filter(|c| !c.is_alphabetic()) {
        return Err(format!("it starts with {}, not a letter", named(first)));
    }
    if let Some(c) = chars.find(|&c| !(c.is_alphanumeric() || matches!(c, '$' | '_'))) {
        return Err(format!(
            "it holds {}, and only letters, digits, `$` and `_` may follow the first letter",
            named(c)
        ));
    }
    if text.ends_with('_') {
        return Err("it ends with `_`".to_string());
    }
    Ok(())
}

/// Characters Windows forbids in every name.
const FORBIDDEN: &[char] = &['<', '>', ':', '"', '|', '?', '*'];

/// One file, folder or share name.
fn name(text: &str) -> Result<(), String> {
    hidden(text)?;
    if text.is_empty() {
        return Err("it is empty".to_string());
    }
    match text
        .chars()
        .find(|c| FORBIDDEN.contains(c) || matches!(c, '\\' | '/'))
    {
        Some(c) => Err(format!(
            "it holds {}, which Windows forbids in names",
            named(c)
        )),
        None => Ok(()),
    }
}

fn path(text: &str) -> Result<(), String> {
    hidden(text)?;
    if text.is_empty() {
        return Err("it is empty".to_string());
    }
    if text.chars().count() > 32_767 {
        return Err("it is longer than Windows allows (32,767 characters)".to_string());
    }
    let rest = if let Some(unc) = text.strip_prefix("\\\\") {
        let mut parts = unc.splitn(3, ['\\', '/']);
        let host = parts.next().unwrap_or("");
        fqdn(host).map_err(|why| of("its host name", &why))?;
        let share = parts.next().unwrap_or("");
        if share.is_empty() {
            return Err("it names a host but no share (`\\\\host\\share`)".to_string());
        }
        name(share).map_err(|why| of("its share name", &why))?;
        parts.next().unwrap_or("")
    } else {
        // A drive letter and its colon (`D:`), the one place a colon may stand.
        match text.as_bytes() {
            [d, b':', ..] if d.is_ascii_alphabetic() => &text[2..],
            _ => text,
        }
    };
    match rest.chars().find(|c| FORBIDDEN.contains(c)) {
        Some(c) => Err(format!(
            "it holds {}, which Windows forbids in file and folder names",
            named(c)
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(what: What, text: &str) -> bool {
        what.check(text).is_ok()
    }

    #[test]
    fn host_names() {
        for good in [
            "fe01.contoso.com",
            "FE01.Contoso.COM.",
            "wac01",
            "sql_01.contoso.com",
            "10.0.0.5",
            "a-b.c",
        ] {
            assert!(ok(What::Fqdn, good), "{good}");
        }
        for (bad, why) in [
            ("", "it is empty"),
            (
                "fe01 .contoso.com",
                "it holds U+0020, which no host name can hold",
            ),
            (
                "fe01;calc.contoso.com",
                "it holds `;`, which no host name can hold",
            ),
            (
                "$(calc).contoso.com",
                "it holds `$`, which no host name can hold",
            ),
            (
                "fe01..contoso.com",
                "it has an empty label (two dots in a row, or a leading dot)",
            ),
            (
                "-fe01.contoso.com",
                "the label `-fe01` starts or ends with a hyphen",
            ),
            (
                "=cmd|' /C calc'!A0",
                "it holds `=`, which no host name can hold",
            ),
            ("fe01\n.contoso.com", "it holds a line break"),
            ("fe01\u{1b}.com", "it holds the control character U+001B"),
            (
                "fé01.contoso.com",
                "it holds `é`, which no host name can hold",
            ),
        ] {
            assert_eq!(What::Fqdn.check(bad), Err(why.to_string()), "{bad:?}");
        }
        assert!(What::Fqdn.check(&"a".repeat(64)).is_err());
        assert!(
            What::Fqdn
                .check(&format!("{}.com", "a.".repeat(130)))
                .is_err()
        );
    }

    #[test]
    fn sql_server_instance_names() {
        for good in [
            "rtc",
            "RTC",
            "Lync$2013",
            "mon_db",
            "",
            "(default)",
            "MSSQLSERVER",
            "ÉtéSQL",
        ] {
            assert!(ok(What::Instance, good), "{good}");
        }
        for bad in [
            "1rtc",
            "_rtc",
            "rtc_",
            "rtc-01",
            "rtc#1",
            "rtc;calc",
            "rtc 01",
            "a23456789012345678",
            "rtc'x",
            "r\ntc",
        ] {
            assert!(!ok(What::Instance, bad), "{bad}");
        }
        assert!(ok(What::SqlInstance, "sql01.contoso.com\\rtc"));
        assert!(ok(What::SqlInstance, "sql01.contoso.com"));
        assert!(!ok(What::SqlInstance, "sql01.contoso.com\\"));
        assert!(!ok(What::SqlInstance, "sql01 contoso\\rtc"));
        assert_eq!(
            What::SqlInstance.check("sql01.contoso.com\\r;tc"),
            Err("its instance name holds `;`, and only letters, digits, `$` and `_` may follow the first letter".to_string())
        );
        assert_eq!(
            What::Path.check(r"\\ba?d\share"),
            Err("its host name holds `?`, which no host name can hold".to_string())
        );
    }

    #[test]
    fn paths_and_names() {
        for good in [
            r"\\backup01.contoso.com\lync\2026-11-20",
            r"\\backup01\lync$\x'y.zip",
            r"\\b\x$(calc)\y;z.zip",
            r"D:\Backup\Lync",
            r"D:",
            r"exports\xds.zip",
            r"\\b\s\Données sauvegardées\é.zip",
        ] {
            assert!(ok(What::Path, good), "{good}");
        }
        for bad in [
            "\"; Remove-Item C:\\ -Recurse; \"",
            r"\\b\s\a|b",
            r"\\b\s\a:b",
            r"\\host",
            r"\\host\",
            r"\\ho st\share",
            "\\\\b\\s\\x\ny",
            r"\\?\C:\x",
            r"https://backup/x",
            r"D:\a*b",
            "",
        ] {
            assert!(!ok(What::Path, bad), "{bad:?}");
        }
        assert!(ok(What::FileName, "CsConfiguration.zip"));
        assert!(!ok(What::FileName, r"sub\x.zip"));
        assert!(!ok(What::FileName, "a:b.zip"));
        assert!(ok(What::Share, "LyncShare$"));
        assert!(!ok(What::Share, "Lync/Share"));
    }

    #[test]
    fn valid_values_carry_their_text_and_invalid_ones_say_why() {
        let v = Valid::new(What::Fqdn, " pool01.contoso.com ").expect("valid");
        assert_eq!((v.as_str(), v.what()), ("pool01.contoso.com", What::Fqdn));
        let e = Valid::new(What::Instance, "rtc;x").expect_err("invalid");
        assert_eq!(
            e.to_string(),
            "`rtc;x` is not a SQL Server instance name: it holds `;`, and only letters, digits, `$` and `_` may follow the first letter"
        );
    }
}
