//! What the console can show: ANSI colour, and Unicode frames or only ASCII.
//!
//! On Unix a terminal shows both. On Windows colour needs the console's virtual-terminal
//! processing, which topolint turns on at start (Windows 10 and Server 2016 on; Windows Terminal
//! has it, `WT_SESSION` tells); an older console shows no colour rather than escape codes. And
//! Unicode frames need the console's output code page to be UTF-8 (65001): with a legacy code
//! page (437, 850, 1252...) PowerShell decodes what topolint writes to a pipe or a file as that
//! code page, and box-drawing characters come out as `ΓöÇ`, so human output falls back to
//! ASCII frames.
//!
//! The decisions are pure functions of what was read ([`color_capable`], [`unicode`]), tested on
//! every platform; [`Console::detect`] reads the real console.

use std::borrow::Cow;

use crate::input::paths::Platform;

/// The UTF-8 code page.
pub const UTF8_CODE_PAGE: u32 = 65001;

/// What the console attached to the process shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Console {
    /// ANSI colour codes are shown as colours (not as text) when written to the terminal.
    pub color: bool,
    /// Unicode box-drawing characters and symbols are read back as written.
    pub unicode: bool,
}

impl Console {
    /// Reads the console; on Windows this turns on virtual-terminal processing for standard
    /// output and standard error when they are a console.
    #[must_use]
    pub fn detect() -> Self {
        #[cfg(windows)]
        let (vt, code_page) = (
            anstyle_query::windows::enable_ansi_colors(),
            topolint_console_codepage::output_code_page(),
        );
        #[cfg(not(windows))]
        let (vt, code_page) = (None, None);
        let windows_terminal = std::env::var_os("WT_SESSION").is_some_and(|v| !v.is_empty());
        Self {
            color: color_capable(Platform::CURRENT, vt, windows_terminal),
            unicode: unicode(Platform::CURRENT, code_page),
        }
    }
}

/// Whether colour codes written to the terminal show as colours: always on Unix; on Windows
/// when virtual-terminal processing could be turned on (`vt`), or inside Windows Terminal.
#[must_use]
pub fn color_capable(platform: Platform, vt: Option<bool>, windows_terminal: bool) -> bool {
    match platform {
        Platform::Unix => true,
        Platform::Windows => vt == Some(true) || windows_terminal,
    }
}

/// Whether Unicode frames are readable: always on Unix; on Windows only when the console's
/// output code page is UTF-8. Without a console (a service, a scheduled task writing to a file)
/// nobody can say which code page the reader uses, so ASCII it is.
#[must_use]
pub fn unicode(platform: Platform, output_code_page: Option<u32>) -> bool {
    match platform {
        Platform::Unix => true,
        Platform::Windows => output_code_page == Some(UTF8_CODE_PAGE),
    }
}

/// topolint's own symbols in ASCII, for output read in a legacy code page: `…` `...`, `—` `-`,
/// `→` `->`, `×` `x`.
#[must_use]
pub fn ascii_symbols(text: &str) -> Cow<'_, str> {
    const SYMBOLS: [(char, &str); 4] = [('…', "..."), ('—', "-"), ('→', "->"), ('×', "x")];
    if !text.contains(|c| SYMBOLS.iter().any(|(s, _)| *s == c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match SYMBOLS.iter().find(|(s, _)| *s == c) {
            Some((_, ascii)) => out.push_str(ascii),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_on_windows_needs_virtual_terminal_processing_or_windows_terminal() {
        assert!(color_capable(Platform::Unix, None, false));
        assert!(color_capable(Platform::Windows, Some(true), false));
        assert!(!color_capable(Platform::Windows, Some(false), false));
        assert!(!color_capable(Platform::Windows, None, false));
        assert!(color_capable(Platform::Windows, Some(false), true));
    }

    #[test]
    fn unicode_on_windows_needs_the_utf8_code_page() {
        assert!(unicode(Platform::Unix, None));
        assert!(unicode(Platform::Windows, Some(65001)));
        for legacy in [437, 850, 1252, 932] {
            assert!(
                !unicode(Platform::Windows, Some(legacy)),
                "code page {legacy}"
            );
        }
        assert!(!unicode(Platform::Windows, None), "no console");
    }

    #[test]
    fn symbols_become_ascii_and_other_text_stays() {
        assert_eq!(ascii_symbols("a…b — c → d ×2"), "a...b - c -> d x2");
        assert!(matches!(ascii_symbols("plain é"), Cow::Borrowed("plain é")));
    }
}
