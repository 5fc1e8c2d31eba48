//! Unexpanded template placeholders: `$Name`, `${Name}` (PowerShell) and `{{name}}`.

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}").ok()
});

/// Whether `text` holds a placeholder.
#[must_use]
pub fn contains(text: &str) -> bool {
    (text.contains('$') || text.contains("{{")) && find(text).next().is_some()
}

/// The placeholders in `text`, as byte ranges.
pub fn find(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    // Every form starts with `$` or `{`: most text is ruled out without the regex.
    let possible = text.bytes().any(|b| b == b'$' || b == b'{');
    PLACEHOLDER
        .as_ref()
        .filter(|_| possible)
        .into_iter()
        .flat_map(move |re| re.find_iter(text).map(|m| m.range()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_three_forms() {
        for t in [
            "$SkypeFQDN",
            "x.${Domain}",
            "{{ pool_fqdn }}",
            "{{name}}.contoso.com",
        ] {
            assert!(contains(t), "{t}");
        }
    }

    #[test]
    fn a_lone_dollar_is_not_a_placeholder() {
        for t in ["Cost 5$", "$5", "a{b}", "{{}}", "pool01.contoso.com"] {
            assert!(!contains(t), "{t}");
        }
    }
}
