//! Host names as topologies and worksheets write them.

use std::fmt;
use std::sync::Arc;

/// A host or pool name, normalised for comparison: lower-case, one trailing dot removed.
///
/// Shared: an index keyed by names (and every other copy) costs a pointer, not the name again,
/// however long a hostile file made it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fqdn(Arc<str>);

impl Fqdn {
    #[must_use]
    pub fn new(raw: &str) -> Self {
        let trimmed = raw.trim();
        let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
        // ASCII names (nearly all) are copied once and lower-cased in place.
        let mut name: Arc<str> = if trimmed.is_ascii() {
            Arc::from(trimmed)
        } else {
            Arc::from(trimmed.to_lowercase())
        };
        if let Some(name) = Arc::get_mut(&mut name) {
            name.make_ascii_lowercase();
        }
        Self(name)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A NetBIOS-style name without a domain (`WAC01`).
    #[must_use]
    pub fn is_single_label(&self) -> bool {
        !self.0.is_empty() && !self.0.contains('.')
    }

    /// The first label (`fe01` of `fe01.contoso.com`).
    #[must_use]
    pub fn first_label(&self) -> &str {
        self.0.split('.').next().unwrap_or("")
    }

    /// Everything after the first label (`contoso.com`), if any.
    #[must_use]
    pub fn domain(&self) -> Option<&str> {
        self.0.split_once('.').map(|(_, d)| d)
    }

    /// Whether the name still holds an unexpanded template placeholder.
    #[must_use]
    pub fn is_placeholder(&self) -> bool {
        super::placeholder::contains(&self.0)
    }

    /// Matches this name against a host written in a worksheet or UNC path: the same FQDN, or a
    /// single-label host equal to this name's first label.
    #[must_use]
    pub fn matches_host(&self, host: &Fqdn) -> bool {
        self == host || (host.is_single_label() && self.first_label() == host.as_str())
    }

    /// Whether two hosts written in worksheets name the same server: [`Fqdn::matches_host`]
    /// either way round (`sql01` and `sql01.contoso.com` do; `sql01.contoso.com` and
    /// `sql01.fabrikam.com` do not).
    #[must_use]
    pub fn same_host(&self, other: &Fqdn) -> bool {
        self.matches_host(other) || other.matches_host(self)
    }
}

/// Names compare as their text does, so maps keyed by [`Fqdn`] can be searched by text ranges.
impl std::borrow::Borrow<str> for Fqdn {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Fqdn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl fmt::Display for Fqdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_trailing_dot() {
        assert_eq!(
            Fqdn::new("FE01.Contoso.com."),
            Fqdn::new("fe01.contoso.com")
        );
        assert_eq!(Fqdn::new("FE01.Contoso.com.").as_str(), "fe01.contoso.com");
        assert_eq!(
            Fqdn::new(" ÉCOLE.Contoso.com ").as_str(),
            "école.contoso.com"
        );
    }

    #[test]
    fn labels() {
        let f = Fqdn::new("fe01.contoso.com");
        assert_eq!((f.first_label(), f.domain()), ("fe01", Some("contoso.com")));
        assert!(Fqdn::new("WAC01").is_single_label());
        assert!(!f.is_single_label());
        assert!(f.matches_host(&Fqdn::new("FE01")));
        assert!(!f.matches_host(&Fqdn::new("fe02")));
        assert!(Fqdn::new("FE01").same_host(&f) && f.same_host(&Fqdn::new("fe01")));
        assert!(!f.same_host(&Fqdn::new("fe01.fabrikam.com")));
    }
}
