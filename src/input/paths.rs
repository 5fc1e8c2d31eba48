//! Paths as text: how a path is shown and compared, on Windows and on Unix alike.
//!
//! These are pure functions over path strings that take the platform as a parameter, so the
//! Windows rules (drive letters, `\\server\share` paths, `\` and `/` both separators, names
//! compared without regard to case) are tested on every machine; [`Platform::CURRENT`] is the
//! platform the binary runs on.
//!
//! Three forms of a path are used:
//! - the *portable* form ([`portable`]), in JSON, SARIF, JUnit, the CI annotations, HTML,
//!   fingerprints and messages: relative to the working directory with `/` separators when the
//!   file is under it, else absolute with `/` (`C:/DR/topology.xml`, `//backup01/lync/...`);
//! - the *human* form ([`for_humans`]), in `human` and `concise` output: the portable form
//!   written with the separator the user typed, so that on Windows `deploy\contoso` shows as
//!   `deploy\contoso\topology.xml` and `\\backup01\lync` as `\\backup01\lync\...`;
//! - the *URI* form ([`uri`]), in SARIF: the portable form as a URI reference, `file:` for
//!   absolute paths.

use std::borrow::Cow;

/// Which rules a path follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// `/` separates; names compare byte for byte.
    Unix,
    /// `\` and `/` separate; drive letters and `\\server\share` roots; names compare without
    /// regard to case.
    Windows,
}

impl Platform {
    /// The platform this program was built for.
    pub const CURRENT: Self = if cfg!(windows) {
        Self::Windows
    } else {
        Self::Unix
    };

    fn is_separator(self, c: char) -> bool {
        c == '/' || (self == Self::Windows && c == '\\')
    }
}

/// Where a path starts.
#[derive(Debug, PartialEq, Eq)]
enum Root<'a> {
    /// A relative path.
    None,
    /// `/` on Unix, `\` (the current drive's root) on Windows.
    Slash,
    /// `C:` (relative to that drive's current directory) or `C:\` (`rooted`).
    Drive { letter: char, rooted: bool },
    /// `\\server\share`.
    Share { server: &'a str, share: &'a str },
}

/// A path split into its root and its names (`.` and empty names left out).
#[derive(Debug)]
struct Parsed<'a> {
    root: Root<'a>,
    names: Vec<&'a str>,
}

fn parse(text: &str, platform: Platform) -> Parsed<'_> {
    let sep = |c: char| platform.is_separator(c);
    let mut rest = text;
    let mut root = Root::None;
    if platform == Platform::Windows {
        // `\\?\C:\...` and `\\?\UNC\server\share\...`: the verbatim forms Windows returns for a
        // canonical path name the same file as the plain forms.
        let verbatim = ["\\\\?\\", "//?/", "\\??\\"]
            .iter()
            .find_map(|p| rest.strip_prefix(p));
        if let Some(v) = verbatim {
            let unc = v
                .get(..3)
                .filter(|head| head.eq_ignore_ascii_case("UNC"))
                .and_then(|_| v[3..].strip_prefix(sep));
            if let Some(tail) = unc {
                (root, rest) = share(tail, platform);
            } else {
                rest = v;
            }
        } else if let Some(tail) = rest
            .strip_prefix(sep)
            .and_then(|r| r.strip_prefix(sep))
            .filter(|r| !r.starts_with(sep))
        {
            (root, rest) = share(tail, platform);
        }
        if root == Root::None {
            let mut chars = rest.chars();
            if let (Some(letter), Some(':')) = (chars.next(), chars.next())
                && letter.is_ascii_alphabetic()
            {
                let after = &rest[2..];
                let rooted = after.starts_with(sep);
                root = Root::Drive {
                    letter: letter.to_ascii_uppercase(),
                    rooted,
                };
                rest = after;
            }
        }
    }
    if root == Root::None && rest.starts_with(sep) {
        root = Root::Slash;
    }
    let names = rest
        .split(sep)
        .filter(|n| !n.is_empty() && *n != ".")
        .collect();
    Parsed { root, names }
}

/// `server\share\rest` after the `\\` of a UNC path.
fn share(text: &str, platform: Platform) -> (Root<'_>, &str) {
    let mut parts = text.splitn(3, |c| platform.is_separator(c));
    let server = parts.next().unwrap_or_default();
    let share = parts.next().unwrap_or_default();
    (
        Root::Share { server, share },
        parts.next().unwrap_or_default(),
    )
}

/// Whether two names are the same name: without regard to case on Windows.
fn same_name(a: &str, b: &str, platform: Platform) -> bool {
    match platform {
        Platform::Unix => a == b,
        Platform::Windows => a == b || fold(a, platform) == fold(b, platform),
    }
}

fn same_root(a: &Root<'_>, b: &Root<'_>, platform: Platform) -> bool {
    match (a, b) {
        (
            Root::Share {
                server: s1,
                share: h1,
            },
            Root::Share {
                server: s2,
                share: h2,
            },
        ) => same_name(s1, s2, platform) && same_name(h1, h2, platform),
        _ => a == b,
    }
}

/// The portable form of `path`: relative to `base` with `/` separators when `path` lies under
/// `base` (`.` when it is `base`), else the whole path with `/` separators (`C:/DR/x.xml`,
/// `//backup01/lync/x.xml`, `/srv/x.xml`). On Windows the names of `base` match whatever their
/// case, as the file system matches them.
#[must_use]
pub fn portable(path: &str, base: &str, platform: Platform) -> String {
    let p = parse(path, platform);
    let b = parse(base, platform);
    let under = same_root(&p.root, &b.root, platform)
        && p.names.len() >= b.names.len()
        && p.names
            .iter()
            .zip(&b.names)
            .all(|(x, y)| same_name(x, y, platform));
    let (root, names) = if under {
        (String::new(), &p.names[b.names.len()..])
    } else {
        let root = match p.root {
            Root::None => String::new(),
            Root::Slash => "/".to_string(),
            Root::Drive {
                letter,
                rooted: true,
            } => format!("{letter}:/"),
            Root::Drive {
                letter,
                rooted: false,
            } => format!("{letter}:"),
            Root::Share { server, share } => format!("//{server}/{share}/"),
        };
        (root, &p.names[..])
    };
    let joined = names.join("/");
    // A name holding `\` on Unix is still shown with `/`: output never holds a backslash path.
    let joined = match platform {
        Platform::Unix => joined.replace('\\', "/"),
        Platform::Windows => joined,
    };
    match (root.is_empty(), joined.is_empty()) {
        (true, true) => ".".to_string(),
        _ => root + &joined,
    }
}

/// Whether human output writes paths with `\`: on Windows, unless every path the user typed
/// uses `/` and none `\` (`topolint check deploy/contoso` from Git Bash or a CI file).
#[must_use]
pub fn backslashes<'a>(platform: Platform, typed: impl IntoIterator<Item = &'a str>) -> bool {
    if platform != Platform::Windows {
        return false;
    }
    let mut any = false;
    for path in typed {
        if path.contains('\\') || !path.contains('/') {
            return true;
        }
        any = true;
    }
    !any
}

/// A portable path in the form human output shows it: with `\` separators when `backslashes`.
#[must_use]
pub fn for_humans(portable: &str, backslashes: bool) -> Cow<'_, str> {
    if backslashes && portable.contains('/') {
        Cow::Owned(portable.replace('/', "\\"))
    } else {
        Cow::Borrowed(portable)
    }
}

/// A portable path as a URI reference for SARIF: a relative path stays relative (percent-encoded,
/// so the result resolves against the checkout), an absolute one becomes a `file:` URI
/// (`file:///C:/DR/x.xml`, `file://backup01/lync/x.xml`, `file:///srv/x.xml`).
#[must_use]
pub fn uri(portable: &str, platform: Platform) -> String {
    let encoded = percent_encode(portable);
    let drive = platform == Platform::Windows
        && portable.as_bytes().get(1) == Some(&b':')
        && portable
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic);
    if portable.starts_with("//") {
        format!("file:{encoded}")
    } else if drive {
        format!("file:///{encoded}")
    } else if portable.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// `/` separators, and percent-encoding for what a URI cannot hold as is (spaces, `%`, `#`,
/// `?`, non-ASCII).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Text compared as the platform compares file names: lower-cased on Windows.
#[must_use]
pub fn fold(text: &str, platform: Platform) -> Cow<'_, str> {
    match platform {
        Platform::Windows if text.chars().any(char::is_uppercase) => {
            Cow::Owned(text.to_lowercase())
        }
        _ => Cow::Borrowed(text),
    }
}

/// What names one file for as long as a run lasts, when only the text of its path is known:
/// the path in portable form, folded as the platform folds names. Two spellings of one path
/// (`deploy\contoso\topology.xml`, `Deploy/Contoso/./TOPOLOGY.XML`) have the same key.
#[must_use]
pub fn key(path: &str, platform: Platform) -> String {
    fold(&portable(path, "", platform), platform).into_owned()
}

/// The folder of a path in portable form: `deploy` for `deploy/topology.xml`, `/` for
/// `/topology.xml`, `.` for a bare file name (the working directory).
#[must_use]
pub fn parent_dir(shown: &str) -> &str {
    match shown.rsplit_once('/') {
        Some((dir, _)) if !dir.is_empty() => dir,
        Some(_) => "/",
        None => ".",
    }
}

#[cfg(test)]
mod tests {
    use super::Platform::{Unix, Windows};
    use super::*;

    #[test]
    fn the_folder_of_a_shown_path() {
        assert_eq!(parent_dir("deploy/contoso/topology.xml"), "deploy/contoso");
        assert_eq!(parent_dir("/topology.xml"), "/");
        assert_eq!(parent_dir("topology.xml"), ".");
        assert_eq!(parent_dir("C:/x.xml"), "C:");
    }

    #[test]
    fn unix_paths_are_relative_to_the_base_with_slashes() {
        assert_eq!(portable("/w/a/b.xml", "/w", Unix), "a/b.xml");
        assert_eq!(portable("./a/b.xml", "/w", Unix), "a/b.xml");
        assert_eq!(portable("/w/./a//b.xml", "/w/", Unix), "a/b.xml");
        assert_eq!(portable("/w", "/w", Unix), ".");
        assert_eq!(portable("/elsewhere/b.xml", "/w", Unix), "/elsewhere/b.xml");
        assert_eq!(portable("/W/a.xml", "/w", Unix), "/W/a.xml", "case counts");
        assert_eq!(portable("/w/x\\y.xml", "/w", Unix), "x/y.xml");
        assert_eq!(portable("/", "/w", Unix), "/");
    }

    #[test]
    fn windows_paths_take_either_separator_and_ignore_case_under_the_base() {
        let cwd = r"C:\Lync\DR";
        assert_eq!(
            portable(r"C:\Lync\DR\deploy\contoso\topology.xml", cwd, Windows),
            "deploy/contoso/topology.xml"
        );
        assert_eq!(
            portable(r"c:\lync\dr\deploy/contoso\.\topology.xml", cwd, Windows),
            "deploy/contoso/topology.xml",
            "another case and both separators are the same directory"
        );
        assert_eq!(
            portable(r"C:\Lync\DR\..\other\t.xml", cwd, Windows),
            "../other/t.xml"
        );
        assert_eq!(portable(r"C:\Lync\DR", cwd, Windows), ".");
        assert_eq!(
            portable(r"D:\DR\contoso\topology.xml", cwd, Windows),
            "D:/DR/contoso/topology.xml"
        );
        assert_eq!(portable(r"d:\", cwd, Windows), "D:/");
        assert_eq!(portable(r"\temp\t.xml", cwd, Windows), "/temp/t.xml");
        assert_eq!(portable(r"deploy\t.xml", cwd, Windows), "deploy/t.xml");
    }

    #[test]
    fn unc_and_verbatim_paths_keep_their_share() {
        let cwd = r"C:\Lync";
        assert_eq!(
            portable(r"\\backup01\lync\2026-11-21\topology.xml", cwd, Windows),
            "//backup01/lync/2026-11-21/topology.xml"
        );
        assert_eq!(
            portable(r"\\backup01\lync", cwd, Windows),
            "//backup01/lync/"
        );
        assert_eq!(
            portable(
                r"\\Backup01\LYNC\2026-11-21\topology.xml",
                r"\\backup01\lync",
                Windows
            ),
            "2026-11-21/topology.xml",
            "a share is matched without regard to case"
        );
        assert_eq!(
            portable(r"\\?\C:\Lync\deploy\t.xml", cwd, Windows),
            "deploy/t.xml"
        );
        assert_eq!(
            portable(r"\\?\UNC\backup01\lync\t.xml", cwd, Windows),
            "//backup01/lync/t.xml"
        );
        assert_eq!(
            portable(r"\\?\UNC\backup01\lync\t.xml", r"\\backup01\lync", Windows),
            "t.xml"
        );
        // On Unix a leading `//` is just a root.
        assert_eq!(portable("//srv/x.xml", "/w", Unix), "/srv/x.xml");
    }

    #[test]
    fn human_paths_use_the_separator_typed() {
        assert!(backslashes(Windows, [r"deploy\contoso"]));
        assert!(backslashes(Windows, ["contoso"]), "no separator typed");
        assert!(backslashes(Windows, []), "the working directory");
        assert!(!backslashes(Windows, ["deploy/contoso", "other/x.xml"]));
        assert!(backslashes(Windows, ["deploy/contoso", r".\x.xml"]));
        assert!(!backslashes(Unix, [r"deploy\contoso"]));
        assert_eq!(
            for_humans("deploy/contoso/topology.xml", true),
            r"deploy\contoso\topology.xml"
        );
        assert_eq!(
            for_humans("//backup01/lync/topology.xml", true),
            r"\\backup01\lync\topology.xml"
        );
        assert_eq!(for_humans("C:/DR/t.xml", true), r"C:\DR\t.xml");
        assert_eq!(for_humans("deploy/t.xml", false), "deploy/t.xml");
    }

    #[test]
    fn sarif_uris_are_relative_or_file_uris() {
        assert_eq!(uri("deploy/topology.xml", Windows), "deploy/topology.xml");
        assert_eq!(
            uri("my sites/EMEA #1.xml", Unix),
            "my%20sites/EMEA%20%231.xml"
        );
        assert_eq!(uri("Zürich.csv", Unix), "Z%C3%BCrich.csv");
        assert_eq!(
            uri("C:/DR/contoso/topology.xml", Windows),
            "file:///C:/DR/contoso/topology.xml"
        );
        assert_eq!(
            uri("//backup01/lync/2026-11-21/topology.xml", Windows),
            "file://backup01/lync/2026-11-21/topology.xml"
        );
        assert_eq!(uri("/srv/lync/t.xml", Unix), "file:///srv/lync/t.xml");
        assert_eq!(uri("C:/x.xml", Unix), "C:/x.xml", "a relative name on Unix");
        assert_eq!(uri("../other/t.xml", Windows), "../other/t.xml");
    }

    #[test]
    fn keys_fold_case_on_windows_only() {
        assert_eq!(
            key(r"C:\Lync\Deploy\.\TOPOLOGY.xml", Windows),
            key("c:/lync/deploy/topology.xml", Windows)
        );
        assert_eq!(
            key(r"\\BACKUP01\Lync\t.xml", Windows),
            key(r"\\backup01\lync\T.XML", Windows)
        );
        assert_ne!(key("/w/A.xml", Unix), key("/w/a.xml", Unix));
        assert_eq!(key("/w/./a.xml", Unix), key("/w/a.xml", Unix));
        assert_eq!(fold("Deploy/Contoso", Windows), "deploy/contoso");
        assert_eq!(fold("Deploy/Contoso", Unix), "Deploy/Contoso");
    }
}
