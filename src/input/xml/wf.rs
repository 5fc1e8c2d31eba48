//! Well-formedness checks that both readers share (XML 1.0 Fifth Edition and Namespaces in
//! XML 1.0): characters, names, references, attribute values, text, processing instructions
//! and the XML declaration. Each returns the span of the offending markup and a message.

use crate::input::span::{Span, ceil_char_boundary};

/// An ill-formed document: where and why.
#[derive(Debug, PartialEq, Eq)]
pub struct XmlError {
    pub span: Span,
    pub message: String,
}

/// The namespace the `xml` prefix is bound to, and the only one it may be bound to.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of `xmlns` declarations, which no prefix may be bound to.
pub const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

fn error(span: Span, message: impl Into<String>) -> XmlError {
    XmlError {
        span,
        message: message.into(),
    }
}

/// XML white space: space, tab, carriage return and line feed (no other Unicode space).
#[must_use]
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether `text` is empty or XML white space only.
#[must_use]
pub fn is_blank(text: &str) -> bool {
    text.bytes().all(is_space)
}

/// Whether a character may appear in an XML 1.0 document.
#[must_use]
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character of `text` that XML forbids (a control character, U+FFFE, U+FFFF), or
/// a byte-order mark at the very start, which means the file had two (one was taken off when
/// it was decoded). Reads the text in blocks, looking closer only at a block that may hold one.
#[must_use]
pub fn forbidden_char(text: &str) -> Option<XmlError> {
    if text.starts_with('\u{FEFF}') {
        return Some(error(
            Span::new(0, 3),
            "a second byte-order mark: the file starts with two (save it again with one)",
        ));
    }
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let suspect = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0xEF);
    let mut base = 0;
    for block in bytes.chunks(BLOCK) {
        if block.iter().fold(false, |any, &b| any | suspect(b)) {
            // The block may end inside a character: decode from its first boundary on.
            let from = ceil_char_boundary(text, base);
            let to = ceil_char_boundary(text, base + block.len());
            for (at, c) in text[from..to].char_indices() {
                if !is_xml_char(c) {
                    let at = from + at;
                    let shown = u32::from(c);
                    return Some(error(
                        Span::new(at, at + c.len_utf8()),
                        format!(
                            "the character U+{shown:04X} is not allowed in XML (a control character, or a non-character)"
                        ),
                    ));
                }
            }
        }
        base += block.len();
    }
    None
}

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// A name without a colon (`NCName`).
#[must_use]
pub fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// A qualified name: `local` or `prefix:local`, both without colons (`QName`).
#[must_use]
pub fn is_qname(name: &str) -> bool {
    match name.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(name),
    }
}

/// Checks an element or attribute name at `at` in the text.
///
/// # Errors
/// A name that is not a qualified name, with its span.
pub fn check_qname(name: &str, at: usize, what: &str) -> Result<(), XmlError> {
    if is_qname(name) {
        return Ok(());
    }
    let shown = crate::input::text::shown(name);
    let why = if name.is_empty() {
        format!("a {what} has no name")
    } else if name.matches(':').count() > 1 || name.starts_with(':') || name.ends_with(':') {
        format!(
            "`{shown}` is not a valid {what} name: a name holds at most one `:`, between a prefix and a local name"
        )
    } else {
        format!(
            "`{shown}` is not a valid {what} name: a name starts with a letter or `_` and holds only letters, digits and `-._`"
        )
    };
    Err(error(Span::new(at, at + name.len().max(1)), why))
}

/// The five entities XML predefines.
#[must_use]
pub fn is_predefined(name: &str) -> bool {
    matches!(name, "lt" | "gt" | "amp" | "apos" | "quot")
}

/// Checks one reference `&name;` whose name (between `&` and `;`) is `name`, at `span`.
///
/// # Errors
/// A character reference to a character XML forbids or that is not a number, a name that is
/// not a name, or (without a DOCTYPE, which could declare it) an entity XML does not predefine.
pub fn check_reference(name: &str, span: Span, has_doctype: bool) -> Result<(), XmlError> {
    if let Some(number) = name.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        let value = if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            None
        } else {
            // Overflow is out of range too.
            u32::from_str_radix(digits, radix).ok()
        };
        return match value {
            None => Err(error(
                span,
                format!(
                    "`&#{};` is not a character reference: write `&#` and decimal digits, or `&#x` and hexadecimal digits, then `;`",
                    crate::input::text::shown(number)
                ),
            )),
            Some(v) if char::from_u32(v).is_some_and(is_xml_char) => Ok(()),
            Some(v) => Err(error(
                span,
                format!(
                    "`&#{};` refers to U+{v:04X}, a character XML does not allow (a control character, a surrogate, a non-character or beyond U+10FFFF)",
                    crate::input::text::shown(number)
                ),
            )),
        };
    }
    if !is_ncname(name) {
        return Err(error(
            span,
            format!(
                "`&{};` is not a reference: `&` starts an entity reference such as `&amp;` (write `&amp;` for a literal `&`)",
                crate::input::text::shown(name)
            ),
        ));
    }
    if !has_doctype && !is_predefined(name) {
        return Err(error(
            span,
            format!(
                "undefined entity `&{name};` (only &lt; &gt; &amp; &apos; &quot; and character references exist without a DOCTYPE)"
            ),
        ));
    }
    Ok(())
}

/// Checks the references in `raw` (text or an attribute value, still escaped) starting at byte
/// `at` of the document.
///
/// # Errors
/// The first bad reference, or an `&` that starts none.
pub fn check_references(raw: &str, at: usize, has_doctype: bool) -> Result<(), XmlError> {
    let mut from = 0;
    while let Some(amp) = raw[from..].find('&').map(|i| from + i) {
        let Some(semicolon) = raw[amp..].find(';').map(|i| amp + i) else {
            return Err(error(
                Span::new(at + amp, at + amp + 1),
                "`&` starts no reference (no `;` follows): write `&amp;` for a literal `&`",
            ));
        };
        check_reference(
            &raw[amp + 1..semicolon],
            Span::new(at + amp, at + semicolon + 1),
            has_doctype,
        )?;
        from = semicolon + 1;
    }
    Ok(())
}

/// Checks an attribute value (between its quotes) at byte `at` of the document.
///
/// # Errors
/// A `<`, or a bad reference.
pub fn check_value(raw: &str, at: usize, has_doctype: bool) -> Result<(), XmlError> {
    if let Some(lt) = raw.find('<') {
        return Err(error(
            Span::new(at + lt, at + lt + 1),
            "`<` is not allowed in an attribute value: write `&lt;`",
        ));
    }
    if raw.contains('&') {
        check_references(raw, at, has_doctype)?;
    }
    Ok(())
}

/// Checks character data (between tags, references not included) at byte `at`.
///
/// # Errors
/// `]]>`, which only ends a CDATA section.
pub fn check_text(raw: &str, at: usize) -> Result<(), XmlError> {
    match raw.find("]]>") {
        Some(i) => Err(error(
            Span::new(at + i, at + i + 3),
            "`]]>` is not allowed in text: it only ends a CDATA section (write `]]&gt;`)",
        )),
        None => Ok(()),
    }
}

/// Checks a processing instruction `<?target ...?>` that spans `span` (`<` to `>`), with `pi`
/// its text: the target is a name without a colon, and `xml` (in any case) only in the XML
/// declaration, which only the very start of the document may hold.
///
/// # Errors
/// The first problem, with its span.
pub fn check_pi(pi: &str, span: Span) -> Result<(), XmlError> {
    let at = span.start as usize;
    let body = pi
        .strip_prefix("<?")
        .and_then(|b| b.strip_suffix("?>"))
        .unwrap_or("");
    let target_len = body.bytes().position(is_space).unwrap_or(body.len());
    let target = &body[..target_len];
    if target == "xml" {
        if at != 0 {
            return Err(error(
                span,
                "an XML declaration is only allowed at the very start of the file (nothing before it, not even white space)",
            ));
        }
        return check_declaration(&body[target_len..], at + 2 + target_len, span);
    }
    if target.eq_ignore_ascii_case("xml") {
        return Err(error(
            span,
            format!(
                "`{target}` is reserved: no processing instruction is named `xml`, in any case"
            ),
        ));
    }
    if !is_ncname(target) {
        return Err(error(
            span,
            format!(
                "`{}` is not a valid processing instruction name",
                crate::input::text::shown(target)
            ),
        ));
    }
    Ok(())
}

/// What is wrong after the name of a `name="value"` pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PairFault {
    /// No `=` follows the name.
    NoValue,
    /// The value does not start with a quote.
    NotQuoted,
    /// The value's quote is never closed.
    NotClosed,
}

/// A name read by [`Pairs::name`]: its bytes, and whether white space came before it.
pub(super) struct PairName {
    pub start: usize,
    pub end: usize,
    pub spaced: bool,
}

/// The `name="value"` pairs of a tag's attributes or of the XML declaration, read one at a
/// time; each reader judges names and values in its own words.
pub(super) struct Pairs<'b> {
    b: &'b [u8],
    i: usize,
}

impl<'b> Pairs<'b> {
    pub(super) fn new(b: &'b [u8]) -> Self {
        Self { b, i: 0 }
    }

    fn skip_space(&mut self) {
        while self.b.get(self.i).copied().is_some_and(is_space) {
            self.i += 1;
        }
    }

    /// The next name (the bytes `is_name` accepts, possibly none), or `None` when only white
    /// space is left.
    pub(super) fn name(&mut self, is_name: impl Fn(u8) -> bool) -> Option<PairName> {
        let space = self.i;
        self.skip_space();
        if self.i == self.b.len() {
            return None;
        }
        let start = self.i;
        while self.b.get(self.i).is_some_and(|&c| is_name(c)) {
            self.i += 1;
        }
        Some(PairName {
            start,
            end: self.i,
            spaced: start != space,
        })
    }

    /// The value after the name just read: where its text starts and ends, inside the quotes.
    pub(super) fn value(&mut self) -> Result<(usize, usize), PairFault> {
        self.skip_space();
        if self.b.get(self.i) != Some(&b'=') {
            return Err(PairFault::NoValue);
        }
        self.i += 1;
        self.skip_space();
        let quote = match self.b.get(self.i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(PairFault::NotQuoted),
        };
        let start = self.i + 1;
        let Some(len) = self.b[start..].iter().position(|&c| c == quote) else {
            return Err(PairFault::NotClosed);
        };
        self.i = start + len + 1;
        Ok((start, start + len))
    }
}

/// Checks the pseudo-attributes of the XML declaration (`rest` follows `<?xml` and starts at
/// byte `at`): `version="1.0"`, then optionally `encoding` with a valid name, then optionally
/// `standalone="yes|no"`, each after white space and in that order.
fn check_declaration(rest: &str, at: usize, whole: Span) -> Result<(), XmlError> {
    const ORDER: [&str; 3] = ["version", "encoding", "standalone"];
    const FORM: &str = "it reads `<?xml version=\"1.0\"`, then optionally `encoding=\"...\"`, then optionally `standalone=\"yes\"` or `\"no\"`";
    let mut pairs = Pairs::new(rest.as_bytes());
    // The index in ORDER of the next part allowed (0: the version is still to come).
    let mut next = 0;
    while let Some(PairName {
        start: name_start,
        end: name_end,
        spaced,
    }) = pairs.name(|c| c.is_ascii_alphabetic())
    {
        let name = &rest[name_start..name_end];
        let place = Span::new(at + name_start, at + name_end.max(name_start + 1));
        if !spaced {
            return Err(error(
                place,
                format!("the XML declaration is malformed: {FORM}"),
            ));
        }
        let index = ORDER
            .iter()
            .position(|n| *n == name)
            .filter(|&k| if next == 0 { k == 0 } else { k >= next });
        let Some(index) = index else {
            let what = if name.is_empty() {
                "the XML declaration is malformed".to_string()
            } else {
                format!("`{name}` is out of place in the XML declaration")
            };
            return Err(error(place, format!("{what}: {FORM}")));
        };
        let (value_start, value_end) = pairs.value().map_err(|fault| {
            let message = match fault {
                PairFault::NoValue => {
                    format!("`{name}` needs a value in the XML declaration (`{name}=\"...\"`)")
                }
                PairFault::NotQuoted => {
                    format!("the value of `{name}` in the XML declaration must be in quotes")
                }
                PairFault::NotClosed => {
                    format!("the value of `{name}` in the XML declaration is not closed")
                }
            };
            error(place, message)
        })?;
        let value = &rest[value_start..value_end];
        let value_span = Span::new(at + value_start, at + value_end);
        match index {
            0 if value != "1.0" => {
                return Err(error(
                    value_span,
                    format!(
                        "XML version `{}` is not supported: topologies are XML 1.0 (`version=\"1.0\"`)",
                        crate::input::text::shown(value)
                    ),
                ));
            }
            1 if !is_encoding_name(value) => {
                return Err(error(
                    value_span,
                    format!(
                        "`{}` is not an encoding name",
                        crate::input::text::shown(value)
                    ),
                ));
            }
            2 if value != "yes" && value != "no" => {
                return Err(error(value_span, "`standalone` is `yes` or `no`"));
            }
            _ => {}
        }
        next = index + 1;
    }
    if next == 0 {
        return Err(error(
            whole,
            "the XML declaration has no version: write `<?xml version=\"1.0\"?>`",
        ));
    }
    Ok(())
}

/// `[A-Za-z] ([A-Za-z0-9._] | '-')*`.
fn is_encoding_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
