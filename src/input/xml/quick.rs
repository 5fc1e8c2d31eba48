//! The quick reader's scanner of start tags: one pass over the plain shape a topology export
//! writes (ASCII qualified names, quoted values without `<`, no repeated name), giving up with
//! `None` on anything else, which the thorough reader (quick-xml) then reads. Its contract is
//! to read what it takes exactly as the thorough reader does: the unit tests
//! `quick_reader_matches_quick_xml` and `quick_and_thorough_attribute_reading_agree`, and the
//! fuzz target `xml` (`crate::fuzzing::xml_readers`), compare the two.

use super::wf::is_space;
use crate::input::span::Span;

/// A start tag as [`quick_tag`] reads it.
pub(super) struct QuickTag {
    /// Where its `>` is.
    pub(super) gt: usize,
    /// `<name .../>`.
    pub(super) empty: bool,
    /// The length of its qualified name (after the `<`).
    pub(super) name_len: usize,
    /// Whether an attribute value holds a `&`.
    pub(super) ampersand: bool,
}

/// Reads the start tag whose `<` is at `lt` in one pass, its attributes into `out` as (name,
/// value) spans. It takes only the plain shape, which the thorough reader reads the same way:
/// ASCII qualified names (see [`ascii_qname_len`]), then `name="value"` or `name='value'` pairs
/// after white space, with no `<` in a value and no repeated name, then `>` or `/>`. Anything
/// else gives `None`.
pub(super) fn quick_tag(text: &str, lt: usize, out: &mut Vec<(Span, Span)>) -> Option<QuickTag> {
    /// Above this many attributes the duplicate check is left to the thorough reader's hashed one.
    const MAX: usize = 32;
    out.clear();
    let b = text.as_bytes();
    let name_len = ascii_qname_len(b, lt + 1)?;
    let mut i = lt + 1 + name_len;
    let mut ampersand = false;
    loop {
        let before_space = i;
        while b.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        match *b.get(i)? {
            b'>' => {
                return Some(QuickTag {
                    gt: i,
                    empty: false,
                    name_len,
                    ampersand,
                });
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                return Some(QuickTag {
                    gt: i + 1,
                    empty: true,
                    name_len,
                    ampersand,
                });
            }
            _ if i == before_space || out.len() >= MAX => return None,
            _ => {}
        }
        let key_start = i;
        i += ascii_qname_len(b, i)?;
        let key = &b[key_start..i];
        while b.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while b.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        let quote = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return None,
        };
        let value_start = i + 1;
        i = value_start;
        loop {
            match *b.get(i)? {
                c if c == quote => break,
                b'&' => ampersand = true,
                b'<' => return None,
                _ => {}
            }
            i += 1;
        }
        let duplicate = out.iter().any(|(name, _)| {
            name.len() == key.len() && b[name.range()].iter().zip(key).all(|(x, y)| x == y)
        });
        if duplicate {
            return None;
        }
        out.push((
            Span::new(key_start, key_start + key.len()),
            Span::new(value_start, i),
        ));
        i += 1;
    }
}

/// The length of the ASCII qualified name at `at`: a letter or `_`, then letters, digits and
/// `-._`, twice when a single `:` joins a prefix and a local name; it must end at white space,
/// `=`, `/` or `>`. `None` for anything else (a second `:`, a character beyond ASCII...), which
/// is left to the thorough reader.
fn ascii_qname_len(b: &[u8], at: usize) -> Option<usize> {
    let starts = |c: u8| c.is_ascii_alphabetic() || c == b'_';
    let continues = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_');
    let mut i = at;
    let mut colon = false;
    loop {
        if !b.get(i).copied().is_some_and(starts) {
            return None;
        }
        i += 1;
        while b.get(i).copied().is_some_and(continues) {
            i += 1;
        }
        if b.get(i) == Some(&b':') && !colon {
            colon = true;
            i += 1;
        } else {
            break;
        }
    }
    match b.get(i) {
        Some(&c) if is_space(c) || matches!(c, b'=' | b'/' | b'>') => Some(i - at),
        _ => None,
    }
}
