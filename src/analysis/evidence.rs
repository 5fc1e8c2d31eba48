//! Evidence from the backup runs: which run is the latest, where each worksheet row's artefact
//! should be in it, and what the files read there (a `backup-listing` worksheet, a mapped share)
//! show of it. EV601 to EV603 report what this finds, `inspect` and the summary say which run
//! was checked.

use std::sync::LazyLock;

use regex::Regex;

use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::table::Cell;
use crate::model::date::Date;
use crate::model::evidence::{Backups, FolderState, SharePath, same_name};
use crate::model::stamp::{self, Culture, Stamp, Zone};
use crate::model::values::Db;
use crate::model::worksheet::{Sheets, Typed, one_database_subject};

/// The run checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    /// The newest `backup-runs` row(s): the date, and each row's share folder.
    Recorded { date: Date, folders: Vec<SharePath> },
    /// No `backup-runs` row: the newest dated folder found under each location.
    Dated { folders: Vec<SharePath> },
    /// Neither: each row is checked where it points.
    Unknown,
}

impl Run {
    /// The run, in words: `the run of 2026-11-20 (\\backup01\lync\2026-11-20)`.
    #[must_use]
    pub fn describe(&self) -> String {
        let folders = |f: &[SharePath]| {
            f.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Self::Recorded {
                date, folders: f, ..
            } if f.is_empty() => {
                format!("the run of {date} (the newest `backup-runs` row)")
            }
            Self::Recorded {
                date, folders: f, ..
            } => {
                format!(
                    "the run of {date} in {} (the newest `backup-runs` row)",
                    folders(f)
                )
            }
            Self::Dated { folders: f } => {
                format!(
                    "{} (the newest dated folder, no `backup-runs` row)",
                    folders(f)
                )
            }
            Self::Unknown => {
                "the locations the worksheets name (no `backup-runs` row, no dated folder)"
                    .to_string()
            }
        }
    }
}

/// A row's artefact and where it is looked for.
#[derive(Clone, Debug)]
pub struct Check {
    pub what: Artefact,
    /// The worksheet row: file, and the location cell.
    pub file: FileId,
    pub location: Span,
    /// The `Last backup` the row claims, with its cell.
    pub claimed: Option<(Date, Span)>,
    /// What the row is about, as findings name it (`xds@sql01.contoso.com`).
    pub entity: String,
    /// The folder looked in.
    pub root: SharePath,
    pub outcome: Outcome,
}

/// What the row names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Artefact {
    /// A settings row's configuration file, by name; the cmdlet that writes it, when known.
    Setting {
        name: String,
        cmdlet: Option<&'static str>,
    },
    /// A database's SQL backup or export.
    Database {
        db: Db,
        cmdlet: Option<&'static str>,
    },
    /// A file store's copy.
    FileStore,
}

impl Artefact {
    /// The Export-Cs* cmdlet that writes it, when the worksheet says one does.
    #[must_use]
    pub fn cmdlet(&self) -> Option<&'static str> {
        match self {
            Self::Setting { cmdlet, .. } | Self::Database { cmdlet, .. } => *cmdlet,
            Self::FileStore => None,
        }
    }
}

/// How many files of a file store copy stand for it.
const FILE_STORE_SAMPLE: usize = 5;

/// A file found for an artefact.
#[derive(Clone, Debug)]
pub struct Found {
    pub path: SharePath,
    pub size: u64,
    pub time: Option<Stamp>,
    pub from: Origin,
}

impl Found {
    /// The `backup-listing` row it was seen in, if any: its file and record.
    #[must_use]
    pub fn listing_row(&self) -> Option<(FileId, Span)> {
        match self.from {
            Origin::Listing { file, row } => Some((file, row)),
            Origin::Share(_) => None,
        }
    }
}

/// Where a file was seen.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A `backup-listing` row.
    Listing { file: FileId, row: Span },
    /// On a share read (index into [`Backups::files`]).
    Share(usize),
}

/// What was found for a row.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The files that are the artefact (at least one); of a file store copy, the first few, and
    /// how many `more` there are.
    Present { found: Vec<Found>, more: usize },
    /// Nothing: `folder_missing` when the folder itself is not there.
    Missing { folder_missing: bool },
}

/// The cmdlet that writes a settings row's file, by the configuration it names.
fn settings_cmdlet(dbs: &[Db], tool: &str) -> Option<&'static str> {
    const BY_DB: &[(Db, &str)] = &[
        (Db::Xds, "Export-CsConfiguration"),
        (Db::Lis, "Export-CsLisConfiguration"),
        (Db::Rgsconfig, "Export-CsRgsConfiguration"),
    ];
    let tool = tool.to_ascii_lowercase();
    BY_DB
        .iter()
        .find(|(_, cmdlet)| tool.contains(&cmdlet.to_ascii_lowercase()))
        .or_else(|| BY_DB.iter().find(|(db, _)| dbs.contains(db)))
        .map(|(_, cmdlet)| *cmdlet)
}

/// The cmdlet that exports a database, when the row's tool names it.
fn database_cmdlet(db: Db, tool: &str) -> Option<&'static str> {
    let tool = tool.to_ascii_lowercase();
    match db {
        Db::Rtcxds if tool.contains("export-csuserdata") => Some("Export-CsUserData"),
        Db::Mgc if tool.contains("export-cspersistentchatdata") => {
            Some("Export-CsPersistentChatData")
        }
        _ => None,
    }
}

/// Whether a file name is a database's backup: the name holds the database's name with no
/// letter glued to it (`rtcxds.bak`, `LcsCdr_20261120.bak`; `mgc` is not in `mgccomp.bak`), or
/// is the export the cmdlet writes (`UserData` in a `.zip` for Export-CsUserData, `PersistentChat`
/// or `ChatData` for Export-CsPersistentChatData).
#[must_use]
pub fn names_database(file: &str, db: Db, cmdlet: Option<&str>) -> bool {
    let lower = file.to_lowercase();
    let export = match cmdlet {
        Some("Export-CsUserData") => lower.contains("userdata"),
        Some("Export-CsPersistentChatData") => {
            lower.contains("persistentchat") || lower.contains("chatdata")
        }
        _ => false,
    };
    export || Db::in_file_name(&lower).contains(&db)
}

/// A file the evidence knows of.
#[derive(Clone, Debug)]
struct Known {
    /// `first label of host \ names`, lower-case: files under a folder are a range of it.
    key: String,
    found: Found,
}

fn key_of(path: &SharePath) -> String {
    let host = path.host.as_str();
    let mut key = host.split('.').next().unwrap_or(host).to_string();
    for name in &path.names {
        key.push('\\');
        key.push_str(&name.to_lowercase());
    }
    key
}

/// Every file the evidence of one deployment knows of, and what covers what.
pub struct View<'a> {
    files: Vec<Known>,
    /// The shares a listing covers.
    listed: Vec<SharePath>,
    backups: Option<&'a Backups>,
}

impl<'a> View<'a> {
    #[must_use]
    pub fn new(sheets: &Sheets, backups: Option<&'a Backups>) -> Self {
        let mut files = Vec::new();
        let mut listed: Vec<SharePath> = Vec::new();
        for row in &sheets.backup_listing {
            let Some(path) = SharePath::parse(&row.full_name.text) else {
                continue;
            };
            let share = path.share();
            if !listed.contains(&share) {
                listed.push(share);
            }
            files.push(Known {
                key: key_of(&path),
                found: Found {
                    path,
                    size: row.length.value.unwrap_or(0),
                    time: row.written.value.and_then(|c| c.known()),
                    from: Origin::Listing {
                        file: row.at.file,
                        row: row.at.span,
                    },
                },
            });
        }
        if let Some(b) = backups {
            for (i, f) in b.files.iter().enumerate() {
                files.push(Known {
                    key: key_of(&f.path),
                    found: Found {
                        path: f.path.clone(),
                        size: f.size,
                        time: f.time,
                        from: Origin::Share(i),
                    },
                });
            }
        }
        files.sort_by(|a, b| a.key.cmp(&b.key));
        Self {
            files,
            listed,
            backups,
        }
    }

    /// The files at or below `folder`.
    fn under(&self, folder: &SharePath) -> impl Iterator<Item = &Found> {
        let prefix = format!("{}\\", key_of(folder));
        let start = self
            .files
            .partition_point(|k| k.key.as_str() < prefix.as_str());
        self.files[start..]
            .iter()
            .take_while(move |k| k.key.starts_with(&prefix))
            .filter(move |k| k.found.path.within(folder))
            .map(|k| &k.found)
    }
}

/// What the evidence says of one folder.
enum Seen<'v> {
    /// Read from a share, or covered by a listing: its files (maybe none), whether the folder
    /// itself is known to be there, and why what is not among the files may still be there
    /// (the walk stopped at its limits).
    Covered {
        files: Vec<&'v Found>,
        exists: bool,
        partial: Option<String>,
    },
    /// A share walk that could not settle it.
    Unjudged(String),
    /// Nothing covers it.
    NotCovered,
}

impl View<'_> {
    fn folder(&self, folder: &SharePath) -> Seen<'_> {
        if let Some(read) = self
            .backups
            .and_then(|b| b.folders.iter().find(|f| f.path == *folder))
        {
            return match &read.state {
                FolderState::Read { cut_short, .. } => Seen::Covered {
                    files: self.under(folder).collect(),
                    exists: true,
                    partial: cut_short.then(|| {
                        format!(
                            "the walk of `{}` stopped at its limits (200,000 entries, 32 folders deep) without finding it",
                            read.shown
                        )
                    }),
                },
                FolderState::Missing => Seen::Covered {
                    files: Vec::new(),
                    exists: false,
                    partial: None,
                },
                FolderState::Refused(why) | FolderState::Error(why) => {
                    Seen::Unjudged(format!("`{}` was not read: {why}", read.shown))
                }
            };
        }
        if self.listed.iter().any(|s| folder.within(s)) {
            let files: Vec<&Found> = self.under(folder).collect();
            let exists = !files.is_empty();
            return Seen::Covered {
                files,
                exists,
                partial: None,
            };
        }
        Seen::NotCovered
    }

    /// The folders directly in `folder` the evidence shows (a listing shows the folders that hold
    /// files), sorted, each once.
    fn subfolders(&self, folder: &SharePath) -> Vec<String> {
        let mut names: Vec<String> = self
            .under(folder)
            .filter_map(|f| {
                let below = f.path.below(folder)?;
                (below.len() > 1).then(|| below[0].clone())
            })
            .collect();
        if let Some(b) = self.backups {
            names.extend(
                b.subfolders
                    .iter()
                    .filter_map(|s| s.below(folder))
                    .filter(|below| below.len() == 1)
                    .map(|below| below[0].clone()),
            );
        }
        names.sort_by_key(|n| n.to_lowercase());
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        names
    }
}

/// The date a folder's name holds (`2026-11-20`, `20261120`, `SfBBackup-2026_11_20-2130`,
/// `11-20-2026_213000`), read as a listing's dates are: a name whose day and month could be
/// swapped is settled by its sibling folders ([`stamp::settle`]), or not read.
fn name_date(name: &str) -> Option<Culture> {
    static DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[^0-9])(?:([0-9]{4})([-_.]?)([0-9]{2})([-_.]?)([0-9]{2})|([0-9]{1,2})([-_.])([0-9]{1,2})([-_.])([0-9]{4}))(?:[^0-9]|$)",
        )
        .ok()
    });
    let caps = DATE.as_ref()?.captures(name)?;
    let text = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let date = if caps.get(1).is_some() {
        if text(2) != text(4) {
            return None;
        }
        format!("{}-{}-{}", text(1), text(3), text(5))
    } else {
        if text(7) != text(9) {
            return None;
        }
        format!("{}/{}/{}", text(6), text(8), text(10))
    };
    stamp::parse(&date, Zone::Local)
}

/// The newest of `names` that holds a date, with its date.
fn newest_dated(names: &[String]) -> Option<(String, Date)> {
    let mut dates: Vec<Option<Culture>> = names.iter().map(|n| name_date(n)).collect();
    stamp::settle(&mut dates);
    names
        .iter()
        .zip(dates)
        .filter_map(|(n, d)| Some((d?.known()?.date, n.to_lowercase(), n)))
        .max()
        .map(|(date, _, name)| (name.clone(), date))
}

/// The latest run: the newest dated `backup-runs` rows, when the worksheet has any.
fn recorded_run(sheets: &Sheets) -> Option<(Date, Vec<SharePath>)> {
    let newest = sheets
        .backup_runs
        .iter()
        .filter_map(|r| r.date.value)
        .max()?;
    let mut folders = Vec::new();
    for row in sheets
        .backup_runs
        .iter()
        .filter(|r| r.date.value == Some(newest))
    {
        if let Some(path) = SharePath::parse(&row.share.text) {
            if !folders.contains(&path) {
                folders.push(path);
            }
        }
    }
    Some((newest, folders))
}

/// A row the evidence rules look at: its artefacts with the entity each is named by, its
/// location cell and its claim.
struct Row<'s> {
    what: Vec<(Artefact, String)>,
    file: FileId,
    location: &'s Cell,
    claimed: Option<(Date, Span)>,
}

impl Row<'_> {
    fn is_file_store(&self) -> bool {
        self.what.iter().any(|(a, _)| *a == Artefact::FileStore)
    }
}

fn claim(t: &Typed<Date>) -> Option<(Date, Span)> {
    t.value.map(|d| (d, t.span()))
}

fn rows(sheets: &Sheets) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for row in &sheets.settings {
        let text = row.file_name.text.trim();
        // A cell holding a whole path names its file by its last part.
        let name = text.rsplit(['\\', '/']).next().unwrap_or(text).trim();
        if name.is_empty() {
            continue;
        }
        let artefact = Artefact::Setting {
            name: name.to_string(),
            cmdlet: settings_cmdlet(row.databases(), &row.tool.text),
        };
        out.push(Row {
            what: vec![(artefact, row.subject())],
            file: row.at.file,
            location: &row.location,
            claimed: claim(&row.last_backup),
        });
    }
    for row in &sheets.database {
        let what = row
            .databases()
            .iter()
            .map(|&db| {
                let artefact = Artefact::Database {
                    db,
                    cmdlet: database_cmdlet(db, &row.tool.text),
                };
                let entity = if row.databases().len() == 1 {
                    row.subject()
                } else {
                    one_database_subject(db, &row.server, Some(&row.instance))
                };
                (artefact, entity)
            })
            .collect::<Vec<_>>();
        if what.is_empty() {
            continue;
        }
        out.push(Row {
            what,
            file: row.at.file,
            location: &row.destination,
            claimed: claim(&row.last_backup),
        });
    }
    for row in &sheets.file_store {
        out.push(Row {
            what: vec![(Artefact::FileStore, row.subject())],
            file: row.at.file,
            location: &row.destination,
            claimed: claim(&row.last_backup),
        });
    }
    out
}

/// A row the evidence could not judge, and why.
#[derive(Clone, Debug)]
pub struct Unjudged {
    pub file: FileId,
    pub location: Span,
    pub entity: String,
    pub why: String,
}

/// What the evidence shows of one deployment's latest run.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub run: Run,
    pub checks: Vec<Check>,
    pub unjudged: Vec<Unjudged>,
    /// The shares of the rows that nothing covers (no listing row, no share read), each once.
    pub uncovered: Vec<SharePath>,
}

/// Whether a deployment has evidence to read: a listing, or a share read.
#[must_use]
pub fn has_evidence(sheets: &Sheets, backups: Option<&Backups>) -> bool {
    !sheets.backup_listing.is_empty() || backups.is_some_and(|b| !b.folders.is_empty())
}

/// Where each row's artefacts are looked for, in the latest run; `Err` with the reason when
/// the row is not part of it.
fn root_for(
    file_store: bool,
    location: &SharePath,
    recorded: Option<&(Date, Vec<SharePath>)>,
    older: &[SharePath],
    view: &View<'_>,
) -> Result<SharePath, String> {
    let in_older = || {
        older
            .iter()
            .find(|o| location.within(o))
            .map(|o| format!("it is in the folder of an older run (`{o}`)"))
    };
    match recorded {
        Some((_, folders)) => {
            for run in folders {
                if location.within(run) {
                    return Ok(location.clone());
                }
                if run.within(location) && !file_store {
                    return Ok(run.clone());
                }
            }
            match in_older() {
                Some(why) => Err(why),
                None => Ok(location.clone()),
            }
        }
        None if file_store => Ok(location.clone()),
        None => Ok(newest_dated(&view.subfolders(location))
            .map_or_else(|| location.clone(), |(name, _)| location.join(&name))),
    }
}

/// The folders to read on a share for `sheets`: first [`locations`] (their subfolders, to find
/// the newest dated one), then [`roots`] (walked).
#[must_use]
pub fn locations(sheets: &Sheets) -> Vec<SharePath> {
    let mut out: Vec<SharePath> = Vec::new();
    if recorded_run(sheets).is_some() {
        return out;
    }
    for row in rows(sheets) {
        if let Some(path) = SharePath::parse(&row.location.text) {
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// The folders the rows' artefacts are looked for in (see [`locations`]).
#[must_use]
pub fn roots(sheets: &Sheets, backups: Option<&Backups>) -> Vec<SharePath> {
    let view = View::new(sheets, backups);
    let recorded = recorded_run(sheets);
    let older = older_runs(sheets, recorded.as_ref());
    let mut out: Vec<SharePath> = Vec::new();
    for row in rows(sheets) {
        let Some(location) = SharePath::parse(&row.location.text) else {
            continue;
        };
        let file_store = row.is_file_store();
        if let Ok(root) = root_for(file_store, &location, recorded.as_ref(), &older, &view) {
            if !out.contains(&root) {
                out.push(root);
            }
        }
    }
    out
}

/// The folders of the runs before the latest.
fn older_runs(sheets: &Sheets, recorded: Option<&(Date, Vec<SharePath>)>) -> Vec<SharePath> {
    let Some((newest, _)) = recorded else {
        return Vec::new();
    };
    sheets
        .backup_runs
        .iter()
        .filter(|r| r.date.value.is_some_and(|d| d < *newest))
        .filter_map(|r| SharePath::parse(&r.share.text))
        .collect()
}

/// Judges the latest run of one deployment by its evidence.
#[must_use]
pub fn judge(sheets: &Sheets, backups: Option<&Backups>) -> Evidence {
    let view = View::new(sheets, backups);
    let recorded = recorded_run(sheets);
    let older = older_runs(sheets, recorded.as_ref());
    let mut checks = Vec::new();
    let mut unjudged = Vec::new();
    let mut uncovered = ShareSet::default();
    let mut dated: Vec<SharePath> = Vec::new();
    for row in rows(sheets) {
        let Some(location) = SharePath::parse(&row.location.text) else {
            continue;
        };
        let file_store = row.is_file_store();
        let skip = |why: String| Unjudged {
            file: row.file,
            location: row.location.span,
            entity: row
                .what
                .iter()
                .map(|(_, e)| e.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            why,
        };
        let root = match root_for(file_store, &location, recorded.as_ref(), &older, &view) {
            Ok(root) => root,
            Err(why) => {
                unjudged.push(skip(why));
                continue;
            }
        };
        if recorded.is_none() && root != location && !dated.contains(&root) {
            dated.push(root.clone());
        }
        let (files, exists, partial) = match view.folder(&root) {
            Seen::Covered {
                files,
                exists,
                partial,
            } => (files, exists, partial),
            Seen::Unjudged(why) => {
                unjudged.push(skip(why));
                continue;
            }
            Seen::NotCovered => {
                uncovered.insert(root.share());
                unjudged.push(skip(format!(
                    "no backup listing or mapped share covers `{}`",
                    root.share()
                )));
                continue;
            }
        };
        for (what, entity) in &row.what {
            let mut matching = files.iter().filter(|f| match what {
                Artefact::Setting { name, .. } => same_name(f.path.name(), name),
                Artefact::Database { db, cmdlet } => names_database(f.path.name(), *db, *cmdlet),
                Artefact::FileStore => true,
            });
            // A file store copy may hold a million files: the first few stand for it.
            let keep = if *what == Artefact::FileStore {
                FILE_STORE_SAMPLE
            } else {
                usize::MAX
            };
            let found: Vec<Found> = matching.by_ref().take(keep).map(|f| (*f).clone()).collect();
            let more = matching.count();
            if let (true, Some(why)) = (found.is_empty(), &partial) {
                unjudged.push(Unjudged {
                    file: row.file,
                    location: row.location.span,
                    entity: entity.clone(),
                    why: why.clone(),
                });
                continue;
            }
            checks.push(Check {
                what: what.clone(),
                file: row.file,
                location: row.location.span,
                claimed: row.claimed,
                entity: entity.clone(),
                root: root.clone(),
                outcome: if found.is_empty() {
                    Outcome::Missing {
                        folder_missing: !exists,
                    }
                } else {
                    Outcome::Present { found, more }
                },
            });
        }
    }
    let run = match recorded {
        Some((date, folders)) => Run::Recorded { date, folders },
        None if !dated.is_empty() => Run::Dated { folders: dated },
        None => Run::Unknown,
    };
    Evidence {
        run,
        checks,
        unjudged,
        uncovered: uncovered.list,
    }
}

/// A share a `backup-listing` covers: the share, and the FullName cell of its first row.
#[derive(Clone, Debug)]
pub struct Listed {
    pub share: SharePath,
    pub file: FileId,
    pub cell: Span,
}

/// The shares the `backup-listing` rows cover, each once, with its first row.
#[must_use]
pub fn listed_shares(sheets: &Sheets) -> Vec<Listed> {
    let mut out: Vec<Listed> = Vec::new();
    let mut seen = ShareSet::default();
    for row in &sheets.backup_listing {
        let Some(path) = SharePath::parse(&row.full_name.text) else {
            continue;
        };
        let share = path.share();
        if seen.insert(share.clone()) {
            out.push(Listed {
                share,
                file: row.at.file,
                cell: row.full_name.span,
            });
        }
    }
    out
}

/// Shares, each once, in the order first met; a share is compared only with those of its
/// [`key_of`] (which equal shares share), so building one is not quadratic.
#[derive(Clone, Debug, Default)]
pub struct ShareSet {
    list: Vec<SharePath>,
    by_key: std::collections::BTreeMap<String, Vec<usize>>,
}

impl ShareSet {
    /// Adds `share` unless it is there; whether it was added.
    pub fn insert(&mut self, share: SharePath) -> bool {
        let bucket = self.by_key.entry(key_of(&share)).or_default();
        if bucket.iter().any(|&i| self.list[i] == share) {
            return false;
        }
        bucket.push(self.list.len());
        self.list.push(share);
        true
    }

    #[must_use]
    pub fn contains(&self, share: &SharePath) -> bool {
        self.by_key
            .get(&key_of(share))
            .is_some_and(|b| b.iter().any(|&i| self.list[i] == *share))
    }

    /// The shares, in the order first met.
    #[must_use]
    pub fn as_slice(&self) -> &[SharePath] {
        &self.list
    }
}

/// The shares the worksheet rows name as where their artefacts are, each once, in order.
#[must_use]
pub fn named_shares(sheets: &Sheets) -> ShareSet {
    let mut out = ShareSet::default();
    for row in rows(sheets) {
        if let Some(share) = SharePath::parse(&row.location.text).map(|p| p.share()) {
            out.insert(share);
        }
    }
    out
}

/// The share of `named` that `share` is most likely a slip for: the one on the same host (by
/// its first label), else the one of the same share name on another host.
#[must_use]
pub fn near_share<'n>(share: &SharePath, named: &'n [SharePath]) -> Option<&'n SharePath> {
    let label = |p: &SharePath| {
        let host = p.host.as_str();
        host.split('.').next().unwrap_or(host).to_lowercase()
    };
    let same_host: Vec<&SharePath> = named.iter().filter(|n| label(n) == label(share)).collect();
    if let [one] = same_host.as_slice() {
        return Some(one);
    }
    named
        .iter()
        .find(|n| n.names[0].eq_ignore_ascii_case(&share.names[0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_newest_dated_folder_is_found_by_the_date_in_its_name() {
        let newest = |list: &[&str]| newest_dated(&names(list)).map(|(n, d)| (n, d.to_string()));
        assert_eq!(
            newest(&["2026-11-19", "2026-11-20", "logs", "2026-11-08"]),
            Some(("2026-11-20".into(), "2026-11-20".into()))
        );
        assert_eq!(
            newest(&["SfBBackup-20261119-2130", "SfBBackup-20261120-2130"]),
            Some(("SfBBackup-20261120-2130".into(), "2026-11-20".into()))
        );
        // Month first, as the 11-20 folder shows: the 12th of November, not the 11th of
        // December.
        assert_eq!(
            newest(&[
                "11-12-2026_213000",
                "11-20-2026_213000",
                "11-05-2026_213000"
            ]),
            Some(("11-20-2026_213000".into(), "2026-11-20".into()))
        );
        // Nothing shows the order: those folders are not dated.
        assert_eq!(newest(&["05-11-2026", "04-11-2026"]), None);
        assert_eq!(newest(&["current", "archive", "12345"]), None);
    }

    #[test]
    fn database_backups_are_found_by_name_or_by_the_cmdlet_that_exports_them() {
        assert!(names_database("rtcxds_full.bak", Db::Rtcxds, None));
        assert!(names_database(
            "pool01-UserData.zip",
            Db::Rtcxds,
            Some("Export-CsUserData")
        ));
        assert!(!names_database("pool01-UserData.zip", Db::Rtcxds, None));
        assert!(names_database(
            "PersistentChatData.zip",
            Db::Mgc,
            Some("Export-CsPersistentChatData")
        ));
        assert!(!names_database("mgccomp.bak", Db::Mgc, None));
        assert_eq!(
            settings_cmdlet(&[Db::Lis], "Export-CsLisConfiguration"),
            Some("Export-CsLisConfiguration")
        );
        assert_eq!(
            settings_cmdlet(&[Db::Xds], "a script"),
            Some("Export-CsConfiguration")
        );
        assert_eq!(
            database_cmdlet(Db::Lcslog, "SQL Server Management Studio"),
            None
        );
    }

    fn sheets(files: &[(&str, &str)]) -> Sheets {
        let bytes: Vec<(&str, &[u8])> = std::iter::once(("topology.xml", TOPOLOGY.as_bytes()))
            .chain(files.iter().map(|(n, t)| (*n, t.as_bytes())))
            .collect();
        let mut ws = load::from_memory(&bytes);
        std::mem::take(&mut ws.deployments[0].sheets)
    }

    const TOPOLOGY: &str =
        r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" />"#;
    const SETTINGS: &str = "Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location\n";

    #[test]
    fn each_row_is_looked_for_in_the_latest_run_or_left_alone() {
        let settings = format!(
            "{SETTINGS}xds,sql01.contoso.com,daily,Export-CsConfiguration,CsConfiguration.zip,\\\\backup01\\lync\n\
             lis,sql01.contoso.com,daily,Export-CsLisConfiguration,Lis.zip,\\\\backup01\\lync\\2026-11-19\n\
             rgsconfig,pool01.contoso.com,daily,Export-CsRgsConfiguration,Rgs.zip,\\\\backup02\\rgs\n"
        );
        let runs = "Date,Backup share\n2026-11-19,\\\\backup01\\lync\\2026-11-19\n2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20\n";
        let listing = "FullName,Length,LastWriteTimeUtc\n\\\\backup01.contoso.com\\lync\\2026-11-20\\CsConfiguration.zip,10,2026-11-20T21:00:00Z\n";
        let judged = judge(
            &sheets(&[
                ("settings.csv", &settings),
                ("backup-runs.csv", runs),
                ("backup-listing.csv", listing),
            ]),
            None,
        );
        let Run::Recorded { date, folders, .. } = &judged.run else {
            panic!("{:?}", judged.run)
        };
        assert_eq!(date.to_string(), "2026-11-20");
        assert_eq!(
            folders[0].to_string(),
            "\\\\backup01.contoso.com\\lync\\2026-11-20"
        );
        // The share root holds the run's folder: looked for there, and found (a single-label
        // host matches the FQDN).
        assert_eq!(judged.checks.len(), 1);
        assert_eq!(judged.checks[0].entity, "xds@sql01.contoso.com");
        assert_eq!(
            judged.checks[0].root.to_string(),
            "\\\\backup01.contoso.com\\lync\\2026-11-20"
        );
        assert!(matches!(judged.checks[0].outcome, Outcome::Present { .. }));
        // An older run's folder, and a share no evidence covers: not judged, and why.
        let why: Vec<(&str, &str)> = judged
            .unjudged
            .iter()
            .map(|u| (u.entity.as_str(), u.why.as_str()))
            .collect();
        assert_eq!(
            why,
            [
                (
                    "lis@sql01.contoso.com",
                    "it is in the folder of an older run (`\\\\backup01\\lync\\2026-11-19`)"
                ),
                (
                    "rgsconfig@pool01.contoso.com",
                    "no backup listing or mapped share covers `\\\\backup02\\rgs`"
                ),
            ]
        );
    }
}
