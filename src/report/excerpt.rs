//! The part of a file a human-format snippet shows: the lines around its labels, each line cut to
//! a window around the labels, and each label cut to a few lines and a few hundred bytes.
//!
//! A hostile or minified input can hold a line of megabytes (a 32 MB attribute, a document on one
//! line) or a label over thousands of lines (a CSV row an unclosed quote runs to the end of the
//! file); the snippet of such a finding stays a few lines long. It also spares the renderer a scan
//! of the whole file for each finding. Line and column numbers stay those of the file.
//!
//! The text is shown through [`escape::terminal_into`]: a control character, line separator or
//! CI logging command in the file is shown escaped, never written to the terminal as itself.
//! [`Excerpt::until`] shows nothing past a given offset, for a file that is not a topology.
//!
//! A sheet of a workbook is shown as its text lays it out, a line for each row, named
//! `workbook › sheet`, its positions those of the sheet's rows and columns.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::input::source::SourceFile;
use crate::input::span::{Span, floor_char_boundary as floor};
use crate::report::escape;

/// Bytes of a line shown around a label; longer lines are cut, with `…` at the cut.
const WINDOW: usize = 400;
/// Bytes shown before the first label of a cut line.
const LEAD: usize = 100;
/// A label covers at most this many bytes ...
const MAX_LABEL_BYTES: usize = 200;
/// ... and runs over at most this many line breaks.
const MAX_LABEL_BREAKS: usize = 3;
/// What marks a cut.
const CUT: &str = "…";

/// A few lines of a file, with the labels that fall in them.
#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    /// 0-based line number, in the file, of the excerpt's first line.
    first_line: usize,
    lines: Vec<Window>,
    /// The labels' spans in `text`, in the order given.
    spans: Vec<SourceSpan>,
    /// In a sheet of a workbook, the column of each label's cell (1-based), in the same order:
    /// the column a position names there.
    columns: Vec<usize>,
}

/// One line of the excerpt: which bytes of the file's line it shows, and where.
#[derive(Debug)]
struct Window {
    /// Where the file's line starts.
    line_start: usize,
    /// The bytes of the file shown.
    from: usize,
    to: usize,
    /// Where `from` landed in the excerpt (after any `…`).
    at: usize,
    /// The characters shown escaped, in order: (offset in the file, bytes in the file, bytes
    /// of the escape).
    escapes: Vec<(usize, usize, usize)>,
    /// Characters of the file's line before `from`: columns count characters, as in every
    /// other format.
    chars_before: usize,
}

impl Window {
    /// Where a file offset of this window lands in the excerpt.
    fn to_excerpt(&self, offset: usize) -> usize {
        let offset = offset.clamp(self.from, self.to);
        let grown: usize = self
            .escapes
            .iter()
            .take_while(|(at, _, _)| *at < offset)
            .map(|(_, was, now)| now - was)
            .sum();
        self.at + (offset - self.from) + grown
    }

    /// The characters of the file from `from` to what excerpt offset `offset` shows (in
    /// `text`, the excerpt's): an escape stands for one character.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let shown = text
            .get(self.at..offset.max(self.at))
            .map_or(0, |t| t.chars().count());
        let grown: usize = self
            .escapes
            .iter()
            .filter(|(at, _, _)| self.to_excerpt(*at) < offset)
            .map(|(_, _, now)| now - 1)
            .sum();
        shown.saturating_sub(grown)
    }
}

impl Excerpt {
    /// The lines of `file` around `spans` (one line of context on each side).
    #[must_use]
    pub fn new(file: &SourceFile, spans: &[Span]) -> Self {
        Self::until(file, spans, file.text.len())
    }

    /// Like [`Excerpt::new`], showing nothing of the file from byte `stop` on: for a file that
    /// is not a topology or a worksheet, whatever it holds past the first bad position is not
    /// repeated. A `…` marks the cut, and a label that falls past it points at the `…`.
    #[must_use]
    pub fn until(file: &SourceFile, spans: &[Span], stop: usize) -> Self {
        let text = &file.text[..floor(&file.text, stop.min(file.text.len()))];
        let len = text.len();
        // Each label, cut to a readable size.
        let cut: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                let start = floor(text, (s.start as usize).min(len));
                let end = (s.end as usize).clamp(start, len);
                let mut end = floor(text, end.min(start.saturating_add(MAX_LABEL_BYTES)));
                if let Some(nth) = text[start..end]
                    .match_indices('\n')
                    .nth(MAX_LABEL_BREAKS)
                    .map(|(i, _)| start + i)
                {
                    end = nth;
                }
                (start, floor(text, end))
            })
            .collect();
        let lowest = cut.iter().map(|c| c.0).min().unwrap_or(0);
        let highest = cut.iter().map(|c| c.1).max().unwrap_or(0);
        // One line of context before the first label and after the last.
        // Lines from the file's line table, ending at the stop.
        let line_start = |offset: usize| file.line_range(offset).start.min(len);
        let line_end = |offset: usize| file.line_range(offset).end.min(len);
        let first = line_start(line_start(lowest).saturating_sub(1));
        let last = line_end(line_end(highest));
        let first_line = file.line(u32::try_from(first).unwrap_or(u32::MAX)) - 1;

        let mut excerpt = String::new();
        let mut lines = Vec::new();
        let mut start = first;
        while start < last || (start == last && lines.is_empty()) {
            let end = line_end(start);
            let content_end = if text[start..end].ends_with("\r\n") {
                end - 2
            } else if text[start..end].ends_with('\n') {
                end - 1
            } else {
                end
            };
            let (from, to) = if content_end - start <= WINDOW {
                (start, content_end)
            } else {
                // Centre the window on the labels of this line, or show its start.
                let here = cut
                    .iter()
                    .flat_map(|&(s, e)| [s, e])
                    .filter(|&p| (start..=content_end).contains(&p))
                    .min()
                    .unwrap_or(start);
                let from = floor(text, here.saturating_sub(LEAD).max(start));
                (from, floor(text, (from + WINDOW).min(content_end)))
            };
            if from > start {
                excerpt.push_str(CUT);
            }
            let chars_before = if from > start {
                file.line_col(u32::try_from(from).unwrap_or(u32::MAX)).1 - 1
            } else {
                0
            };
            let at = excerpt.len();
            let mut escapes = Vec::new();
            escape::terminal_into(&mut excerpt, &text[from..to], |i, a, b| {
                let was = text[from + i..].chars().next().map_or(1, char::len_utf8);
                escapes.push((from + i, was, b - a));
            });
            lines.push(Window {
                line_start: start,
                from,
                to,
                at,
                escapes,
                chars_before,
            });
            if to < content_end {
                excerpt.push_str(CUT);
            }
            excerpt.push_str(&text[content_end..end]);
            if end == start {
                break;
            }
            start = end;
        }
        let stopped = len < file.text.len();
        if stopped {
            if excerpt.is_empty() || excerpt.ends_with('\n') {
                // The cut is at the start of a line: the mark gets a line of its own.
                lines.push(Window {
                    line_start: len,
                    from: len,
                    to: len,
                    at: excerpt.len(),
                    escapes: Vec::new(),
                    chars_before: 0,
                });
            }
            excerpt.push_str(CUT);
        }
        // A sheet of a workbook is named after the workbook and the sheet.
        let name = match &file.sheet {
            Some(sheet) => format!("{} › {}", file.display, sheet.name),
            None => file.display.clone(),
        };
        let mut this = Self {
            name: escape::terminal(&name).into_owned(),
            text: excerpt,
            first_line,
            lines,
            spans: Vec::new(),
            columns: cut
                .iter()
                .filter_map(|&(s, _)| file.cell(u32::try_from(s).unwrap_or(u32::MAX)))
                .map(|cell| cell.column)
                .collect(),
        };
        this.spans = cut
            .iter()
            .map(|&(s, e)| {
                let (s, e) = (this.map(s), this.map(e));
                // A label emptied by the cut points at its mark.
                let e = if stopped && s == e && s + CUT.len() == this.text.len() {
                    s + CUT.len()
                } else {
                    e
                };
                SourceSpan::new(s.into(), e.saturating_sub(s))
            })
            .collect();
        this
    }

    /// The file named in the human form: with `\` separators when `backslashes`.
    #[must_use]
    pub fn shown(mut self, backslashes: bool) -> Self {
        if let std::borrow::Cow::Owned(name) =
            crate::input::paths::for_humans(&self.name, backslashes)
        {
            self.name = name;
        }
        self
    }

    /// The excerpt's span of each label given to [`Excerpt::new`], in order.
    #[must_use]
    pub fn spans(&self) -> &[SourceSpan] {
        &self.spans
    }

    /// Where a byte offset of the file lands in the excerpt (offsets cut away land at the cut).
    fn map(&self, offset: usize) -> usize {
        let index = self
            .lines
            .partition_point(|w| w.line_start <= offset)
            .saturating_sub(1);
        self.lines.get(index).map_or(0, |w| w.to_excerpt(offset))
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // Columns are those of the file, in characters: count from the file's line start, not
        // the cut; in a sheet of a workbook, those of the sheet.
        let cell_column = self
            .spans
            .iter()
            .position(|s| s.offset() == span.offset())
            .and_then(|i| self.columns.get(i));
        let column = if let (0, Some(column)) = (context_lines_before, cell_column) {
            column - 1
        } else if context_lines_before == 0 {
            let index = self
                .lines
                .partition_point(|w| w.at <= span.offset())
                .saturating_sub(1);
            self.lines.get(index).map_or(inner.column(), |w| {
                w.chars_before + w.chars_to(&self.text, span.offset())
            })
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            self.first_line + inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::input::source::{Encoding, FileId};

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            FileId(0),
            PathBuf::from("t.xml"),
            "t.xml".to_string(),
            text.to_string(),
            Encoding::Utf8,
        )
    }

    fn shown(excerpt: &Excerpt, i: usize) -> &str {
        let s = excerpt.spans()[i];
        &excerpt.text[s.offset()..s.offset() + s.len()]
    }

    #[test]
    fn short_lines_are_kept_whole_with_one_line_of_context() {
        let f = file("a\nb\nc <x/> d\ne\nf\n");
        let e = Excerpt::new(&f, &[Span::new(6, 10)]);
        assert_eq!(e.text, "b\nc <x/> d\ne\n");
        assert_eq!(e.first_line, 1);
        assert_eq!(shown(&e, 0), "<x/>");
        let c = e.read_span(&e.spans()[0], 0, 0).expect("in range");
        assert_eq!((c.line(), c.column()), (2, 2));
        // A character of two bytes before the label counts as one column.
        let f = file("a\nbé <x/>\n");
        let e = Excerpt::new(&f, &[Span::new(6, 10)]);
        let c = e.read_span(&e.spans()[0], 0, 0).expect("in range");
        assert_eq!((c.line(), c.column()), (1, 3));
        assert_eq!(f.line_col(6), (2, 4), "the same column, 1-based");
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let long = format!(
            "{}<Cluster Fqdn=\"pool\"/>{}\n",
            "é".repeat(5000),
            "z".repeat(5000)
        );
        let f = file(&format!("<T>\n{long}</T>\n"));
        let at = 4 + "é".repeat(5000).len();
        let e = Excerpt::new(&f, &[Span::new(at, at + 22)]);
        assert!(e.text.len() < 3 * WINDOW, "{} bytes", e.text.len());
        assert_eq!(shown(&e, 0), "<Cluster Fqdn=\"pool\"/>");
        assert!(e.text.contains("…é") && e.text.contains("z…\n</T>"));
        // Columns count characters: 5000 `é` before the label.
        let c = e.read_span(&e.spans()[0], 0, 0).expect("in range");
        assert_eq!((c.line(), c.column()), (1, 5000));
    }

    #[test]
    fn a_huge_label_is_cut_to_a_few_lines_and_bytes() {
        let rows: String = (0..10_000).map(|i| format!("row{i}\n")).collect();
        let f = file(&format!("h\n\"{rows}"));
        let e = Excerpt::new(&f, &[Span::new(2, f.text.len())]);
        assert_eq!(shown(&e, 0), "\"row0\nrow1\nrow2\nrow3");
        assert!(e.text.lines().count() <= MAX_LABEL_BREAKS + 3);
        let f = file(&"a".repeat(1 << 20));
        let e = Excerpt::new(&f, &[Span::new(0, 1 << 20)]);
        assert!(e.text.len() < 2 * WINDOW && shown(&e, 0).len() <= MAX_LABEL_BYTES);
    }

    #[test]
    fn a_label_cut_inside_a_character_is_cut_before_it() {
        // Found by fuzzing: the byte limit fell inside a three-byte character.
        let f = file(&format!("a{}\n", "匢".repeat(100)));
        let e = Excerpt::new(&f, &[Span::new(0, 301)]);
        assert_ne!(
            MAX_LABEL_BYTES % 3,
            1,
            "the limit must fall inside a character"
        );
        let whole = (MAX_LABEL_BYTES - 1) / 3;
        assert_eq!(shown(&e, 0), format!("a{}", "匢".repeat(whole)));
        let e = Excerpt::new(&f, &[Span::new(2, 5)]);
        assert_eq!(shown(&e, 0), "匢");
    }

    #[test]
    fn control_characters_and_ci_commands_are_shown_escaped_with_labels_in_place() {
        let f = file("a\n\u{1b}[2J x=\"##vso[task.setvariable]\" <y/>\nb\n");
        let at = f.text.find("<y/>").expect("label");
        let e = Excerpt::new(&f, &[Span::new(at, at + 4)]);
        assert_eq!(
            e.text,
            "a\n\\u{1b}[2J x=\"#\\u{23}vso[task.setvariable]\" <y/>\nb\n"
        );
        assert_eq!(shown(&e, 0), "<y/>");
        let c = e.read_span(&e.spans()[0], 0, 0).expect("in range");
        // The column is the file's (bytes), not the escaped text's.
        assert_eq!((c.line(), c.column()), (1, at - 2));
        // A label on an escaped character underlines its escape.
        let bell = file("x\u{7}y\n");
        let e = Excerpt::new(&bell, &[Span::new(1, 2)]);
        assert_eq!(shown(&e, 0), "\\u{7}");
        assert!(!e.name.contains('\n'));
    }

    #[test]
    fn nothing_is_shown_past_the_end_given() {
        let f = file("SECRET_A=1\0SECRET_B=2\0\nline two\n");
        let e = Excerpt::until(&f, &[Span::new(10, 11)], 10);
        assert_eq!(e.text, "SECRET_A=1…");
        assert_eq!(shown(&e, 0), "…");
        let c = e.read_span(&e.spans()[0], 0, 0).expect("in range");
        assert_eq!((c.line(), c.column()), (0, 10));
        let e = Excerpt::until(&f, &[Span::new(0, 30)], 0);
        assert_eq!(e.text, "…");
        assert_eq!(shown(&e, 0), "…");
        // A cut at the start of a line: the mark is on that line, where the label was.
        let f = file("<a>\n<b>\nsecret\n");
        let e = Excerpt::until(&f, &[Span::new(8, 14)], 8);
        assert_eq!(e.text, "<b>\n…");
        let c = e.read_span(&e.spans()[0], 0, 0).expect("in range");
        assert_eq!((c.line(), c.column()), (2, 0));
    }

    #[test]
    fn empty_files_and_out_of_range_spans() {
        let f = file("");
        let e = Excerpt::new(&f, &[Span::new(0, 0), Span::new(7, 9)]);
        assert_eq!(e.text, "");
        assert!(e.read_span(&e.spans()[1], 1, 1).is_ok());
        let f = file("ab\r\ncd");
        let e = Excerpt::new(&f, &[Span::new(1, 100)]);
        assert_eq!(e.text, "ab\r\ncd");
        assert_eq!(shown(&e, 0), "b\r\ncd");
    }
}
