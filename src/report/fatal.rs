//! How a fatal error is shown: miette's report, escaped for the terminal.

use miette::Diagnostic;

use super::escape::terminal;
use crate::lint::error::Fatal;

/// The error as the binary prints it: miette's report, with everything a path, the
/// configuration or a command-line value said shown through [`terminal`] (the configuration's
/// snippet too), so that the only control codes are miette's colours; with `ascii`, in ASCII
/// frames and symbols (see [`super::console`]).
#[must_use]
pub fn render(fatal: &Fatal, color: bool, ascii: bool, width: usize) -> String {
    let theme = crate::report::human::theme(color, ascii);
    let mut text = String::new();
    // Paths, flags and cmdlets hold hyphens: wrap at spaces only, as findings do.
    let _ = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
        .render_report(&mut text, &Shown::new(fatal));
    if ascii {
        text = crate::report::console::ascii_symbols(&text).into_owned();
    }
    text
}

/// A fatal error with its texts escaped for the terminal.
struct Shown<'a> {
    fatal: &'a Fatal,
    message: String,
    help: Option<String>,
    /// The configuration's snippet and where the label falls in it.
    source: Option<(crate::report::excerpt::Excerpt, miette::SourceSpan)>,
}

impl<'a> Shown<'a> {
    fn new(fatal: &'a Fatal) -> Self {
        let source = match fatal {
            Fatal::Config(err) => err.span.map(|span| {
                let name = err.source.name().to_string();
                let file = crate::input::source::SourceFile::new(
                    crate::input::source::FileId(0),
                    std::path::PathBuf::from(&name),
                    name,
                    err.source.inner().clone(),
                    crate::input::source::Encoding::Utf8,
                );
                let at = crate::input::span::Span::new(span.offset(), span.offset() + span.len());
                let excerpt = crate::report::excerpt::Excerpt::new(&file, &[at]);
                let shown = excerpt.spans().first().copied().unwrap_or(span);
                (excerpt, shown)
            }),
            _ => None,
        };
        Self {
            fatal,
            message: terminal(&fatal.to_string()).into_owned(),
            help: fatal.help().map(|h| terminal(&h.to_string()).into_owned()),
            source,
        }
    }
}

impl std::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.fatal.code()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|(excerpt, _)| excerpt as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (_, span) = self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(Some("here".to_string()), *span),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_errors_show_what_the_configuration_said_escaped() {
        let text = "[rules]\n\"x\\n##vso[task.setvariable variable=a]b\\u001b[2J\" = \"off\"\n";
        let fatal = crate::lint::config::parse(text, "topolint.toml", crate::rules::REGISTRY)
            .expect_err("unknown rule");
        let shown = render(&fatal, false, false, 100);
        assert!(
            !shown.contains("##vso[") && !shown.contains('\u{1b}'),
            "{shown}"
        );
        assert!(shown.contains("#\\u{23}vso[task.setvariable"), "{shown}");
        for line in shown.lines() {
            assert!(!line.trim_start().starts_with("##"), "{shown}");
        }
        let usage = Fatal::Usage {
            message: "::error::x names nothing".to_string(),
            help: Some("a\nb".to_string()),
        };
        let shown = render(&usage, false, false, 100);
        assert!(
            shown.contains(":\\u{3a}error::x") && shown.contains("a\\nb"),
            "{shown}"
        );
    }
}
