//! The one way input-derived text enters the report: escaped for HTML text and for quoted
//! attribute values alike.

/// Appends `text` to `out` so that it reads as the same characters in element content and
/// inside a double- or single-quoted attribute value: `& < > " '` become character
/// references, and control characters (which HTML forbids) become U+FFFD.
pub fn push(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
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
            let replacement = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' | '\r' => continue,
                c if c.is_control() => "\u{fffd}",
                _ => continue,
            };
            f.write_str(&self.0[start..i])?;
            f.write_str(replacement)?;
            start = i + c.len_utf8();
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
        assert_eq!(escape("a\u{0}b\u{7}c\td\ne"), "a\u{fffd}b\u{fffd}c\td\ne");
        assert_eq!(Esc("a\u{0}b\tc é").to_string(), "a\u{fffd}b\tc é");
        assert_eq!(escape("\\\\fs01\\share"), "\\\\fs01\\share");
    }

    #[test]
    fn cut_keeps_short_text_and_marks_a_cut() {
        assert_eq!(cut("pool01", 10), "pool01");
        assert_eq!(cut("abcdefghijkl", 5), "abcd…");
        assert_eq!(cut("ééééééé", 3).chars().count(), 3);
    }
}
