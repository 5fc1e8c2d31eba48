//! How text from the inputs is written into the line-oriented outputs, so that nothing an input
//! says can act on a terminal or a CI service.
//!
//! - [`terminal`]: terminal and log text (human, concise, plan text, inspect, annotations before
//!   their own escapes). Control characters, line and paragraph separators and bidirectional
//!   controls are shown as escapes (`\n`, `\u{1b}`): a value never moves the cursor, changes
//!   the colour or starts a new line. Colour codes come only from topolint itself.
//! - CI logging commands a value could smuggle are broken in every output: Azure Pipelines acts
//!   on `##vso[` and `##[` anywhere in a line, and GitHub Actions on `##[` anywhere and on `::`
//!   at the start of a line (after spaces). [`terminal`] writes the second `#` of such a
//!   sequence, and the second `:` of a `::` that could start a line, as an escape;
//!   [`json`] writes the `#` as the JSON escape `\u0023`, which reads back as the same text.
//!
//! The other outputs have their own function built on the same rules: XML in the JUnit
//! report, HTML in the report, cells in `worksheet init`, PowerShell literals in `plan`.

use std::borrow::Cow;
use std::fmt;

/// Whether the `#` at byte `i` of `text` would complete a CI logging command: it follows a `#`
/// and is followed by `[` (`##[`) or `vso[` (`##vso[`, in any case).
#[must_use]
pub fn completes_command(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    if bytes.get(i) != Some(&b'#') || i == 0 || bytes[i - 1] != b'#' {
        return false;
    }
    let rest = &bytes[i + 1..];
    rest.first() == Some(&b'[')
        || (rest.len() >= 4 && rest[..3].eq_ignore_ascii_case(b"vso") && rest[3] == b'[')
}

/// Whether the `:` at byte `i` of `text` is the second of a `::` that could start an output
/// line: at the start of the text or after whitespace, where a line break or a wrap could put it.
fn completes_line_command(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    if i == 0 || bytes.get(i) != Some(&b':') || bytes[i - 1] != b':' {
        return false;
    }
    text[..i - 1]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace)
}

/// Characters shown as escapes: C0 and C1 controls and DEL (a tab is kept), the Unicode line
/// and paragraph separators, and the bidirectional embedding, override and isolate controls.
#[must_use]
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The escape written for the character at byte `i` of `text`, if it needs one.
fn terminal_escape(text: &str, i: usize, c: char) -> Option<Cow<'static, str>> {
    match c {
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        c if is_hidden(c) => Some(format!("\\u{{{:x}}}", u32::from(c)).into()),
        '#' if completes_command(text, i) => Some("\\u{23}".into()),
        ':' if completes_line_command(text, i) => Some("\\u{3a}".into()),
        _ => None,
    }
}

/// `text` as a terminal or CI log may show it (see the module documentation).
#[must_use]
pub fn terminal(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut done = 0;
    for (i, c) in text.char_indices() {
        if let Some(escape) = terminal_escape(text, i, c) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
            out.push_str(&text[done..i]);
            out.push_str(&escape);
            done = i + c.len_utf8();
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[done..]);
            Cow::Owned(out)
        }
    }
}

/// Appends `text` escaped as [`terminal`] does, calling `escaped(at, from, to)` for each
/// character replaced: its byte offset in `text`, and where its escape starts and ends in `out`.
pub fn terminal_into(out: &mut String, text: &str, mut escaped: impl FnMut(usize, usize, usize)) {
    let mut done = 0;
    for (i, c) in text.char_indices() {
        if let Some(escape) = terminal_escape(text, i, c) {
            out.push_str(&text[done..i]);
            let from = out.len();
            out.push_str(&escape);
            escaped(i, from, out.len());
            done = i + c.len_utf8();
        }
    }
    out.push_str(&text[done..]);
}

/// A value that writes itself through [`terminal`], for `write!` arguments.
pub struct Term<'a>(pub &'a str);

impl fmt::Display for Term<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal(self.0))
    }
}

/// Serialised JSON with every `#` that would complete a CI logging command written as
/// `\u0023`, and the hidden characters serde leaves as they are (DEL, C1 controls, line
/// separators, bidirectional controls) written as `\uXXXX` escapes too. Such characters can
/// only stand inside a JSON string, where the escape reads back as the same character, so the
/// document means exactly what it meant.
#[must_use]
pub fn json(text: String) -> String {
    let needs = |i: usize, c: char| {
        (c == '#' && completes_command(&text, i)) || (is_hidden(c) && u32::from(c) >= 0x7f)
    };
    if !text.char_indices().any(|(i, c)| needs(i, c)) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 12);
    let mut done = 0;
    for (i, c) in text.char_indices() {
        if needs(i, c) {
            out.push_str(&text[done..i]);
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
            done = i + c.len_utf8();
        }
    }
    out.push_str(&text[done..]);
    out
}

/// Writes `value` as pretty-printed JSON through [`json`], with a final newline.
///
/// # Errors
/// Serialising or writing fails.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    out.write_all(json(text).as_bytes())?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_line_breaks_are_shown_as_escapes() {
        assert_eq!(terminal("fe01.contoso.com"), "fe01.contoso.com");
        assert!(matches!(terminal("plain text"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\nb\r\nc"), "a\\nb\\r\\nc");
        assert_eq!(terminal("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(terminal("bell\u{7}"), "bell\\u{7}");
        assert_eq!(terminal("csi\u{9b}2J"), "csi\\u{9b}2J");
        assert_eq!(terminal("nul\0del\u{7f}"), "nul\\u{0}del\\u{7f}");
        assert_eq!(terminal("tab\tkept"), "tab\tkept");
        assert_eq!(terminal("ls\u{2028}ps\u{2029}"), "ls\\u{2028}ps\\u{2029}");
        assert_eq!(terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal("é漢字"), "é漢字");
    }

    #[test]
    fn ci_logging_commands_are_broken() {
        assert_eq!(
            terminal("x ##vso[task.setvariable variable=a]b"),
            "x #\\u{23}vso[task.setvariable variable=a]b"
        );
        assert_eq!(
            terminal("##VSO[task.complete]"),
            "#\\u{23}VSO[task.complete]"
        );
        assert_eq!(terminal("a##[error]b"), "a#\\u{23}[error]b");
        assert_eq!(terminal("###[x"), "##\\u{23}[x");
        // `#` alone, `##` before something else, and `#vso[` are not commands.
        assert_eq!(terminal("# ## #vso[ ##v"), "# ## #vso[ ##v");
        assert_eq!(
            terminal("::error file=a::pwned"),
            ":\\u{3a}error file=a::pwned"
        );
        assert_eq!(terminal("x \t::warning::y"), "x \t:\\u{3a}warning::y");
        // A `::` inside a word cannot start a line.
        assert_eq!(terminal("IPAddress=::1 a::b"), "IPAddress=::1 a::b");
        for hostile in [
            "##vso[task.setvariable variable=x]1",
            "a ##[group]b",
            "::add-mask::x",
            " ::stop-commands::t",
        ] {
            let shown = terminal(hostile);
            assert!(
                !shown.contains("##vso[") && !shown.contains("##["),
                "{shown}"
            );
            for line in shown.lines() {
                assert!(!line.trim_start().starts_with("::"), "{shown}");
            }
        }
    }

    #[test]
    fn escapes_report_their_places() {
        let mut out = String::from(">");
        let mut seen = Vec::new();
        terminal_into(&mut out, "a\u{1b}b\nc", |at, from, to| {
            seen.push((at, from, to))
        });
        assert_eq!(out, ">a\\u{1b}b\\nc");
        assert_eq!(seen, [(1, 2, 8), (3, 9, 11)]);
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_the_commands() {
        let value =
            serde_json::json!({"m": "##vso[task.setvariable variable=x]1 ##[error] # ## \\##["});
        let text = json(serde_json::to_string(&value).expect("json"));
        assert!(!text.contains("##vso[") && !text.contains("##["), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value);
        assert_eq!(json("{\"a\":\"#\"}".to_string()), "{\"a\":\"#\"}");
        let hidden = serde_json::json!({"m": "csi\u{9b}2J del\u{7f} rlo\u{202e} ls\u{2028}"});
        let text = json(serde_json::to_string(&hidden).expect("json"));
        assert_eq!(
            text,
            "{\"m\":\"csi\\u009b2J del\\u007f rlo\\u202e ls\\u2028\"}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("JSON"),
            hidden
        );
    }
}
