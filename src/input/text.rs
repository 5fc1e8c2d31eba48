//! Text every stage writes about inputs: a value quoted at a bounded length, the characters
//! that must never be shown as they are, and the few words of plain English that lists and
//! counts need.

use std::borrow::Cow;

/// `text` with at most `max` characters: a longer one keeps its first `max - 1` and ends with
/// `…`. What bounds every value quoted in a message, every message, label and entity of a
/// finding, and every label the HTML report draws, whatever an input held.
#[must_use]
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    if text.char_indices().nth(max).is_none() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{}…", head(text, max.saturating_sub(1))))
}

/// The first `n` characters of `text` (all of it when it is shorter).
#[must_use]
pub fn head(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(at, _)| &text[..at])
}

/// [`cut`] of an owned text, which is kept as it is when it is short enough.
#[must_use]
pub fn cut_owned(text: String, max: usize) -> String {
    match cut(&text, max) {
        Cow::Owned(short) => short,
        Cow::Borrowed(_) => text,
    }
}

/// The most characters of a value quoted in a message, ellipsis included.
const SHOWN_CHARS: usize = 81;

/// A value quoted in a message, cut to a readable length (a hostile 32 MB attribute must not be
/// repeated in full).
#[must_use]
pub fn shown(value: &str) -> Cow<'_, str> {
    cut(value, SHOWN_CHARS)
}

/// Characters never shown as they are: C0 and C1 controls and DEL (a tab is kept), the Unicode
/// line and paragraph separators, and the bidirectional embedding, override and isolate
/// controls. Each output replaces or escapes them in its own way; a checked value holding one
/// is refused.
#[must_use]
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Parts of a sentence joined with commas and a final `and`: `a`, `a and b`, `a, b and c`.
#[must_use]
pub fn and_list(parts: &[String]) -> String {
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// A count and its noun: `1 error`, `3 errors`, `2 topologies`.
#[must_use]
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_bounds_text_on_a_character_boundary() {
        assert_eq!(cut("short", 10), "short");
        assert!(matches!(cut("short", 10), Cow::Borrowed(_)));
        assert_eq!(cut("ééé", 3), "ééé");
        assert_eq!(cut("éééé", 3), "éé…");
        assert_eq!(cut(&"x".repeat(5000), 1001).chars().count(), 1001);
        assert_eq!(
            cut_owned("x".repeat(5000), 11),
            format!("{}…", "x".repeat(10))
        );
        assert_eq!(cut("anything", 0), "…");
        assert_eq!(cut("pool01", 10), "pool01");
        assert_eq!(cut("abcdefghijkl", 5), "abcd…");
        assert_eq!(cut("ééééééé", 3).chars().count(), 3);
        assert_eq!(head("ééé", 2), "éé");
        assert_eq!(head("ab", 5), "ab");
        assert!(
            cut_owned("x".repeat(5000), 11).capacity() < 100,
            "the cut text keeps no spare room"
        );
    }

    #[test]
    fn long_values_are_shown_cut_on_a_character_boundary() {
        assert_eq!(shown("fe01.contoso.com"), "fe01.contoso.com");
        let long = "é".repeat(100);
        assert_eq!(shown(&long).chars().count(), 81);
    }

    #[test]
    fn hidden_characters() {
        assert!(is_hidden('\u{1b}') && is_hidden('\u{9b}') && is_hidden('\u{202e}'));
        assert!(!is_hidden('\t') && !is_hidden('é'));
    }

    #[test]
    fn lists_and_counts_in_words() {
        let list =
            |parts: &[&str]| and_list(&parts.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(plural(1, "topology", "topologies"), "1 topology");
        assert_eq!(plural(0, "error", "errors"), "0 errors");
    }
}
