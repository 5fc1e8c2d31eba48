//! A compact, span-keeping XML tree built with quick-xml.
//!
//! Elements and attributes live in two flat vectors and refer to the source text by span, so a
//! document costs a few dozen bytes per element beyond its text. Building and walking the tree
//! is iterative: document depth never touches the call stack. DOCTYPE declarations are skipped
//! (entities are never expanded, external entities never resolved).

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::input::span::{Span, offset_in};

/// Namespaces the topology formats use, interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ns {
    /// `urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008`
    Topology,
    /// `urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008`
    WritableTopology,
    /// `urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008`
    TopologyBuilder,
    /// `urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008`
    ServiceRoles,
    /// Any other namespace.
    Other,
    /// No namespace.
    None,
}

impl Ns {
    fn from_uri(uri: &str) -> Self {
        match uri {
            "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" => Self::Topology,
            "urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008" => {
                Self::WritableTopology
            }
            "urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008" => {
                Self::TopologyBuilder
            }
            "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" => Self::ServiceRoles,
            _ => Self::Other,
        }
    }
}

/// Index of an element in [`XmlDoc::elements`].
pub type ElemId = u32;
const NONE: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct Element {
    pub ns: Ns,
    /// The local name (without prefix).
    pub name: Span,
    /// The whole start tag, `<` to `>`.
    pub tag: Span,
    /// Text directly inside the element, trimmed (empty if none).
    pub text: Span,
    parent: u32,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
    attrs_start: u32,
    attrs_end: u32,
}

impl Element {
    /// Index of the element's first attribute in [`XmlDoc::attrs`].
    #[must_use]
    pub fn attrs_start(&self) -> u32 {
        self.attrs_start
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Attr {
    /// The local name (without prefix).
    pub name: Span,
    /// The raw value between the quotes (still escaped).
    pub value: Span,
}

/// A parsed document. Element 0 is the root.
#[derive(Debug)]
pub struct XmlDoc<'t> {
    pub text: &'t str,
    pub elements: Vec<Element>,
    pub attrs: Vec<Attr>,
}

/// An ill-formed document: where and why.
#[derive(Debug, PartialEq, Eq)]
pub struct XmlError {
    pub span: Span,
    pub message: String,
}

impl<'t> XmlDoc<'t> {
    #[must_use]
    pub fn root(&self) -> ElemId {
        0
    }

    #[must_use]
    pub fn elem(&self, id: ElemId) -> &Element {
        &self.elements[id as usize]
    }

    #[must_use]
    pub fn name(&self, id: ElemId) -> &'t str {
        self.slice(self.elem(id).name)
    }

    /// Whether the element has this local name in one of the given namespaces.
    #[must_use]
    pub fn is(&self, id: ElemId, namespaces: &[Ns], local: &str) -> bool {
        let e = self.elem(id);
        namespaces.contains(&e.ns) && self.slice(e.name) == local
    }

    #[must_use]
    pub fn parent(&self, id: ElemId) -> Option<ElemId> {
        let p = self.elem(id).parent;
        (p != NONE).then_some(p)
    }

    /// Direct children, in document order.
    pub fn children(&self, id: ElemId) -> impl Iterator<Item = ElemId> + '_ {
        let mut next = self.elem(id).first_child;
        std::iter::from_fn(move || {
            (next != NONE).then(|| {
                let current = next;
                next = self.elem(current).next_sibling;
                current
            })
        })
    }

    /// The first direct child with this local name in one of the namespaces.
    #[must_use]
    pub fn child(&self, id: ElemId, namespaces: &[Ns], local: &str) -> Option<ElemId> {
        self.children(id).find(|&c| self.is(c, namespaces, local))
    }

    /// All descendants of `id` (not `id` itself) in document order.
    pub fn descendants(&self, id: ElemId) -> impl Iterator<Item = ElemId> + '_ {
        // Elements are stored in document order, so a subtree is a contiguous run.
        let end = self.subtree_end(id);
        (id + 1..end).map(|i| i as ElemId)
    }

    fn subtree_end(&self, id: ElemId) -> u32 {
        let mut cur = id;
        loop {
            let e = self.elem(cur);
            if e.next_sibling != NONE {
                return e.next_sibling;
            }
            if e.parent == NONE {
                return u32::try_from(self.elements.len()).unwrap_or(u32::MAX);
            }
            cur = e.parent;
        }
    }

    pub fn attrs(&self, id: ElemId) -> impl Iterator<Item = Attr> + '_ {
        let e = self.elem(id);
        self.attrs[e.attrs_start as usize..e.attrs_end as usize]
            .iter()
            .copied()
    }

    /// The attribute with this local name.
    #[must_use]
    pub fn attr(&self, id: ElemId, local: &str) -> Option<Attr> {
        self.attrs(id).find(|a| self.slice(a.name) == local)
    }

    /// The unescaped value of an attribute (the raw text if it holds an unknown entity).
    #[must_use]
    pub fn value(&self, attr: Attr) -> Cow<'t, str> {
        let raw = self.slice(attr.value);
        if !raw.contains('&') {
            return Cow::Borrowed(raw);
        }
        quick_xml::escape::unescape(raw).unwrap_or(Cow::Borrowed(raw))
    }

    /// The attribute's unescaped value and its span.
    #[must_use]
    pub fn attr_value(&self, id: ElemId, local: &str) -> Option<(Cow<'t, str>, Span)> {
        self.attr(id, local).map(|a| (self.value(a), a.value))
    }

    /// The element's own text, unescaped.
    #[must_use]
    pub fn text_of(&self, id: ElemId) -> Cow<'t, str> {
        let raw = self.slice(self.elem(id).text);
        quick_xml::escape::unescape(raw).unwrap_or(Cow::Borrowed(raw))
    }

    #[must_use]
    pub fn slice(&self, span: Span) -> &'t str {
        self.text.get(span.range()).unwrap_or("")
    }
}

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
        if let Some(at) = self.quick {
            let step = self.quick_next(at).unwrap_or(Step::Unusual);
            if step == Step::Unusual {
                self.quick = None;
            }
            return Ok(step);
        }
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
                    if self.stack.is_empty() && (self.root_closed || self.seen_root) {
                        return Err(error_at(
                            text,
                            before,
                            after,
                            "a second root element; a document has exactly one",
                        ));
                    }
                    self.seen_root = true;
                    let depth = u32::try_from(self.stack.len()).unwrap_or(u32::MAX);
                    let tag = Span::new(before, after);
                    // The common case reads the attributes once; anything unusual goes the
                    // way quick-xml reads them, which also words the errors.
                    let scanned = scan_attrs(text, start.attributes_raw(), &mut self.scanned);
                    let ns = if scanned {
                        self.scopes.enter_scanned(
                            depth,
                            text,
                            &self.scanned,
                            start.name().into_inner(),
                        )
                    } else {
                        self.scopes.enter(depth, text, start)
                    };
                    let ns = match ns {
                        Ok(ns) => ns,
                        Err(prefix) => {
                            return Err(error_at(
                                text,
                                before,
                                after,
                                &format!("namespace prefix `{prefix}` is not declared"),
                            ));
                        }
                    };
                    let id = if scanned {
                        push_scanned(
                            &mut self.doc,
                            &self.stack,
                            text,
                            start.name().into_inner(),
                            ns,
                            tag,
                            &self.scanned,
                        )
                    } else {
                        push_element(&mut self.doc, &self.stack, text, start, ns, tag)?
                    };
                    if !self.has_doctype {
                        check_entities_in_attrs(&self.doc, id)?;
                    }
                    if matches!(event, Event::Start(_)) {
                        self.stack.push(id);
                    } else {
                        self.scopes.leave(depth);
                        if self.stack.is_empty() {
                            self.root_closed = true;
                        }
                        return Ok(Step::Closed {
                            id,
                            depth: self.stack.len(),
                        });
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
                    match self.stack.last() {
                        Some(&top) => extend_text(&mut self.doc, top, text, raw),
                        None if !raw.trim().is_empty() => {
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
                Event::GeneralRef(ref r) if !self.has_doctype && !is_predefined(r) => {
                    let name: &str = r;
                    return Err(error_at(
                        text,
                        before,
                        after,
                        &format!(
                            "undefined entity `&{name};` (only &lt; &gt; &amp; &apos; &quot; and character references exist without a DOCTYPE)"
                        ),
                    ));
                }
                Event::GeneralRef(_) | Event::CData(_) => {
                    if let Some(&top) = self.stack.last() {
                        let span = Span::new(before, after);
                        let e = &mut self.doc.elements[top as usize];
                        e.text = if e.text.is_empty() {
                            span
                        } else {
                            Span::new(e.text.start as usize, after)
                        };
                    } else {
                        return Err(error_at(
                            text,
                            before,
                            after,
                            "content outside the root element",
                        ));
                    }
                }
                Event::Eof => return self.finish(),
                Event::DocType(_) => self.has_doctype = true,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
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
                if raw.contains('&') {
                    return None;
                }
                match self.stack.last() {
                    Some(&top) => extend_text(&mut self.doc, top, text, raw),
                    None if !raw.trim().is_empty() => return None,
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
                // A declaration or processing instruction, skipped like quick-xml's events.
                Some(b'?') if bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                    at = lt + 2 + text[lt + 2..].find("?>")? + 2;
                }
                Some(_) => {
                    let tag = quick_tag(text, lt, &mut self.scanned)?;
                    if let Some(step) = self.quick_start(lt, &tag) {
                        return Some(step);
                    }
                    at = tag.gt + 1;
                    self.quick = Some(at);
                }
                None => return None,
            }
        }
    }

    /// A start tag read by [`quick_tag`] from `<` at `lt`: `Some(Closed)` for an empty
    /// element, `Some(Unusual)` when it cannot be taken here, `None` for an element left open.
    fn quick_start(&mut self, lt: usize, quick: &QuickTag) -> Option<Step> {
        let text = self.doc.text;
        let (gt, empty, name_len) = (quick.gt, quick.empty, quick.name_len);
        let qname = &text[lt + 1..lt + 1 + name_len];
        if self.stack.is_empty() && (self.root_closed || self.seen_root) {
            return Some(Step::Unusual);
        }
        self.seen_root = true;
        let depth = u32::try_from(self.stack.len()).unwrap_or(u32::MAX);
        let tag = Span::new(lt, gt + 1);
        let Ok(ns) = self.scopes.enter_scanned(depth, text, &self.scanned, qname) else {
            return Some(Step::Unusual);
        };
        let id = push_scanned(
            &mut self.doc,
            &self.stack,
            text,
            qname,
            ns,
            tag,
            &self.scanned,
        );
        if quick.ampersand && !self.has_doctype && check_entities_in_attrs(&self.doc, id).is_err() {
            return Some(Step::Unusual);
        }
        if empty {
            self.scopes.leave(depth);
            if self.stack.is_empty() {
                self.root_closed = true;
            }
            self.quick = Some(gt + 1);
            return Some(Step::Closed {
                id,
                depth: self.stack.len(),
            });
        }
        self.stack.push(id);
        let name_start = u32::try_from(lt + 1).unwrap_or(u32::MAX);
        let name_end = u32::try_from(lt + 1 + name_len).unwrap_or(u32::MAX);
        self.open_names.push((name_start, name_end));
        None
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

fn is_predefined(r: &quick_xml::events::BytesRef<'_>) -> bool {
    let name: &str = r;
    name.starts_with('#') || matches!(name, "lt" | "gt" | "amp" | "apos" | "quot")
}

/// Attribute values may only use predefined entities when there is no DOCTYPE.
fn check_entities_in_attrs(doc: &XmlDoc<'_>, id: u32) -> Result<(), XmlError> {
    for attr in doc.attrs(id) {
        let raw = doc.slice(attr.value);
        if raw.contains('&') {
            if let Err(e) = quick_xml::escape::unescape(raw) {
                return Err(XmlError {
                    span: attr.value,
                    message: format!("bad entity in attribute value: {e}"),
                });
            }
        }
    }
    Ok(())
}

/// Namespace declarations in scope. Only elements that declare namespaces add entries, so the
/// cost does not grow with document depth (and there is no depth limit).
#[derive(Default)]
struct Scopes<'t> {
    /// (depth of the declaring element, prefix or "" for the default namespace, namespace)
    bindings: Vec<(u32, &'t str, Ns)>,
}

impl<'t> Scopes<'t> {
    /// Records the element's declarations and resolves its name; `Err` names an undeclared prefix.
    fn enter(&mut self, depth: u32, text: &'t str, start: &BytesStart<'_>) -> Result<Ns, String> {
        for attr in start.attributes().flatten() {
            let key = attr.key.into_inner();
            let uri =
                quick_xml::escape::unescape(&attr.value).unwrap_or(Cow::Borrowed(&attr.value));
            self.declare(depth, text, key, &uri);
        }
        self.resolve(start.name().into_inner())
    }

    /// [`Scopes::enter`] for attributes read by [`scan_attrs`].
    fn enter_scanned(
        &mut self,
        depth: u32,
        text: &'t str,
        scanned: &[(Span, Span)],
        qname: &str,
    ) -> Result<Ns, String> {
        for &(name, value) in scanned {
            let key = text.get(name.range()).unwrap_or("");
            // A first-byte test before the comparison: nearly every attribute is not `xmlns`.
            if key.as_bytes().first() != Some(&b'x') || !key.starts_with("xmlns") {
                continue;
            }
            let raw = text.get(value.range()).unwrap_or("");
            let uri = quick_xml::escape::unescape(raw).unwrap_or(Cow::Borrowed(raw));
            self.declare(depth, text, key, &uri);
        }
        self.resolve(qname)
    }

    fn declare(&mut self, depth: u32, text: &'t str, key: &str, uri: &str) {
        let prefix = match key.strip_prefix("xmlns") {
            Some("") => "",
            Some(rest) => match rest.strip_prefix(':') {
                Some(p) => p,
                None => return,
            },
            None => return,
        };
        // The prefix as a slice of the text, so that no binding allocates.
        let prefix = offset_in(text, prefix).map_or("", |at| &text[at..at + prefix.len()]);
        let ns = if uri.is_empty() {
            Ns::None
        } else {
            Ns::from_uri(uri)
        };
        self.bindings.push((depth, prefix, ns));
    }

    fn resolve(&self, name: &str) -> Result<Ns, String> {
        let prefix = name
            .bytes()
            .position(|b| b == b':')
            .map_or("", |colon| &name[..colon]);
        // Most names have no prefix: look for the default namespace without comparing text.
        let binding = if prefix.is_empty() {
            self.bindings.iter().rev().find(|(_, p, _)| p.is_empty())
        } else {
            self.bindings.iter().rev().find(|(_, p, _)| *p == prefix)
        };
        match binding {
            Some((_, _, ns)) => Ok(*ns),
            None if prefix.is_empty() => Ok(Ns::None),
            None if prefix == "xml" => Ok(Ns::Other),
            None => Err(prefix.to_string()),
        }
    }

    /// Drops the declarations of the element closing at `depth`.
    fn leave(&mut self, depth: u32) {
        while self.bindings.last().is_some_and(|(d, _, _)| *d >= depth) {
            self.bindings.pop();
        }
    }
}

/// A start tag as [`quick_tag`] reads it.
struct QuickTag {
    /// Where its `>` is.
    gt: usize,
    /// `<name .../>`.
    empty: bool,
    /// The length of its qualified name (after the `<`).
    name_len: usize,
    /// Whether an attribute value holds a `&`.
    ampersand: bool,
}

/// Reads the start tag whose `<` is at `lt` in one pass, its attributes into `out` as (name,
/// value) spans. It takes only the plain shape, which quick-xml reads the same way: a name of
/// letters, digits and `_-.:`, then `name="value"` or `name='value'` pairs after white space,
/// with no repeated name, then `>` or `/>`. Anything else gives `None`.
fn quick_tag(text: &str, lt: usize, out: &mut Vec<(Span, Span)>) -> Option<QuickTag> {
    /// Above this many attributes the duplicate check is left to quick-xml's hashed one.
    const MAX: usize = 32;
    out.clear();
    let b = text.as_bytes();
    let name_start = lt + 1;
    let mut i = name_start;
    while b.get(i).is_some_and(|&c| {
        c.is_ascii_alphabetic()
            || c == b'_'
            || (i > name_start && (c.is_ascii_digit() || matches!(c, b'-' | b'.' | b':')))
    }) {
        i += 1;
    }
    let name_len = i - name_start;
    if name_len == 0 {
        return None;
    }
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
        while b.get(i).is_some_and(|&c| {
            !is_space(c) && !matches!(c, b'=' | b'>' | b'/' | b'"' | b'\'' | b'<')
        }) {
            i += 1;
        }
        let key = &b[key_start..i];
        if key.is_empty() {
            return None;
        }
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

/// XML white space, as quick-xml reads it between attributes.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// Reads the attributes of a start tag into `out` as (name, value) spans of the text, exactly
/// as quick-xml's checked attribute iterator reads them. Returns `false`, leaving the reading
/// to quick-xml, when the tag has any error, when it has many attributes, or when it is not a
/// slice of the text.
fn scan_attrs(text: &str, raw: &str, out: &mut Vec<(Span, Span)>) -> bool {
    /// Above this many attributes the duplicate check is left to quick-xml's hashed one.
    const MAX: usize = 32;
    out.clear();
    let Some(base) = offset_in(text, raw) else {
        return false;
    };
    let b = raw.as_bytes();
    let skip_space = |mut i: usize| {
        while b.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    loop {
        i = skip_space(i);
        if i == b.len() {
            return true;
        }
        let key_start = i;
        if b[i] == b'=' {
            return false;
        }
        while i < b.len() && b[i] != b'=' && !is_space(b[i]) {
            i += 1;
        }
        let key_end = i;
        i = skip_space(i);
        if b.get(i) != Some(&b'=') {
            return false;
        }
        let key = &b[key_start..key_end];
        if out.len() >= MAX
            || out
                .iter()
                .any(|(name, _)| &text.as_bytes()[name.range()] == key)
        {
            return false;
        }
        i = skip_space(i + 1);
        let quote = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return false,
        };
        let value_start = i + 1;
        let Some(len) = b[value_start..].iter().position(|&c| c == quote) else {
            return false;
        };
        let value_end = value_start + len;
        out.push((
            Span::new(base + key_start, base + key_end),
            Span::new(base + value_start, base + value_end),
        ));
        i = value_end + 1;
    }
}

/// [`push_element`] for attributes read by [`scan_attrs`].
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
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        // The local name follows the first colon.
        let name = match key.bytes().position(|b| b == b':') {
            Some(colon) => Span::new(name.start as usize + colon + 1, name.end as usize),
            None => name,
        };
        doc.attrs.push(Attr { name, value });
    }
    link_element(doc, stack, text, qname, ns, tag, attrs_start)
}

fn push_element(
    doc: &mut XmlDoc<'_>,
    stack: &[u32],
    text: &str,
    start: &BytesStart<'_>,
    ns: Ns,
    tag: Span,
) -> Result<u32, XmlError> {
    u32::try_from(doc.elements.len()).map_err(|_| XmlError {
        span: tag,
        message: "too many elements".to_string(),
    })?;
    let attrs_start = u32::try_from(doc.attrs.len()).unwrap_or(u32::MAX);
    let mut attributes = start.attributes();
    attributes.with_checks(true);
    for attr in attributes {
        let attr =
            attr.map_err(|e| error_at(text, tag.start as usize, tag.end as usize, &e.to_string()))?;
        let key = attr.key.into_inner();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let local_key = attr.key.local_name().into_inner();
        let name = offset_in(text, local_key).map_or(tag, |at| Span::new(at, at + local_key.len()));
        let value = match &attr.value {
            Cow::Borrowed(v) => offset_in(text, v).map_or(tag, |at| Span::new(at, at + v.len())),
            Cow::Owned(_) => tag,
        };
        doc.attrs.push(Attr { name, value });
    }
    Ok(link_element(
        doc,
        stack,
        text,
        start.name().into_inner(),
        ns,
        tag,
        attrs_start,
    ))
}

/// Adds an element whose attributes were just pushed (from `attrs_start` on) to its parent.
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
    let start = start.min(text.len());
    // Underline the offending markup up to the end of its line, at least one character.
    let line_end = text[start..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| start + i);
    let mut end = end.clamp(start, line_end);
    if end == start {
        end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        end = end.min(line_end.max(start));
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    XmlError {
        span: Span::new(start, end),
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
        let mut quick_reads = 0;
        for text in &texts {
            let mut parser = Parser::new(text);
            let quick = loop {
                match parser.step() {
                    Ok(Step::Closed { .. }) => {}
                    Ok(Step::Eof) => break Some(Ok(parser.into_doc())),
                    Ok(Step::Unusual) => break None,
                    Err(e) => break Some(Err(e)),
                }
            };
            let thorough = parse_with(Parser::thorough(text));
            if let Some(quick) = quick {
                quick_reads += 1;
                assert_eq!(format!("{quick:?}"), format!("{thorough:?}"), "{text}");
            }
            assert_eq!(
                format!("{:?}", parse(text)),
                format!("{thorough:?}"),
                "{text}"
            );
        }
        assert!(quick_reads > files.len() / 2, "{quick_reads} quick reads");
    }

    /// The attributes of the first start tag of `text`: by the fast reader (`None` when it
    /// declines) and by quick-xml's checked iterator (`Err` on an error).
    type Spans = Vec<(Span, Span)>;

    fn both_readings(text: &str) -> (Option<Spans>, Result<Spans, String>) {
        let mut reader = Reader::from_str(text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(start) | Event::Empty(start)) => {
                    let mut fast = Vec::new();
                    let fast = scan_attrs(text, start.attributes_raw(), &mut fast).then_some(fast);
                    let mut attributes = start.attributes();
                    attributes.with_checks(true);
                    let slow = attributes
                        .map(|a| {
                            a.map(|a| {
                                let key = a.key.into_inner();
                                let at = offset_in(text, key).expect("key in text");
                                let value = offset_in(text, &a.value).expect("value in text");
                                (
                                    Span::new(at, at + key.len()),
                                    Span::new(value, value + a.value.len()),
                                )
                            })
                            .map_err(|e| e.to_string())
                        })
                        .collect();
                    return (fast, slow);
                }
                Ok(Event::Eof) | Err(_) => panic!("no start tag in {text}"),
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn fast_attribute_reading_agrees_with_quick_xml() {
        let many: String = (0..40).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let many = format!("<a{many}/>");
        let cases = [
            "<a/>",
            "<a x=\"1\"/>",
            "<a  x = \"1\"\ty='2' z=\"\"/>",
            "<a x=\"1\"y=\"2\">",
            "<p:a p:x=\"1\" xmlns:p=\"u\" q:y='v'/>",
            "<a x=\"a'b\" y='a\"b'/>",
            "<a x=\"&amp;&#38;\"/>",
            "<a x=\"1\" x=\"2\"/>",
            "<a x/>",
            "<a x y=\"1\"/>",
            "<a x=/>",
            "<a x=1/>",
            "<a =\"1\"/>",
            "<a x=\"1\" y/>",
            "<a :x=\"1\" y:=\"2\"/>",
            many.as_str(),
        ];
        for text in cases {
            let (fast, slow) = both_readings(text);
            match (fast, slow) {
                (Some(fast), Ok(slow)) => assert_eq!(fast, slow, "{text}"),
                (Some(fast), Err(e)) => panic!("{text}: fast read {fast:?}, quick-xml: {e}"),
                (None, _) => {}
            }
        }
        // The fast path takes the usual tags.
        for text in &cases[..7] {
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
