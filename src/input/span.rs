//! Byte spans into the decoded text of a source file.

use std::ops::Range;

/// A half-open byte range `start..end` into a file's decoded text.
///
/// Offsets are `u32`: no input over 1 GiB is read (`source::MAX_INPUT_BYTES`), and its decoded
/// text stays well under 4 GiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Builds a span, saturating offsets that do not fit in `u32`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (start, end) = (clamp(start), clamp(end));
        Self {
            start,
            end: end.max(start),
        }
    }

    /// An empty span at `offset`.
    #[must_use]
    pub fn at(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    #[must_use]
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    #[must_use]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new((span.start as usize).into(), span.len())
    }
}

/// A value together with the span of the text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// The largest character boundary of `text` at or before `offset` (`text.len()` past the end).
///
/// Every offset that comes from arithmetic (a cut, a window, a position a parser reports) goes
/// through this or [`ceil_char_boundary`] before it slices text.
#[must_use]
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest character boundary of `text` at or after `offset` (`text.len()` past the end).
#[must_use]
pub fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// Byte offset of `part` inside `whole`, when `part` is a sub-slice of `whole`.
#[must_use]
pub fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    (p >= w && p + part.len() <= w + whole.len()).then(|| p - w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_of_subslice_and_foreign_slice() {
        let whole = "abc def";
        assert_eq!(offset_in(whole, &whole[4..]), Some(4));
        assert_eq!(offset_in(whole, "def"), None);
    }

    #[test]
    fn char_boundaries_snap_down_and_up() {
        let text = "aé匢";
        let floors: Vec<usize> = (0..=8).map(|i| floor_char_boundary(text, i)).collect();
        assert_eq!(floors, [0, 1, 1, 3, 3, 3, 6, 6, 6]);
        let ceils: Vec<usize> = (0..=8).map(|i| ceil_char_boundary(text, i)).collect();
        assert_eq!(ceils, [0, 1, 3, 3, 6, 6, 6, 6, 6]);
        assert_eq!(floor_char_boundary("", 5), 0);
    }

    #[test]
    fn span_never_inverts() {
        let s = Span::new(5, 2);
        assert_eq!((s.start, s.end), (5, 5));
        assert!(s.is_empty());
    }
}
