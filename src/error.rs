//! Fatal errors: the run itself failed (exit code 2). Problems with inputs are findings instead.

use miette::Diagnostic;

#[derive(Debug, Diagnostic)]
pub enum Fatal {
    #[diagnostic(
        code(topolint::path_not_found),
        help("check the path; directories are walked, files are read as named")
    )]
    PathNotFound { path: String, reason: String },

    #[diagnostic(
        code(topolint::no_input),
        help(
            "name a topology export (`Get-CsTopology -AsXml`), a .tbxml file or a directory holding them"
        )
    )]
    NoInput { paths: String },

    #[diagnostic(code(topolint::unknown_rule))]
    UnknownRule {
        key: String,
        #[help]
        suggestion: Option<String>,
    },

    #[diagnostic(code(topolint::usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },

    #[diagnostic(code(topolint::io))]
    Io { message: String },

    #[diagnostic(transparent)]
    Config(Box<ConfigError>),
}

/// A mistake in `topolint.toml`, shown with a snippet of the file.
#[derive(Debug, Diagnostic)]
#[diagnostic(code(topolint::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub source: miette::NamedSource<String>,
    #[label("here")]
    pub span: Option<miette::SourceSpan>,
    #[help]
    pub help: Option<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PathNotFound { path, reason } => write!(f, "cannot read `{path}`: {reason}"),
            Self::NoInput { paths } => write!(f, "no topology document found in {paths}"),
            Self::UnknownRule { key, .. } => write!(f, "unknown rule or prefix `{key}`"),
            Self::Usage { message, .. } | Self::Io { message } => f.write_str(message),
            Self::Config(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for Fatal {}

impl Fatal {
    /// An unknown rule with a "did you mean" suggestion.
    #[must_use]
    pub fn unknown_rule(key: &str) -> Self {
        Self::UnknownRule {
            key: key.to_string(),
            suggestion: Some(crate::rules::suggest(key).map_or_else(
                || "run `topolint rules` for the list of codes and names".to_string(),
                |s| format!("did you mean `{s}`?"),
            )),
        }
    }
}

impl Fatal {
    /// The error as the binary prints it: miette's report, with everything a path, the
    /// configuration or a command-line value said shown through [`crate::escape::terminal`]
    /// (the configuration's snippet too), so that the only control codes are miette's colours;
    /// with `ascii`, in ASCII frames and symbols (see [`crate::console`]).
    #[must_use]
    pub fn render(&self, color: bool, ascii: bool, width: usize) -> String {
        let theme = crate::render::human::theme(color, ascii);
        let mut text = String::new();
        // Paths, flags and cmdlets hold hyphens: wrap at spaces only, as findings do.
        let _ = miette::GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false)
            .render_report(&mut text, &Shown::new(self));
        if ascii {
            text = crate::console::ascii_symbols(&text).into_owned();
        }
        text
    }
}

/// A fatal error with its texts escaped for the terminal.
struct Shown<'a> {
    fatal: &'a Fatal,
    message: String,
    help: Option<String>,
    /// The configuration's snippet and where the label falls in it.
    source: Option<(crate::render::excerpt::Excerpt, miette::SourceSpan)>,
}

impl<'a> Shown<'a> {
    fn new(fatal: &'a Fatal) -> Self {
        use crate::escape::terminal;
        let source = match fatal {
            Fatal::Config(err) => err.span.map(|span| {
                let name = err.source.name().to_string();
                let file = crate::source::SourceFile::new(
                    crate::source::FileId(0),
                    std::path::PathBuf::from(&name),
                    name,
                    err.source.inner().clone(),
                    crate::source::Encoding::Utf8,
                );
                let at = crate::span::Span::new(span.offset(), span.offset() + span.len());
                let excerpt = crate::render::excerpt::Excerpt::new(&file, &[at]);
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
        let fatal = crate::config::parse(text, "topolint.toml").expect_err("unknown rule");
        let shown = fatal.render(false, false, 100);
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
        let shown = usage.render(false, false, 100);
        assert!(
            shown.contains(":\\u{3a}error::x") && shown.contains("a\\nb"),
            "{shown}"
        );
    }
}
