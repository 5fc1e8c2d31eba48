//! The baseline file `check --write-baseline` writes: JSON through the report's one JSON escape.

use super::escape;
use crate::lint::finding::Finding;
use crate::lint::waiver::Baseline;

/// The baseline file recording `findings`, with a final newline.
#[must_use]
pub fn render<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> String {
    let file = Baseline::file(findings);
    let mut text = escape::json(serde_json::to_string_pretty(&file).unwrap_or_default());
    text.push('\n');
    text
}
