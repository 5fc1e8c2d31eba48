//! The values worksheet cells hold: database names, schedules, UNC paths, SQL instance
//! references, yes/no answers and the other closed vocabularies of the worksheet format.
//!
//! Each `parse` function takes trimmed, non-blank text and returns `None` for text it cannot
//! read; the worksheet reader turns that into an IN005 finding that names the accepted forms.

use std::fmt;

use serde::Serialize;

use super::Fqdn;
use super::valid::instance_key;

/// A Lync/Skype for Business database, as the Database worksheet column names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Db {
    Rtcxds,
    Rtcshared,
    Rtcdyn,
    Rtcab,
    Rtcab1,
    Xds,
    Lis,
    Rgsconfig,
    Rgsdyn,
    Cpsdyn,
    Lcslog,
    Lcscdr,
    Qoemetrics,
    Mgc,
    Mgccomp,
}

/// Every spelling a cell may use, matched as whole words; the longest are tried first.
const DB_NAMES: &[(&str, Db)] = &[
    ("persistent chat", Db::Mgc),
    ("rtc database", Db::Rtcxds),
    ("qoemetrics", Db::Qoemetrics),
    ("rtcshared", Db::Rtcshared),
    ("rgsconfig", Db::Rgsconfig),
    ("mgccomp", Db::Mgccomp),
    ("rtcxds", Db::Rtcxds),
    ("rtcdyn", Db::Rtcdyn),
    ("rtcab1", Db::Rtcab1),
    ("rgsdyn", Db::Rgsdyn),
    ("cpsdyn", Db::Cpsdyn),
    ("lcslog", Db::Lcslog),
    ("lcscdr", Db::Lcscdr),
    ("rtcab", Db::Rtcab),
    ("xds", Db::Xds),
    ("lis", Db::Lis),
    ("mgc", Db::Mgc),
    ("mgd", Db::Mgc),
    ("mgs", Db::Mgc),
];

impl Db {
    /// The database's own name, lower-case (`rtcxds`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Rtcxds => "rtcxds",
            Self::Rtcshared => "rtcshared",
            Self::Rtcdyn => "rtcdyn",
            Self::Rtcab => "rtcab",
            Self::Rtcab1 => "rtcab1",
            Self::Xds => "xds",
            Self::Lis => "lis",
            Self::Rgsconfig => "rgsconfig",
            Self::Rgsdyn => "rgsdyn",
            Self::Cpsdyn => "cpsdyn",
            Self::Lcslog => "lcslog",
            Self::Lcscdr => "lcscdr",
            Self::Qoemetrics => "qoemetrics",
            Self::Mgc => "mgc",
            Self::Mgccomp => "mgccomp",
        }
    }

    /// Databases that hold nothing a restore needs (*Backup and restoration worksheets*).
    #[must_use]
    pub fn needs_no_backup(self) -> bool {
        matches!(
            self,
            Self::Rtcdyn | Self::Rtcab | Self::Rtcab1 | Self::Rgsdyn | Self::Cpsdyn | Self::Mgccomp
        )
    }

    /// The databases whose own names a file name holds (`rtcxds.bak`, `LcsCdr_20261120.bak`):
    /// each where no letter is glued to it, the longest at each place, so that `mgccomp.bak` is
    /// mgccomp and not mgc, and `rtcab1.bak` is rtcab1.
    #[must_use]
    pub fn in_file_name(name: &str) -> Vec<Self> {
        let lower = name.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let mut out: Vec<Self> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if i > 0 && bytes[i - 1].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let here = DB_NAMES
                .iter()
                .map(|(_, db)| *db)
                .filter(|db| {
                    let n = db.name();
                    lower[i..].starts_with(n)
                        && !bytes.get(i + n.len()).is_some_and(u8::is_ascii_alphabetic)
                })
                .max_by_key(|db| db.name().len());
            match here {
                Some(db) => {
                    if !out.contains(&db) {
                        out.push(db);
                    }
                    i += db.name().len();
                }
                None => i += 1,
            }
        }
        out
    }

    /// The databases a cell names, in the order written, each once.
    ///
    /// Names match as whole words, case-insensitively, longest first: `rtcxds` is never read as
    /// `xds`, nor `mgccomp` as `mgc`.
    #[must_use]
    pub fn find_all(cell: &str) -> Vec<Self> {
        // Words are runs of ASCII letters and digits; every other character separates them.
        let mut text: Vec<u8> = cell
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    b.to_ascii_lowercase()
                } else {
                    b' '
                }
            })
            .collect();
        let mut found: Vec<(usize, Self)> = Vec::new();
        for (name, db) in DB_NAMES {
            let needle = name.as_bytes();
            let mut from = 0;
            while let Some(pos) = find_word(&text[from..], needle).map(|p| p + from) {
                found.push((pos, *db));
                // Blank it out so a shorter name cannot match inside it.
                for b in &mut text[pos..pos + needle.len()] {
                    *b = b' ';
                }
                from = pos + needle.len();
            }
        }
        found.sort_unstable();
        let mut out: Vec<Self> = Vec::new();
        for (_, db) in found {
            if !out.contains(&db) {
                out.push(db);
            }
        }
        out
    }
}

/// Position of `needle` in `hay` as a whole word (`hay` holds only lower-case words and spaces;
/// runs of spaces in `needle` match runs of spaces in `hay`).
fn find_word(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let words: Vec<&[u8]> = needle.split(|&b| b == b' ').collect();
    let mut start = 0;
    while start < hay.len() {
        let at_boundary = start == 0 || hay[start - 1] == b' ';
        if at_boundary {
            if let Some(end) = match_words(&hay[start..], &words) {
                let after = start + end;
                if after == hay.len() || hay[after] == b' ' {
                    return Some(start);
                }
            }
        }
        start += 1;
    }
    None
}

/// Length of the match of `words` (separated by one or more spaces) at the start of `hay`.
fn match_words(hay: &[u8], words: &[&[u8]]) -> Option<usize> {
    let mut at = 0;
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let spaces = hay[at..].iter().take_while(|&&b| b == b' ').count();
            if spaces == 0 {
                return None;
            }
            at += spaces;
        }
        if !hay[at..].starts_with(word) {
            return None;
        }
        at += word.len();
    }
    Some(at)
}

impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How often a backup runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every this many hours (`hourly` is 1, `daily` and `nightly` are 24).
    Hours(u32),
    Weekly,
    Monthly,
    /// Text the reader does not understand, kept as written.
    Other(String),
}

impl Schedule {
    /// Reads `hourly`, `every N hours`, `daily`, `nightly`, `weekly`, `monthly` (case-insensitive;
    /// words after them, such as `daily 23:00`, are allowed).
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let lower = text.trim().to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words.as_slice() {
            ["hourly", ..] => Self::Hours(1),
            ["daily" | "nightly", ..] => Self::Hours(24),
            ["weekly", ..] => Self::Weekly,
            ["monthly", ..] => Self::Monthly,
            ["every", n, "hours" | "hour", ..] => match n.parse::<u32>() {
                Ok(n) if n > 0 => Self::Hours(n),
                _ => Self::Other(text.trim().to_string()),
            },
            _ => Self::Other(text.trim().to_string()),
        }
    }

    /// At least once a day.
    #[must_use]
    pub fn is_daily_or_more(&self) -> bool {
        matches!(self, Self::Hours(n) if *n <= 24)
    }
}

/// A file's size as a listing writes it: a whole number of bytes.
#[must_use]
pub fn size(text: &str) -> Option<u64> {
    let t = text.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// `\\host\share[\path]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unc {
    pub host: Fqdn,
    /// The share name, lower-case.
    pub share: String,
}

impl Unc {
    /// Reads a UNC path; `None` for anything else (a local path such as `D:\Backup`, a URL).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.trim().strip_prefix("\\\\")?;
        let mut parts = rest.split('\\');
        let host = parts.next().filter(|h| !h.trim().is_empty())?;
        let share = parts.next().filter(|s| !s.trim().is_empty())?;
        // `\\?\C:\...` and `\\.\PIPE\...` are local device paths, not shares.
        if host == "?"
            || host == "."
            || host.contains(['/', ':'])
            || host.contains(char::is_whitespace)
        {
            return None;
        }
        Some(Self {
            host: Fqdn::new(host),
            share: share.trim().to_lowercase(),
        })
    }

    /// `\\host\share`, normalised.
    #[must_use]
    pub fn root(&self) -> String {
        format!("\\\\{}\\{}", self.host, self.share)
    }
}

/// A SQL Server instance as a worksheet writes it: `fqdn\instance`, or `fqdn` for the default.
///
/// Every comparison of SQL instances goes through this type: a topology's instance becomes one
/// with [`SqlRef::new`] (see [`super::restore::sql_ref`]), a worksheet cell with
/// [`SqlRef::parse`], and both spell the instance name as [`instance_key`](super::valid::instance_key) does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SqlRef {
    pub server: Fqdn,
    /// As [`instance_key`](super::valid::instance_key) writes it: lower-case, empty for the default instance.
    pub instance: String,
}

impl SqlRef {
    /// The instance `name` (as a topology or a cell writes it) on `server`.
    #[must_use]
    pub fn new(server: Fqdn, name: &str) -> Self {
        Self {
            server,
            instance: instance_key(name),
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (server, instance) = match text.trim().split_once('\\') {
            Some((s, i)) => (s, instance_name(i)?),
            None => (text.trim(), String::new()),
        };
        super::valid::What::Fqdn.check(server).ok()?;
        Some(Self {
            server: Fqdn::new(server),
            instance,
        })
    }
}

impl fmt::Display for SqlRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.instance.is_empty() {
            write!(f, "{}", self.server)
        } else {
            write!(f, "{}\\{}", self.server, self.instance)
        }
    }
}

/// An `Instance name` cell: the instance as [`instance_key`](super::valid::instance_key) writes it, or `None` for a blank
/// cell and for a name SQL Server would refuse ([`super::valid`]).
#[must_use]
pub fn instance_name(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    super::valid::What::Instance
        .check(text)
        .ok()
        .map(|()| instance_key(text))
}

/// A yes/no cell: yes/no/true/false/y/n.
#[must_use]
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Some(true),
        "no" | "n" | "false" => Some(false),
        _ => None,
    }
}

/// The `Computer account retained` cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retained {
    Yes,
    No,
    /// The server is not a domain member (an Edge Server).
    NotApplicable,
}

impl Retained {
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        if text.trim().eq_ignore_ascii_case("n/a") {
            return Some(Self::NotApplicable);
        }
        yes_no(text).map(|y| if y { Self::Yes } else { Self::No })
    }
}

/// The `Replacement server` cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// A clean server that can take the same FQDN is available now.
    Ready,
    /// One is arranged (ordered, or a template to deploy from) but not standing by.
    Planned,
    None,
}

impl Replacement {
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ready" => Some(Self::Ready),
            "planned" => Some(Self::Planned),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// A SQL Server release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SqlVersion {
    V2005,
    V2008,
    V2008R2,
    V2012,
    V2014,
    V2016,
    V2017,
    V2019,
    V2022,
}

impl SqlVersion {
    /// Reads `2012`, `SQL Server 2008 R2`, `2016 SP1`, `SQL 2014 CU6`...
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_lowercase();
        let rest = lower
            .strip_prefix("microsoft ")
            .unwrap_or(&lower)
            .trim_start();
        let rest = rest
            .strip_prefix("sql server")
            .or_else(|| rest.strip_prefix("sql"))
            .unwrap_or(rest)
            .trim_start();
        let mut words = rest.split_whitespace();
        let year = words.next()?;
        let r2 = words.next() == Some("r2");
        Some(match (year, r2) {
            ("2005", false) => Self::V2005,
            ("2008", false) => Self::V2008,
            ("2008", true) | ("2008r2", false) => Self::V2008R2,
            ("2012", false) => Self::V2012,
            ("2014", false) => Self::V2014,
            ("2016", false) => Self::V2016,
            ("2017", false) => Self::V2017,
            ("2019", false) => Self::V2019,
            ("2022", false) => Self::V2022,
            _ => return None,
        })
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::V2005 => "SQL Server 2005",
            Self::V2008 => "SQL Server 2008",
            Self::V2008R2 => "SQL Server 2008 R2",
            Self::V2012 => "SQL Server 2012",
            Self::V2014 => "SQL Server 2014",
            Self::V2016 => "SQL Server 2016",
            Self::V2017 => "SQL Server 2017",
            Self::V2019 => "SQL Server 2019",
            Self::V2022 => "SQL Server 2022",
        }
    }
}

/// A SQL Server edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlEdition {
    Enterprise,
    Standard,
    Express,
    Datacenter,
    Developer,
    Web,
    Workgroup,
}

impl SqlEdition {
    /// Reads the edition name, with or without a trailing `Edition`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_lowercase();
        let word = lower.strip_suffix(" edition").unwrap_or(&lower).trim();
        Some(match word {
            "enterprise" => Self::Enterprise,
            "standard" => Self::Standard,
            "express" => Self::Express,
            "datacenter" => Self::Datacenter,
            "developer" => Self::Developer,
            "web" => Self::Web,
            "workgroup" => Self::Workgroup,
            _ => return None,
        })
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Enterprise => "Enterprise",
            Self::Standard => "Standard",
            Self::Express => "Express",
            Self::Datacenter => "Datacenter",
            Self::Developer => "Developer",
            Self::Web => "Web",
            Self::Workgroup => "Workgroup",
        }
    }
}

/// A TCP port number (1 to 65535).
#[must_use]
pub fn port(text: &str) -> Option<u16> {
    text.trim().parse::<u16>().ok().filter(|p| *p > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_match_whole_words_longest_first() {
        assert_eq!(
            Db::find_all("Rtc database on Back End Server for user data"),
            vec![Db::Rtcxds]
        );
        assert_eq!(Db::find_all("RTCXDS"), vec![Db::Rtcxds]);
        assert_eq!(Db::find_all("MgcComp"), vec![Db::Mgccomp]);
        assert_eq!(Db::find_all("Persistent Chat Database"), vec![Db::Mgc]);
        assert_eq!(
            Db::find_all("LcsCdr, QoEMetrics"),
            vec![Db::Lcscdr, Db::Qoemetrics]
        );
        assert_eq!(
            Db::find_all("Xds database in Central Management store (global)"),
            vec![Db::Xds]
        );
        assert_eq!(Db::find_all("lisp analysis"), Vec::<Db>::new());
        assert_eq!(Db::find_all("rtcab1"), vec![Db::Rtcab1]);
    }

    #[test]
    fn schedules() {
        assert_eq!(Schedule::parse("Daily 23:00"), Schedule::Hours(24));
        assert_eq!(Schedule::parse("every 6 hours"), Schedule::Hours(6));
        assert_eq!(Schedule::parse("Weekly"), Schedule::Weekly);
        assert!(Schedule::parse("nightly").is_daily_or_more());
        assert!(!Schedule::parse("monthly").is_daily_or_more());
        assert_eq!(
            Schedule::parse("when we remember"),
            Schedule::Other("when we remember".into())
        );
    }

    #[test]
    fn database_names_in_file_names() {
        assert_eq!(
            Db::in_file_name("rtcxds_backup_2026_11_20.bak"),
            [Db::Rtcxds]
        );
        assert_eq!(Db::in_file_name("LcsCdr20261120.bak"), [Db::Lcscdr]);
        assert_eq!(Db::in_file_name("mgccomp.bak"), [Db::Mgccomp]);
        assert_eq!(Db::in_file_name("rtcab1.bak"), [Db::Rtcab1]);
        assert_eq!(
            Db::in_file_name("SQL01_LcsLog_and_QoEMetrics.bak"),
            [Db::Lcslog, Db::Qoemetrics]
        );
        // Glued to letters: not a database name.
        assert!(Db::in_file_name("axds.bak").is_empty());
        assert!(Db::in_file_name("listing.csv").is_empty());
        assert!(Db::in_file_name("xdsfoo").is_empty());
    }

    #[test]
    fn unc_paths() {
        let unc = Unc::parse(r"\\Backup01.contoso.com\Lync$\2026-11-20").expect("unc");
        assert_eq!(unc.root(), r"\\backup01.contoso.com\lync$");
        assert_eq!(Unc::parse(r"D:\Backup"), None);
        assert_eq!(Unc::parse(r"\\host"), None);
        assert_eq!(Unc::parse("https://backup"), None);
        assert_eq!(Unc::parse(r"\\?\C:\Backup"), None);
        assert_eq!(Unc::parse(r"\\.\pipe\x"), None);
    }

    #[test]
    fn sql_references_and_instance_names() {
        let r = SqlRef::parse(r"SQL01.contoso.com\RTC").expect("ref");
        assert_eq!(r.to_string(), r"sql01.contoso.com\rtc");
        let d = SqlRef::parse(r"sql01.contoso.com\MSSQLSERVER").expect("ref");
        assert_eq!(d.instance, "");
        assert_eq!(SqlRef::parse(r"sql01 contoso\x"), None);
        assert_eq!(instance_name("(default)").as_deref(), Some(""));
        assert_eq!(instance_name("bad name"), None);
        assert_eq!(instance_name(" "), None);
        assert_eq!(SqlRef::parse(r"sql01.contoso.com\"), None);
        assert_eq!(instance_key(" MSSQLServer "), "");
        assert_eq!(instance_key("RTC"), "rtc");
        assert_eq!(
            SqlRef::new(Fqdn::new("SQL01.contoso.com"), "MSSQLSERVER"),
            SqlRef::parse("sql01.contoso.com\\(default)").expect("ref")
        );
    }

    #[test]
    fn closed_vocabularies() {
        assert_eq!(yes_no(" Y "), Some(true));
        assert_eq!(yes_no("maybe"), None);
        assert_eq!(Retained::parse("N/A"), Some(Retained::NotApplicable));
        assert_eq!(Replacement::parse("Ready"), Some(Replacement::Ready));
        assert_eq!(Replacement::parse("soon"), None);
        assert_eq!(
            SqlVersion::parse("SQL Server 2008 R2"),
            Some(SqlVersion::V2008R2)
        );
        assert_eq!(SqlVersion::parse("2016 SP2"), Some(SqlVersion::V2016));
        assert_eq!(SqlVersion::parse("sql 2014 cu6"), Some(SqlVersion::V2014));
        assert_eq!(SqlVersion::parse("twenty twelve"), None);
        assert_eq!(
            SqlEdition::parse("Enterprise Edition"),
            Some(SqlEdition::Enterprise)
        );
        assert_eq!(port("5022"), Some(5022));
        assert_eq!(port("0"), None);
        assert_eq!(port("70000"), None);
    }
}
