//! The parsed document: elements and attributes in two flat vectors, each element linked to its
//! parent, first and last child and next sibling, every name, value and text kept as a span of
//! the source.

use std::borrow::Cow;

use crate::input::span::Span;

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
    pub(super) fn from_uri(uri: &str) -> Self {
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
pub(super) const NONE: u32 = u32::MAX;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub ns: Ns,
    /// The local name (without prefix).
    pub name: Span,
    /// The whole start tag, `<` to `>`.
    pub tag: Span,
    /// Text directly inside the element, trimmed (empty if none).
    pub text: Span,
    pub(super) parent: u32,
    pub(super) first_child: u32,
    pub(super) last_child: u32,
    pub(super) next_sibling: u32,
    pub(super) attrs_start: u32,
    pub(super) attrs_end: u32,
}

impl Element {
    /// Index of the element's first attribute in [`XmlDoc::attrs`].
    #[must_use]
    pub fn attrs_start(&self) -> u32 {
        self.attrs_start
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr {
    /// The local name (without prefix).
    pub name: Span,
    /// The raw value between the quotes (still escaped).
    pub value: Span,
}

/// A parsed document. Element 0 is the root.
#[derive(Debug, PartialEq, Eq)]
pub struct XmlDoc<'t> {
    pub text: &'t str,
    pub elements: Vec<Element>,
    pub attrs: Vec<Attr>,
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
