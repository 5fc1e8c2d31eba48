//! Fatal errors: the run itself failed (exit code 2). Problems with inputs are findings instead.
//! How one is shown is the report stage's (`crate::report::fatal`).

use miette::Diagnostic;

use super::rule::Registry;
use crate::input::discover::NotFound;

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

impl From<NotFound> for Fatal {
    fn from(NotFound { path, reason }: NotFound) -> Self {
        Self::PathNotFound { path, reason }
    }
}

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
    pub fn unknown_rule(key: &str, rules: Registry) -> Self {
        Self::UnknownRule {
            key: key.to_string(),
            suggestion: Some(rules.suggest(key).map_or_else(
                || "run `topolint rules` for the list of codes and names".to_string(),
                |s| format!("did you mean `{s}`?"),
            )),
        }
    }
}
