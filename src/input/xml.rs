//! Reading XML: one interface, [`Parser`] (and [`parse`] for a whole document), over two
//! readers, which build the same compact, span-keeping tree ([`XmlDoc`], in `doc`).
//!
//! The quick reader (its tag scanner in `quick`) reads the plain shape a topology export is
//! written in; at anything else it gives up and the thorough reader, built on quick-xml, reads
//! the document from the start. Both check well-formedness with the same checks (`wf`), and
//! the quick one must read what it takes exactly as the thorough one does: that is its
//! contract, held by the differential unit tests and the fuzz target `xml`.
//!
//! [`Parser::step`] stops at each element end, so that a caller can use the finished subtree
//! and [`forget`](Parser::forget) it. `crate::model::lower::read` lowers a published topology
//! that way, one part at a time, instead of lowering the parsed document: measured on a
//! 130 MB topology of 20,000 pools, lowering the whole parsed tree took 27 to 41% more time
//! and 47% more peak memory (445 MB against 302 MB), beyond the 15% a simpler structure was
//! worth. The result is the same either way: the test `streamed_lowering_matches_whole_tree`
//! of `model::lower` compares them on every fixture.
//!
//! Elements and attributes live in two flat vectors and refer to the source text by span, so a
//! document costs a few dozen bytes per element beyond its text. Building and walking the tree
//! is iterative: document depth never touches the call stack. DOCTYPE declarations are skipped
//! (entities are never expanded, external entities never resolved).

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::input::span::{Span, ceil_char_boundary, floor_char_boundary, offset_in};

mod doc;
mod quick;
mod wf;

use doc::NONE;
pub use doc::{Attr, ElemId, Element, Ns, XmlDoc};
pub use wf::XmlError;

/// Parses a whole document.
///
/// # Errors
/// Returns the first well-formedness error, with the span of the offending markup.
pub fn parse(text: &str) -> Result<XmlDoc<'_>, XmlError> {
    parse_with(Parser::new(text))
}

/// [`parse`] with a given parser, going on with a thorough one if it gives up.
///
/// # Errors
/// As [`parse`].
pub fn parse_with<'t>(mut parser: Parser<'t>) -> Result<XmlDoc<'t>, XmlError> {
    let text = parser.doc.text;
    loop {
        match parser.step()? {
            Step::Closed { .. } => {}
            Step::Eof => return Ok(parser.into_doc()),
            Step::Unusual => parser = Parser::thorough(text),
        }
    }
}

/// What [`Parser::step`] reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// An element ended (its end tag, or an empty-element tag); `depth` is 0 for the root.
    Closed { id: ElemId, depth: usize },
    /// The document ended, well-formed.
    Eof,
    /// The quick reader met something it leaves to quick-xml (an entity in text, a DOCTYPE,
    /// CDATA, an error...): start again with [`Parser::thorough`]. Never returned by it.
    Unusual,
}

/// An incremental parser: it stops at each element end, so that a caller can read the
/// finished subtree and then [`forget`](Parser::forget) it. A document is then read in memory
/// proportional to its largest such subtree, not to its size.
///
/// It checks well-formedness as XML 1.0 and Namespaces in XML 1.0 define it, with one
/// exception: the internal subset of a DOCTYPE is skipped (its entities are never expanded).
/// Characters XML forbids are looked for once, at the end or at the first other error, so
/// that the first error in the document is the one reported.
pub struct Parser<'t> {
    reader: Reader<&'t [u8]>,
    /// Where the quick reader is, while it is used (see [`Parser::new`]).
    quick: Option<usize>,
    /// The end of the qualified name of each open element, for end tags (quick reader).
    open_names: Vec<(u32, u32)>,
    doc: XmlDoc<'t>,
    stack: Vec<u32>,
    scopes: Scopes<'t>,
    /// The attributes of the start tag being read: (name, value) spans.
    scanned: Vec<(Span, Span)>,
    root_closed: bool,
    /// Without a DOCTYPE only the five predefined entities and character references exist.
    has_doctype: bool,
    /// Whether any element was ever read (the root may have been forgotten since).
    seen_root: bool,
}

impl<'t> Parser<'t> {
    /// A parser that reads the usual shape of a document (elements, attributes, comments,
    /// plain text) itself, and returns [`Step::Unusual`] on anything else, errors included:
    /// the caller then starts again with [`Parser::thorough`], which reads everything with
    /// quick-xml and words the errors. Both give the same tree.
    #[must_use]
    pub fn new(text: &'t str) -> Self {
        let mut parser = Self::thorough(text);
        parser.quick = Some(0);
        parser
    }

    /// A parser that reads everything with quick-xml.
    #[must_use]
    pub fn thorough(text: &'t str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.allow_unmatched_ends = false;
        Self {
            reader,
            quick: None,
            open_names: Vec::new(),
            doc: XmlDoc {
                text,
                elements: Vec::new(),
                attrs: Vec::new(),
            },
            stack: Vec::new(),
            scopes: Scopes::default(),
            scanned: Vec::new(),
            root_closed: false,
            has_doctype: false,
            seen_root: false,
        }
    }

    /// The elements read and not forgotten so far.
    #[must_use]
    pub fn doc(&self) -> &XmlDoc<'t> {
        &self.doc
    }

    #[must_use]
    pub fn into_doc(self) -> XmlDoc<'t> {
        self.doc
    }

    /// Drops a closed element and everything after it (its subtree, which is the tail of the
    /// element list). Its earlier siblings stay.
    pub fn forget(&mut self, id: ElemId) {
        let Some(e) = self.doc.elements.get(id as usize) else {
            return;
        };
        let (parent, attrs_start) = (e.parent, e.attrs_start);
        self.doc.elements.truncate(id as usize);
        self.doc.attrs.truncate(attrs_start as usize);
        if parent == NONE {
            return;
        }
        let first = self.doc.elements[parent as usize].first_child;
        if first == id {
            let p = &mut self.doc.elements[parent as usize];
            p.first_child = NONE;
            p.last_child = NONE;
            return;
        }
        // Find the previous sibling (the last child left).
        let mut prev = first;
        while prev != NONE {
            let next = self.doc.elements[prev as usize].next_sibling;
            if next == id {
                self.doc.elements[prev as usize].next_sibling = NONE;
                self.doc.elements[parent as usize].last_child = prev;
                return;
            }
            prev = next;
        }
    }

    /// Reads up to the next element end.
    ///
    /// # Errors
    /// The first well-formedness error, with the span of the offending markup.
    pub fn step(&mut self) -> Result<Step, XmlError> {
        let step = match self.quick {
            Some(at) => {
                let step = self.quick_next(at).unwrap_or(Step::Unusual);
                if step == Step::Unusual {
                    self.quick = None;
                }
                Ok(step)
            }
            None => self.thorough_next(),
        };
        let text = self.doc.text;
        match step {
            Ok(Step::Eof) => wf::forbidden_char(text).map_or(Ok(Step::Eof), Err),
            // A forbidden character before the markup in error, or inside it (often its
            // cause), is the first error.
            Err(e) => {
                let end = (e.span.end as usize).max(e.span.start as usize + 1);
                let end = ceil_char_boundary(text, end);
                Err(wf::forbidden_char(&text[..end]).unwrap_or(e))
            }
            other => other,
        }
    }

    /// One step of the thorough reader.
    fn thorough_next(&mut self) -> Result<Step, XmlError> {
        let text = self.doc.text;
        loop {
            let before = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = self.reader.read_event();
            let after = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let event = match event {
                Ok(pair) => pair,
                Err(err) => {
                    let at = usize::try_from(self.reader.error_position()).unwrap_or(before);
                    return Err(error_at(text, at, after, &err.to_string()));
                }
            };
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => {
                    let qname: &'t str = slice_of(text, start.name().into_inner());
                    wf::check_qname(qname, before + 1, "element")?;
                    let raw = start.attributes_raw();
                    let base = offset_in(text, raw).unwrap_or(before);
                    read_attrs(text, base, raw, &mut self.scanned, self.has_doctype)?;
                    let empty = matches!(event, Event::Empty(_));
                    if let Some(step) = self.open(Span::new(before, after), qname, empty)? {
                        return Ok(step);
                    }
                }
                Event::End(_) => {
                    let id = self.stack.pop();
                    self.scopes
                        .leave(u32::try_from(self.stack.len()).unwrap_or(u32::MAX));
                    if self.stack.is_empty() {
                        self.root_closed = true;
                    }
                    if let Some(id) = id {
                        return Ok(Step::Closed {
                            id,
                            depth: self.stack.len(),
                        });
                    }
                }
                Event::Text(ref t) => {
                    let raw: &str = t;
                    let at = offset_in(text, raw).unwrap_or(before);
                    match self.stack.last() {
                        Some(&top) => {
                            wf::check_text(raw, at)?;
                            extend_text(&mut self.doc, top, text, raw);
                        }
                        None if !wf::is_blank(raw) => {
                            return Err(error_at(
                                text,
                                before,
                                after,
                                "text outside the root element",
                            ));
                        }
                        None => {}
                    }
                }
                Event::GeneralRef(ref r) => {
                    let name: &str = r;
                    wf::check_reference(name, Span::new(before, after), self.has_doctype)?;
                    self.content(before, after)?;
                }
                Event::CData(_) => self.content(before, after)?,
                Event::Eof => return self.finish(),
                Event::DocType(_) => {
                    self.doctype(before, after)?;
                    self.has_doctype = true;
                }
                Event::Decl(_) | Event::PI(_) => {
                    let pi = text.get(before..after).unwrap_or("");
                    wf::check_pi(pi, Span::new(before, after))?;
                }
                Event::Comment(_) => {}
            }
        }
    }

    /// A reference or CDATA section from `before` to `after`: part of its element's text.
    fn content(&mut self, before: usize, after: usize) -> Result<(), XmlError> {
        let Some(&top) = self.stack.last() else {
            return Err(error_at(
                self.doc.text,
                before,
                after,
                "content outside the root element",
            ));
        };
        let span = Span::new(before, after);
        let e = &mut self.doc.elements[top as usize];
        e.text = if e.text.is_empty() {
            span
        } else {
            Span::new(e.text.start as usize, after)
        };
        Ok(())
    }

    /// Checks a DOCTYPE from `before` to `after`: once, before the root element, `DOCTYPE` in
    /// capitals and then a name. Its internal subset is skipped.
    fn doctype(&self, before: usize, after: usize) -> Result<(), XmlError> {
        let text = self.doc.text;
        if self.seen_root || self.has_doctype {
            return Err(error_at(
                text,
                before,
                after,
                "a DOCTYPE is only allowed once, before the root element",
            ));
        }
        let decl = text.get(before..after).unwrap_or("");
        let Some(rest) = decl.strip_prefix("<!DOCTYPE") else {
            return Err(error_at(
                text,
                before,
                after,
                "write `<!DOCTYPE` in capitals",
            ));
        };
        let name_at = before + 9 + (rest.len() - rest.trim_start_matches(is_space_char).len());
        let name = text[name_at..after]
            .split(|c: char| is_space_char(c) || c == '[' || c == '>')
            .next()
            .unwrap_or("");
        if name_at == before + 9 {
            return Err(error_at(
                text,
                before,
                after,
                "white space is needed after `<!DOCTYPE`",
            ));
        }
        wf::check_qname(name, name_at, "document type")
    }

    /// A start tag whose attributes are in `self.scanned`: checks its place and namespaces and
    /// adds the element. `Some(Closed)` for an empty-element tag.
    fn open(&mut self, tag: Span, qname: &'t str, empty: bool) -> Result<Option<Step>, XmlError> {
        let text = self.doc.text;
        if self.stack.is_empty() && (self.root_closed || self.seen_root) {
            return Err(error_at(
                text,
                tag.start as usize,
                tag.end as usize,
                "a second root element; a document has exactly one",
            ));
        }
        if self.doc.elements.len() >= NONE as usize {
            return Err(XmlError {
                span: tag,
                message: "too many elements".to_string(),
            });
        }
        self.seen_root = true;
        let depth = u32::try_from(self.stack.len()).unwrap_or(u32::MAX);
        let ns = self.scopes.enter(depth, text, &self.scanned, qname, tag)?;
        let id = push_scanned(
            &mut self.doc,
            &self.stack,
            text,
            qname,
            ns,
            tag,
            &self.scanned,
        );
        if empty {
            self.scopes.leave(depth);
            if self.stack.is_empty() {
                self.root_closed = true;
            }
            return Ok(Some(Step::Closed {
                id,
                depth: self.stack.len(),
            }));
        }
        self.stack.push(id);
        Ok(None)
    }

    /// One step of the quick reader from byte `at`; `None` for [`Step::Unusual`].
    fn quick_next(&mut self, mut at: usize) -> Option<Step> {
        let text = self.doc.text;
        let bytes = text.as_bytes();
        loop {
            // Text up to the next tag.
            // Text between tags is mostly a short indentation: a plain loop beats memchr.
            let lt = bytes
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == b'<'))
                .map(|i| at + i);
            let end = lt.unwrap_or(text.len());
            if end > at {
                let raw = &text[at..end];
                // References, and `]]>`, are for quick-xml.
                if raw.bytes().any(|b| b == b'&' || b == b']')
                    && (raw.contains('&') || raw.contains("]]>"))
                {
                    return None;
                }
                match self.stack.last() {
                    Some(&top) => extend_text(&mut self.doc, top, text, raw),
                    None if !wf::is_blank(raw) => return None,
                    None => {}
                }
            }
            let Some(lt) = lt else {
                // The end: anything left open, or no element at all, is for quick-xml to word.
                if !self.stack.is_empty() || !self.seen_root {
                    return None;
                }
                self.quick = Some(text.len());
                return Some(Step::Eof);
            };
            match bytes.get(lt + 1) {
                Some(b'/') => {
                    let gt = lt + text[lt..].find('>')?;
                    let name = text[lt + 2..gt].trim_end_matches([' ', '\r', '\n', '\t']);
                    let (&id, &(start, end)) = self.stack.last().zip(self.open_names.last())?;
                    if text.get(start as usize..end as usize) != Some(name) {
                        return None;
                    }
                    self.stack.pop();
                    self.open_names.pop();
                    self.scopes
                        .leave(u32::try_from(self.stack.len()).unwrap_or(u32::MAX));
                    if self.stack.is_empty() {
                        self.root_closed = true;
                    }
                    self.quick = Some(gt + 1);
                    return Some(Step::Closed {
                        id,
                        depth: self.stack.len(),
                    });
                }
                Some(b'!') => {
                    // Comments only; a DOCTYPE or CDATA section goes to quick-xml.
                    if !text[lt..].starts_with("<!--") {
                        return None;
                    }
                    let close = lt + 4 + text[lt + 4..].find("-->")?;
                    let body = &text[lt + 4..close];
                    if body.contains("--") || body.ends_with('-') {
                        return None;
                    }
                    at = close + 3;
                }
                // A declaration or processing instruction, checked and skipped.
                Some(b'?') if bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                    let close = lt + 2 + text[lt + 2..].find("?>")? + 2;
                    wf::check_pi(&text[lt..close], Span::new(lt, close)).ok()?;
                    at = close;
                }
                Some(_) => {
                    let tag = quick::quick_tag(text, lt, &mut self.scanned)?;
                    if tag.ampersand
                        && self.scanned.iter().any(|&(_, value)| {
                            let raw = text.get(value.range()).unwrap_or("");
                            wf::check_value(raw, value.start as usize, false).is_err()
                        })
                    {
                        return None;
                    }
                    let qname = &text[lt + 1..lt + 1 + tag.name_len];
                    let step = self
                        .open(Span::new(lt, tag.gt + 1), qname, tag.empty)
                        .ok()?;
                    at = tag.gt + 1;
                    self.quick = Some(at);
                    if step.is_some() {
                        return step;
                    }
                    let name_start = u32::try_from(lt + 1).unwrap_or(u32::MAX);
                    let name_end = u32::try_from(lt + 1 + tag.name_len).unwrap_or(u32::MAX);
                    self.open_names.push((name_start, name_end));
                }
                None => return None,
            }
        }
    }

    fn finish(&self) -> Result<Step, XmlError> {
        let doc = &self.doc;
        if let Some(&open) = self.stack.last() {
            let e = doc.elem(open);
            let name = doc.slice(e.name);
            return Err(XmlError {
                span: e.tag,
                message: format!(
                    "`<{name}>` is never closed: the document ends early (truncated?)"
                ),
            });
        }
        if !self.seen_root {
            return Err(XmlError {
                span: Span::at(0),
                message: if doc.text.trim().is_empty() {
                    "the file is empty".to_string()
                } else {
                    "no root element".to_string()
                },
            });
        }
        Ok(Step::Eof)
    }
}

/// `part` (which quick-xml cut from `text`) as a slice of `text` with its lifetime.
fn slice_of<'t>(text: &'t str, part: &str) -> &'t str {
    offset_in(text, part).map_or("", |at| &text[at..at + part.len()])
}

fn is_space_char(c: char) -> bool {
    c.is_ascii() && is_space(c as u8)
}

/// Namespace declarations in scope. Only elements that declare namespaces add entries, so the
/// cost does not grow with document depth (and there is no depth limit); each name is
/// resolved with one lookup, however many declarations are in scope.
#[derive(Default)]
struct Scopes<'t> {
    bindings: Vec<Binding<'t>>,
    /// The innermost binding of the default namespace, by index in `bindings`.
    default: Option<u32>,
    /// The innermost binding of each prefix, by index in `bindings`.
    prefixes: foldhash::HashMap<&'t str, u32>,
}

struct Binding<'t> {
    /// The depth of the declaring element.
    depth: u32,
    /// The prefix, or "" for the default namespace.
    prefix: &'t str,
    ns: Ns,
    uri: Cow<'t, str>,
    /// The binding of the same prefix this one hides, if any.
    hides: Option<u32>,
}

impl<'t> Scopes<'t> {
    /// Records the declarations among an element's attributes, checks them, resolves the
    /// element's name and checks the prefixes of its attributes.
    ///
    /// # Errors
    /// A declaration XML namespaces forbid, an undeclared prefix, or two attributes with the
    /// same namespace and local name.
    fn enter(
        &mut self,
        depth: u32,
        text: &'t str,
        attrs: &[(Span, Span)],
        qname: &str,
        tag: Span,
    ) -> Result<Ns, XmlError> {
        let mut prefixed = false;
        for &(name, value) in attrs {
            let key = text.get(name.range()).unwrap_or("");
            match declared_prefix(key) {
                Some(prefix) => {
                    let raw = text.get(value.range()).unwrap_or("");
                    let uri = quick_xml::escape::unescape(raw).unwrap_or(Cow::Borrowed(raw));
                    let whole = Span::new(name.start as usize, value.end as usize + 1);
                    check_binding(prefix, &uri, whole)?;
                    self.declare(depth, prefix, uri);
                }
                None => prefixed |= key.contains(':'),
            }
        }
        let prefix = qname.split_once(':').map_or("", |(p, _)| p);
        let Some(ns) = self.resolve(prefix) else {
            return Err(error_at(
                text,
                tag.start as usize,
                tag.end as usize,
                &format!("namespace prefix `{prefix}` is not declared"),
            ));
        };
        if prefixed {
            self.check_prefixed_attributes(text, attrs)?;
        }
        Ok(ns)
    }

    fn declare(&mut self, depth: u32, prefix: &'t str, uri: Cow<'t, str>) {
        let index = u32::try_from(self.bindings.len()).unwrap_or(u32::MAX);
        let hides = if prefix.is_empty() {
            self.default.replace(index)
        } else {
            self.prefixes.insert(prefix, index)
        };
        let ns = if uri.is_empty() {
            Ns::None
        } else {
            Ns::from_uri(&uri)
        };
        self.bindings.push(Binding {
            depth,
            prefix,
            ns,
            uri,
            hides,
        });
    }

    fn binding(&self, prefix: &str) -> Option<&Binding<'t>> {
        let index = if prefix.is_empty() {
            self.default
        } else {
            self.prefixes.get(prefix).copied()
        };
        index.and_then(|i| self.bindings.get(i as usize))
    }

    /// The namespace of an element prefix ("" for none); `None` when it is not declared.
    fn resolve(&self, prefix: &str) -> Option<Ns> {
        match self.binding(prefix) {
            Some(b) => Some(b.ns),
            None if prefix.is_empty() => Some(Ns::None),
            None if prefix == "xml" => Some(Ns::Other),
            None => None,
        }
    }

    /// Every attribute prefix is declared, and no two attributes have the same namespace and
    /// local name.
    fn check_prefixed_attributes(
        &self,
        text: &str,
        attrs: &[(Span, Span)],
    ) -> Result<(), XmlError> {
        let mut expanded: Vec<(&str, &str, Span)> = Vec::new();
        for &(name, _) in attrs {
            let key = text.get(name.range()).unwrap_or("");
            if declared_prefix(key).is_some() {
                continue;
            }
            let Some((prefix, local)) = key.split_once(':') else {
                continue;
            };
            let uri = match self.binding(prefix) {
                Some(b) => b.uri.as_ref(),
                None if prefix == "xml" => wf::XML_NAMESPACE,
                None => {
                    return Err(XmlError {
                        span: name,
                        message: format!(
                            "namespace prefix `{prefix}` of attribute `{key}` is not declared"
                        ),
                    });
                }
            };
            expanded.push((uri, local, name));
        }
        expanded.sort_unstable_by(|a, b| (a.0, a.1, a.2.start).cmp(&(b.0, b.1, b.2.start)));
        let second = expanded
            .windows(2)
            .filter(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
            .map(|w| w[1].2)
            .min_by_key(|s| s.start);
        match second {
            Some(span) => Err(XmlError {
                span,
                message: format!(
                    "`{}` names the same attribute as another one in this tag (the same namespace and local name)",
                    text.get(span.range()).unwrap_or("")
                ),
            }),
            None => Ok(()),
        }
    }

    /// Drops the declarations of the element closing at `depth`.
    fn leave(&mut self, depth: u32) {
        while self.bindings.last().is_some_and(|b| b.depth >= depth) {
            let Some(b) = self.bindings.pop() else {
                return;
            };
            if b.prefix.is_empty() {
                self.default = b.hides;
            } else if let Some(hidden) = b.hides {
                self.prefixes.insert(b.prefix, hidden);
            } else {
                self.prefixes.remove(b.prefix);
            }
        }
    }
}

/// The prefix an `xmlns` or `xmlns:p` attribute declares ("" for the default namespace).
fn declared_prefix(key: &str) -> Option<&str> {
    // A first-byte test before the comparison: nearly every attribute is not `xmlns`.
    if key.as_bytes().first() != Some(&b'x') {
        return None;
    }
    match key.strip_prefix("xmlns")? {
        "" => Some(""),
        rest => rest.strip_prefix(':'),
    }
}

/// What Namespaces in XML 1.0 allow a declaration of `prefix` ("" for the default namespace)
/// to bind; `whole` is the declaring attribute.
fn check_binding(prefix: &str, uri: &str, whole: Span) -> Result<(), XmlError> {
    let message = if prefix == "xmlns" {
        "the prefix `xmlns` is reserved: it cannot be declared".to_string()
    } else if prefix == "xml" && uri != wf::XML_NAMESPACE {
        format!(
            "the prefix `xml` can only be bound to {}",
            wf::XML_NAMESPACE
        )
    } else if prefix != "xml" && uri == wf::XML_NAMESPACE {
        format!(
            "only the prefix `xml` can be bound to {}",
            wf::XML_NAMESPACE
        )
    } else if uri == wf::XMLNS_NAMESPACE {
        format!("no prefix can be bound to {}", wf::XMLNS_NAMESPACE)
    } else if !prefix.is_empty() && uri.is_empty() {
        format!("`xmlns:{prefix}=\"\"` undeclares a prefix, which XML 1.0 namespaces do not allow")
    } else {
        return Ok(());
    };
    Err(XmlError {
        span: whole,
        message,
    })
}

use wf::is_space;

/// Reads the attributes of a start tag into `out` as (name, value) spans of the text: `raw` is
/// the tag after the element name (as quick-xml gives it), at byte `base` of `text`. Names are
/// checked, values too (no `<`, references that exist), and no name may repeat (a hashed check
/// above a few attributes, so that a tag of many attributes is read in linear time).
///
/// # Errors
/// The first problem, with the span of the attribute or of its offending part.
fn read_attrs(
    text: &str,
    base: usize,
    raw: &str,
    out: &mut Vec<(Span, Span)>,
    has_doctype: bool,
) -> Result<(), XmlError> {
    /// Up to this many attributes, names are compared one by one.
    const LINEAR: usize = 16;
    out.clear();
    let mut pairs = wf::Pairs::new(raw.as_bytes());
    let mut seen: Option<foldhash::HashSet<&str>> = None;
    while let Some(name) = pairs.name(|c| !is_space(c) && !matches!(c, b'=' | b'"' | b'\'')) {
        let key_start = name.start;
        let key = &raw[key_start..name.end];
        let at = base + key_start;
        let key_span = Span::new(at, at + key.len().max(1));
        let fail = |message: String| {
            Err(XmlError {
                span: key_span,
                message,
            })
        };
        if !name.spaced {
            return fail("white space is needed between attributes".to_string());
        }
        wf::check_qname(key, at, "attribute")?;
        let (value_start, value_end) = match pairs.value() {
            Ok(value) => value,
            Err(wf::PairFault::NoValue) => {
                return fail(format!(
                    "attribute `{key}` has no value: write {key}=\"...\""
                ));
            }
            Err(wf::PairFault::NotQuoted) => {
                return fail(format!("the value of attribute `{key}` is not in quotes"));
            }
            Err(wf::PairFault::NotClosed) => {
                return fail(format!("the value of attribute `{key}` is not closed"));
            }
        };
        wf::check_value(
            &raw[value_start..value_end],
            base + value_start,
            has_doctype,
        )?;
        let duplicate = match &mut seen {
            Some(set) => !set.insert(key),
            None if out.len() < LINEAR => out
                .iter()
                .any(|&(name, _)| text.get(name.range()) == Some(key)),
            None => {
                let mut set: foldhash::HashSet<&str> = out
                    .iter()
                    .map(|&(name, _)| text.get(name.range()).unwrap_or(""))
                    .collect();
                let new = set.insert(key);
                seen = Some(set);
                !new
            }
        };
        if duplicate {
            return fail(format!("attribute `{key}` appears twice in this tag"));
        }
        out.push((
            Span::new(base + key_start, base + key_start + key.len()),
            Span::new(base + value_start, base + value_end),
        ));
    }
    Ok(())
}

/// Adds an element whose attributes [`read_attrs`] or [`quick::quick_tag`] read.
fn push_scanned(
    doc: &mut XmlDoc<'_>,
    stack: &[u32],
    text: &str,
    qname: &str,
    ns: Ns,
    tag: Span,
    scanned: &[(Span, Span)],
) -> u32 {
    let attrs_start = u32::try_from(doc.attrs.len()).unwrap_or(u32::MAX);
    for &(name, value) in scanned {
        let key = text.get(name.range()).unwrap_or("");
        if declared_prefix(key).is_some() {
            continue;
        }
        // The local name follows the colon.
        let name = match key.bytes().position(|b| b == b':') {
            Some(colon) => Span::new(name.start as usize + colon + 1, name.end as usize),
            None => name,
        };
        doc.attrs.push(Attr { name, value });
    }
    link_element(doc, stack, text, qname, ns, tag, attrs_start)
}

fn link_element(
    doc: &mut XmlDoc<'_>,
    stack: &[u32],
    text: &str,
    qname: &str,
    ns: Ns,
    tag: Span,
    attrs_start: u32,
) -> u32 {
    let id = u32::try_from(doc.elements.len()).unwrap_or(u32::MAX);
    // The local name follows the first colon (as quick-xml's `local_name`).
    let local = qname
        .bytes()
        .position(|b| b == b':')
        .map_or(qname, |colon| &qname[colon + 1..]);
    let name = offset_in(text, local).map_or(tag, |at| Span::new(at, at + local.len()));
    let attrs_end = u32::try_from(doc.attrs.len()).unwrap_or(u32::MAX);
    let parent = stack.last().copied().unwrap_or(NONE);
    doc.elements.push(Element {
        ns,
        name,
        tag,
        text: Span::default(),
        parent,
        first_child: NONE,
        last_child: NONE,
        next_sibling: NONE,
        attrs_start,
        attrs_end,
    });
    if parent != NONE {
        let prev = doc.elements[parent as usize].last_child;
        if prev == NONE {
            doc.elements[parent as usize].first_child = id;
        } else {
            doc.elements[prev as usize].next_sibling = id;
        }
        doc.elements[parent as usize].last_child = id;
    }
    id
}

fn extend_text(doc: &mut XmlDoc<'_>, id: u32, text: &str, raw: &str) {
    // Most text between tags is indentation.
    if raw.bytes().all(|b| b.is_ascii_whitespace()) {
        return;
    }
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return;
    }
    let Some(at) = offset_in(text, trimmed) else {
        return;
    };
    let span = Span::new(at, at + trimmed.len());
    let e = &mut doc.elements[id as usize];
    e.text = if e.text.is_empty() {
        span
    } else {
        Span::new(e.text.start as usize, span.end as usize)
    };
}

fn error_at(text: &str, start: usize, end: usize, message: &str) -> XmlError {
    // A parser may point inside a character: start at its first byte.
    let start = floor_char_boundary(text, start);
    // Underline the offending markup up to the end of its line, at least one character.
    let line_end = text[start..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| start + i);
    let mut end = end.clamp(start, line_end);
    if end == start {
        end = ceil_char_boundary(text, start + 1).min(line_end);
    }
    XmlError {
        span: Span::new(start, floor_char_boundary(text, end)),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";

    #[test]
    fn spans_point_at_names_values_and_text() {
        let text = format!(
            "<Topology xmlns=\"{T}\">\n  <Cluster Fqdn=\"pool01.contoso.com\"/>\n  <Name> Site &amp; Co </Name>\n</Topology>"
        );
        let doc = parse(&text).expect("well-formed");
        assert_eq!(doc.name(0), "Topology");
        assert_eq!(doc.elem(0).ns, Ns::Topology);
        let cluster = doc.child(0, &[Ns::Topology], "Cluster").expect("cluster");
        let (fqdn, span) = doc.attr_value(cluster, "Fqdn").expect("fqdn");
        assert_eq!(fqdn, "pool01.contoso.com");
        assert_eq!(&text[span.range()], "pool01.contoso.com");
        assert_eq!(
            &text[doc.elem(cluster).tag.range()],
            "<Cluster Fqdn=\"pool01.contoso.com\"/>"
        );
        let name = doc.child(0, &[Ns::Topology], "Name").expect("name");
        assert_eq!(doc.text_of(name), "Site & Co");
        assert_eq!(doc.descendants(0).count(), 2);
    }

    #[test]
    fn prefixed_and_redeclared_namespaces() {
        let text = format!(
            "<t:Topology xmlns:t=\"{T}\"><Ports xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\"/><x:y xmlns:x=\"urn:other\"/></t:Topology>"
        );
        let doc = parse(&text).expect("ok");
        let kinds: Vec<_> = doc
            .children(0)
            .map(|c| (doc.name(c), doc.elem(c).ns))
            .collect();
        assert_eq!(kinds, [("Ports", Ns::ServiceRoles), ("y", Ns::Other)]);
    }

    #[test]
    fn mismatched_end_tag_points_at_it() {
        let text = "<Topology>\n  <Cluster>\n</Topology>";
        let err = parse(text).expect_err("ill-formed");
        assert!(text[err.span.range()].starts_with("</Topology"), "{err:?}");
    }

    #[test]
    fn truncated_document_names_the_open_element() {
        let err =
            parse("<Topology>\n  <Clusters>\n    <Cluster Fqdn=\"a\">").expect_err("truncated");
        assert!(err.message.contains("<Cluster>"), "{}", err.message);
        let err = parse("<Topology><Cluster Fqdn=\"a").expect_err("cut in attribute");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn empty_and_rootless_and_two_roots() {
        assert_eq!(parse("").expect_err("empty").message, "the file is empty");
        assert!(parse("<?xml version=\"1.0\"?>").is_err());
        assert!(
            parse("<a/><b/>")
                .expect_err("two roots")
                .message
                .contains("second root")
        );
        assert!(parse("<a/>junk").is_err());
    }

    #[test]
    fn duplicate_attribute_is_an_error() {
        assert!(parse("<a x=\"1\" x=\"2\"/>").is_err());
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 200_000;
        let text = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let doc = parse(&text).expect("deep but well-formed");
        assert_eq!(doc.elements.len(), depth);
        assert_eq!(doc.descendants(0).count(), depth - 1);
        assert_eq!(doc.children(0).count(), 1);
    }

    #[test]
    fn namespace_scopes_end_with_their_element() {
        let text =
            format!("<Topology xmlns=\"{T}\"><p:x xmlns:p=\"urn:other\"><y/></p:x><z/></Topology>");
        let doc = parse(&text).expect("ok");
        let ns: Vec<_> = doc
            .descendants(0)
            .map(|e| (doc.name(e), doc.elem(e).ns))
            .collect();
        assert_eq!(
            ns,
            [("x", Ns::Other), ("y", Ns::Topology), ("z", Ns::Topology)]
        );
        assert!(
            parse("<q:a/>")
                .expect_err("undeclared")
                .message
                .contains("`q`")
        );
    }

    /// Documents XML 1.0 and its namespaces forbid: (document, part of the message, the text
    /// the error's span starts with).
    pub(crate) const ILL_FORMED: &[(&str, &str, &str)] = &[
        // Character references to characters XML forbids.
        ("<a>&#0;</a>", "U+0000", "&#0;"),
        ("<a>x &#27;</a>", "U+001B", "&#27;"),
        ("<a>&#x1b;</a>", "U+001B", "&#x1b;"),
        ("<a>&#xD800;</a>", "U+D800", "&#xD800;"),
        ("<a>&#xDFFF;</a>", "U+DFFF", "&#xDFFF;"),
        ("<a>&#xFFFE;</a>", "U+FFFE", "&#xFFFE;"),
        ("<a>&#x110000;</a>", "U+110000", "&#x110000;"),
        (
            "<a>&#99999999999;</a>",
            "not a character reference",
            "&#99999999999;",
        ),
        ("<a>&#;</a>", "not a character reference", "&#;"),
        ("<a>&#xG;</a>", "not a character reference", "&#xG;"),
        ("<a v=\"&#8;\"/>", "U+0008", "&#8;"),
        ("<a v='&#xD800;'/>", "U+D800", "&#xD800;"),
        // Raw characters XML forbids, anywhere.
        ("<a>\u{1b}[31m</a>", "U+001B", "\u{1b}"),
        ("<a v=\"x\u{7}\"/>", "U+0007", "\u{7}"),
        ("<a\u{c}/>", "U+000C", "\u{c}"),
        ("<!-- \u{1} --><a/>", "U+0001", "\u{1}"),
        ("<a>\u{FFFF}</a>", "U+FFFF", "\u{FFFF}"),
        ("<a/>\u{1f}", "U+001F", "\u{1f}"),
        // `<` in an attribute value.
        ("<a v=\"1<2\"/>", "`<` is not allowed", "<2"),
        ("<a v='<b/>'></a>", "`<` is not allowed", "<b/>"),
        // Attributes with no white space between them.
        ("<a x=\"1\"y=\"2\"/>", "white space is needed", "y"),
        ("<a x='1'y='2'></a>", "white space is needed", "y"),
        // `]]>` in text.
        ("<a>x ]]> y</a>", "`]]>` is not allowed", "]]>"),
        // Names.
        ("<1a/>", "not a valid element name", "1a"),
        ("<a><-b/></a>", "not a valid element name", "-b"),
        ("<a:b:c xmlns:a=\"urn:a\"/>", "at most one `:`", "a:b:c"),
        ("<a: xmlns:a=\"urn:a\"/>", "at most one `:`", "a:"),
        ("<a 1x=\"1\"/>", "not a valid attribute name", "1x"),
        ("<a x:y:z=\"1\"/>", "at most one `:`", "x:y:z"),
        (
            "<a><?1pi x?></a>",
            "not a valid processing instruction name",
            "<?1pi",
        ),
        ("<!DOCTYPE 1a><a/>", "not a valid document type name", "1a"),
        ("<a>&1x;</a>", "is not a reference", "&1x;"),
        // The XML declaration and the DOCTYPE out of place.
        (
            " <?xml version=\"1.0\"?><a/>",
            "only allowed at the very start",
            "<?xml",
        ),
        (
            "<!-- c --><?xml version=\"1.0\"?><a/>",
            "only allowed at the very start",
            "<?xml",
        ),
        (
            "<a><?xml version=\"1.0\"?></a>",
            "only allowed at the very start",
            "<?xml",
        ),
        (
            "<a/><?xml version=\"1.0\"?>",
            "only allowed at the very start",
            "<?xml",
        ),
        ("<?XML version=\"1.0\"?><a/>", "reserved", "<?XML"),
        ("<a><?xMl x?></a>", "reserved", "<?xMl"),
        (
            "<a><!DOCTYPE a></a>",
            "DOCTYPE is only allowed once",
            "<!DOCTYPE",
        ),
        (
            "<a/><!DOCTYPE a>",
            "DOCTYPE is only allowed once",
            "<!DOCTYPE",
        ),
        (
            "<!DOCTYPE a><!DOCTYPE a><a/>",
            "DOCTYPE is only allowed once",
            "<!DOCTYPE",
        ),
        ("<!doctype a><a/>", "in capitals", "<!doctype"),
        // The XML declaration itself; an unsupported version.
        (
            "<?xml version=\"1.1\"?><a/>",
            "version `1.1` is not supported",
            "1.1",
        ),
        (
            "<?xml version='2.0'?><a/>",
            "version `2.0` is not supported",
            "2.0",
        ),
        ("<?xml?><a/>", "has no version", "<?xml?>"),
        ("<?xml encoding=\"UTF-8\"?><a/>", "out of place", "encoding"),
        (
            "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><a/>",
            "out of place",
            "encoding",
        ),
        (
            "<?xml version=\"1.0\" encoding=\"UTF 8\"?><a/>",
            "not an encoding name",
            "UTF 8",
        ),
        (
            "<?xml version=\"1.0\" standalone=\"maybe\"?><a/>",
            "`yes` or `no`",
            "maybe",
        ),
        (
            "<?xml version=\"1.0\"encoding=\"UTF-8\"?><a/>",
            "malformed",
            "encoding",
        ),
        ("<?xml version=1.0?><a/>", "in quotes", "version"),
        // Unbound prefixes and forbidden declarations.
        ("<q:a/>", "prefix `q` is not declared", "<q:a/>"),
        (
            "<a q:x=\"1\"/>",
            "prefix `q` of attribute `q:x` is not declared",
            "q:x",
        ),
        (
            "<a><b xmlns:p=\"urn:p\"/><p:c/></a>",
            "prefix `p` is not declared",
            "<p:c/>",
        ),
        ("<a xmlns:p=\"\"/>", "undeclares a prefix", "xmlns:p"),
        (
            "<a xmlns:xmlns=\"urn:x\"/>",
            "`xmlns` is reserved",
            "xmlns:xmlns",
        ),
        (
            "<a xmlns:xml=\"urn:x\"/>",
            "`xml` can only be bound",
            "xmlns:xml",
        ),
        (
            "<a xmlns:x=\"http://www.w3.org/XML/1998/namespace\"/>",
            "only the prefix `xml`",
            "xmlns:x",
        ),
        (
            "<a xmlns:p=\"urn:u\" xmlns:q=\"urn:u\" p:x=\"1\" q:x=\"2\"/>",
            "the same namespace and local name",
            "q:x",
        ),
        // A second byte-order mark (the decoder takes off the first).
        ("\u{FEFF}<a/>", "second byte-order mark", "\u{FEFF}"),
        (
            "\u{FEFF}<?xml version=\"1.0\"?><a/>",
            "second byte-order mark",
            "\u{FEFF}",
        ),
        // Text outside the root element, white space other than XML's included.
        ("\u{A0}<a/>", "text outside the root element", "\u{A0}"),
        ("<a/>\u{2003}", "text outside the root element", "\u{2003}"),
        // Found by fuzzing: the error position fell inside a two-byte character.
        ("<!---é--->\n<a/>", "`--`", "é"),
    ];

    /// Documents near the cases above that are well-formed.
    pub(crate) const WELL_FORMED: &[&str] = &[
        "<?xml version=\"1.0\" encoding=\"utf-16\" standalone='no' ?>\n<a/>",
        "<?xml version='1.0'?><a/>",
        "<a>&#9;&#xA;&#13;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;</a>",
        "<a v=\"&#x9;&gt;&lt;&amp;&apos;&quot;\">\u{85}\u{FEFF}é]] ]>]</a>",
        "<a><?xml-stylesheet href=\"x\"?><?pi?></a><?after x?>",
        "<é.b-c_d xmlns:é=\"urn:e\" é:x=\"1\"><_/></é.b-c_d>",
        "<a xml:lang=\"en\" xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/>",
        "<a xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" p:x=\"1\" q:x=\"2\" x=\"3\"/>",
        "<a xmlns=\"urn:a\"><b xmlns=\"\"/></a>",
        "<a xmlns:p=\"urn:p\"><b p:x=\"1\"/></a><!-- -->",
        "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
        "<a><![CDATA[x ]]]]><![CDATA[> <b> &#0;]]></a>",
    ];

    #[test]
    fn ill_formed_documents_are_errors_at_the_markup() {
        for &(text, message, at) in ILL_FORMED {
            let err = parse(text).expect_err(text);
            assert!(
                err.message.contains(message),
                "{text:?}: {:?}, expected {message:?}",
                err.message
            );
            let shown = &text[err.span.range()];
            assert!(
                text[err.span.start as usize..].starts_with(at) && !shown.is_empty(),
                "{text:?}: the error underlines {shown:?}, expected it to start at {at:?}"
            );
        }
        for text in WELL_FORMED {
            assert!(parse(text).is_ok(), "{text:?}: {:?}", parse(text));
        }
    }

    /// A prefix declared again inside an element hides the outer binding only until that
    /// element ends, and a thousand declarations in scope change nothing.
    #[test]
    fn a_redeclared_prefix_is_restored_when_its_element_ends() {
        let many: String = (0..1000)
            .map(|i| format!(" xmlns:q{i}=\"urn:q{i}\""))
            .collect();
        let roles = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
        let text = format!(
            "<p:a xmlns:p=\"{T}\"{many}><p:b xmlns:p=\"{roles}\"><p:c/></p:b><p:d q999:x=\"1\"/></p:a>"
        );
        let doc = parse(&text).expect("well-formed");
        let ns: Vec<_> = (0..doc.elements.len() as u32)
            .map(|e| (doc.name(e), doc.elem(e).ns))
            .collect();
        assert_eq!(
            ns,
            [
                ("a", Ns::Topology),
                ("b", Ns::ServiceRoles),
                ("c", Ns::ServiceRoles),
                ("d", Ns::Topology)
            ]
        );
        let err = parse(&format!("<a{many}><b/></a><!-- --><c q1:y=\"\"/>")).expect_err("closed");
        assert!(err.message.contains("second root"), "{}", err.message);
        let err = parse(&format!("<a><b{many}/><c q1:y=\"\"/></a>")).expect_err("out of scope");
        assert!(err.message.contains("prefix `q1`"), "{}", err.message);
    }

    /// Both readers give the same tree (or the same error) on every fixture and on odd texts;
    /// the quick one reads the fixtures without giving up, save for the unusual ones.
    #[test]
    fn quick_reader_matches_quick_xml() {
        let files = crate::rules::test_util::testdata_xml();
        let mut texts: Vec<String> = files
            .iter()
            .map(|p| crate::input::source::decode(std::fs::read(p).expect("read")).text)
            .collect();
        for odd in [
            "<?xml version=\"1.0\"?>\n<!-- c --><a x=\"1>2\" y='\"'><b/><c >t</c ></a>\n",
            "<a></a >",
            "<a></a\u{c}>",
            "<a></b>",
            "<a><!-- x -- y --></a>",
            "<a><!-- x ---></a>",
            "<a>x &amp; y</a>",
            "<a><![CDATA[x]]></a>",
            "<!DOCTYPE a><a/>",
            "<a/><b/>",
            "<a/>text",
            "< a/>",
            "<a",
            "<a x=\"1",
            "<a><?>x</a>",
            "<a><?pi x?></a>",
            "<p:a xmlns:p=\"urn:x\"><p:b/></p:a>",
            "<q:a/>",
            "<a x=\"&nbsp;\"/>",
            "<a x=\"&amp;\" y = '1' />",
            "<a x=\"1\"y=\"2\"/>",
            "<a x=\"1\" x=\"2\"/>",
            "<a x=\"1\" / >",
            "<a x/y=\"1\"/>",
            "<a.b-c_d:e f:g=\"1\" xmlns:f=\"urn:f\" xmlns:a.b-c_d=\"urn:a\"></a.b-c_d:e>",
            "<a>\n  <b>  two words  </b>\n</a>",
            "",
            "   ",
        ] {
            texts.push(odd.to_string());
        }
        texts.extend(ILL_FORMED.iter().map(|(text, _, _)| (*text).to_string()));
        texts.extend(WELL_FORMED.iter().map(|text| (*text).to_string()));
        let mut quick_reads = 0;
        for text in &texts {
            match crate::fuzzing::xml_readers(text) {
                Ok(quick) => quick_reads += usize::from(quick),
                Err(disagreement) => panic!("{text:?}: {disagreement}"),
            }
        }
        assert!(quick_reads > files.len() / 2, "{quick_reads} quick reads");
    }

    /// The attributes of the first start tag of `text`: by the quick reader (`None` when it
    /// declines) and by the thorough one (`Err` on an error).
    type Spans = Vec<(Span, Span)>;

    fn both_readings(text: &str) -> (Option<Spans>, Result<Spans, String>) {
        let lt = text.find('<').expect("a tag");
        let mut quick = Vec::new();
        let quick = quick::quick_tag(text, lt, &mut quick).map(|_| quick);
        let mut reader = Reader::from_str(text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(start) | Event::Empty(start)) => {
                    let raw = start.attributes_raw();
                    let base = offset_in(text, raw).expect("attributes in text");
                    let mut thorough = Vec::new();
                    let thorough = read_attrs(text, base, raw, &mut thorough, false)
                        .map(|()| thorough)
                        .map_err(|e| e.message);
                    return (quick, thorough);
                }
                Ok(Event::Eof) | Err(_) => panic!("no start tag in {text}"),
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn quick_and_thorough_attribute_reading_agree() {
        let attrs: String = (0..40).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let many = format!("<a{attrs}/>");
        let many_twice = format!("<a{attrs} a39=\"again\"/>");
        // (tag, what the thorough reader says: "" when it reads it, else part of its error)
        let cases = [
            ("<a/>", ""),
            ("<a x=\"1\"/>", ""),
            ("<a  x = \"1\"\ty='2' z=\"\"/>", ""),
            ("<p:a p:x=\"1\" xmlns:p=\"u\" q:y='v'/>", ""),
            ("<a x=\"a'b\" y='a\"b'/>", ""),
            ("<a x=\"&amp;&#38;\"/>", ""),
            ("<a x=\"1\"y=\"2\">", "white space is needed"),
            ("<a x=\"1\" x=\"2\"/>", "appears twice"),
            ("<a x/>", "has no value"),
            ("<a x y=\"1\"/>", "has no value"),
            ("<a x=/>", "not in quotes"),
            ("<a x=1/>", "not in quotes"),
            ("<a =\"1\"/>", "no name"),
            ("<a x=\"1\" y/>", "has no value"),
            ("<a :x=\"1\"/>", "not a valid attribute name"),
            ("<a y:=\"2\"/>", "not a valid attribute name"),
            ("<a x:y:z=\"2\"/>", "at most one `:`"),
            ("<a é=\"1\"/>", ""),
            ("<a -x=\"1\"/>", "not a valid attribute name"),
            ("<a x=\"<\"/>", "`<` is not allowed"),
            ("<a x=\"&#27;\"/>", "U+001B"),
            ("<a x=\"&nbsp;\"/>", "undefined entity"),
            ("<a x=\"a & b\"/>", "starts no reference"),
            (many.as_str(), ""),
            (many_twice.as_str(), "`a39` appears twice"),
        ];
        for (text, expected) in cases {
            let (quick, thorough) = both_readings(text);
            match &thorough {
                Ok(_) => assert!(expected.is_empty(), "{text}: read, expected {expected}"),
                Err(e) => assert!(
                    !expected.is_empty() && e.contains(expected),
                    "{text}: {e}, expected {expected:?}"
                ),
            }
            if let Some(quick) = quick {
                // The quick reader leaves values with `&` to be checked after it.
                if !text.contains('&') {
                    assert_eq!(Ok(quick), thorough, "{text}");
                }
            }
        }
        // The quick reader takes the usual tags.
        for (text, _) in &cases[..6] {
            assert!(both_readings(text).0.is_some(), "{text}");
        }
    }

    #[test]
    fn entities_are_not_expanded() {
        let text = "<!DOCTYPE a [<!ENTITY x \"&y;&y;\"><!ENTITY y \"zz\"><!ENTITY ext SYSTEM \"file:///etc/passwd\">]><a v=\"&x;\">&ext;</a>";
        let doc = parse(text).expect("parsed without expansion");
        assert_eq!(doc.attr_value(0, "v").expect("v").0, "&x;");
        assert_eq!(doc.text_of(0), "&ext;");
    }
}
