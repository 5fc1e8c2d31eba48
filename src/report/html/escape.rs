//! The one way input-derived text enters the report: escaped for HTML text and for quoted
//! attribute values alike, by the templates' escaper [`Html`].

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
        '#' if crate::report::escape::completes_command(text, i) => Some("&#35;"),
        c if crate::input::text::is_hidden(c) => Some("\u{fffd}"),
        _ => None,
    }
}

/// Writes `text` to `dest` so that it reads as the same characters in element content and
/// inside a double- or single-quoted attribute value (see [`replacement`]).
///
/// # Errors
/// Propagates `dest`'s.
pub fn write<W: std::fmt::Write>(mut dest: W, text: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if let Some(r) = replacement(text, i, c) {
            dest.write_str(&text[start..i])?;
            dest.write_str(r)?;
            start = i + c.len_utf8();
        }
    }
    dest.write_str(&text[start..])
}

/// The templates' escaper (see `askama.toml`): every value a template writes goes through
/// [`write`].
#[derive(Clone, Copy, Debug)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: std::fmt::Write>(&self, dest: W, string: &str) -> std::fmt::Result {
        write(dest, string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escape(text: &str) -> String {
        let mut out = String::new();
        write(&mut out, text).expect("a String takes any text");
        out
    }

    /// What a template writes of a value.
    fn templated(text: &str) -> String {
        askama::filters::escape(text, Html)
            .expect("escapable")
            .to_string()
    }

    #[test]
    fn markup_and_quotes_become_references() {
        let hostile = "\"><img src=x onerror=alert(1)> <script>alert('x')</script> & done";
        let escaped = escape(hostile);
        assert_eq!(
            escaped,
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; done"
        );
        assert_eq!(templated(hostile), escaped);
    }

    #[test]
    fn control_characters_are_replaced_and_text_is_kept() {
        assert_eq!(
            escape("a\u{0}b\u{7}c\td\ne"),
            "a\u{fffd}b\u{fffd}c\td&#10;e"
        );
        assert_eq!(templated("a\u{0}b\tc é\r"), "a\u{fffd}b\tc é&#13;");
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
        assert_eq!(templated(hostile), escaped);
    }
}
