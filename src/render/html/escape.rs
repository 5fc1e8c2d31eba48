//! The one way input-derived text enters the report: escaped for HTML text and for quoted
//! attribute values alike.

/// What stands for the character at byte `i` of `text`, when it cannot stand as itself: `& < >
/// " '` become character references, line breaks too (they read the same, and no value starts
/// a line of the file), control characters (which HTML forbids), line separators and
/// bidirectional controls (which would reorder what the page shows) become U+FFFD, and the `#`
/// that would complete a CI logging command (`##vso[`, `##[`) is written `&#35;`.
fn replacement(text: &str, i: usize, c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        '\n' => Some("&#10;"),
        '\r' => Some("&#13;"),
        '\t' => None,
        '#' if crate::escape::completes_command(text, i) => Some("&#35;"),
        c if crate::escape::is_hidden(c) => Some("\u{fffd}"),
        _ => None,
    }
}

/// Appends `text` to `out` so that it reads as the same characters in element content and
/// inside a double- or single-quoted attribute value (see [`replacement`]).
pub fn push(out: &mut String, text: &str) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", Esc(text));
}

/// `text`, escaped (see [`push`]).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push(&mut out, text);
    out
}

/// A value that writes itself escaped, for `write!` arguments.
pub struct Esc<'a>(pub &'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut start = 0;
        for (i, c) in self.0.char_indices() {
            if let Some(r) = replacement(self.0, i, c) {
                f.write_str(&self.0[start..i])?;
                f.write_str(r)?;
                start = i + c.len_utf8();
            }
        }
        f.write_str(&self.0[start..])
    }
}

/// `text` cut to at most `max` characters, with an ellipsis when cut (not escaped).
#[must_use]
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_become_references() {
        let hostile = "\"><img src=x onerror=alert(1)> <script>alert('x')</script> & done";
        let escaped = escape(hostile);
        assert_eq!(
            escaped,
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; done"
        );
        assert_eq!(Esc(hostile).to_string(), escaped);
    }

    #[test]
    fn control_characters_are_replaced_and_text_is_kept() {
        assert_eq!(
            escape("a\u{0}b\u{7}c\td\ne"),
            "a\u{fffd}b\u{fffd}c\td&#10;e"
        );
        assert_eq!(Esc("a\u{0}b\tc é\r").to_string(), "a\u{fffd}b\tc é&#13;");
        assert_eq!(escape("\\\\fs01\\share"), "\\\\fs01\\share");
    }

    #[test]
    fn ci_logging_commands_are_broken() {
        let hostile = "##vso[task.setvariable variable=x]1 ##[error]y # ##";
        let escaped = escape(hostile);
        assert_eq!(
            escaped,
            "#&#35;vso[task.setvariable variable=x]1 #&#35;[error]y # ##"
        );
        assert_eq!(Esc(hostile).to_string(), escaped);
    }

    #[test]
    fn cut_keeps_short_text_and_marks_a_cut() {
        assert_eq!(cut("pool01", 10), "pool01");
        assert_eq!(cut("abcdefghijkl", 5), "abcd…");
        assert_eq!(cut("ééééééé", 3).chars().count(), 3);
    }
}
