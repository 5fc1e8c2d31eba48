//! Reading the backup runs themselves, for the EV rules and the backup-time topology: for each
//! deployment, the folders its worksheets name are read on the shares mapped to local folders
//! (`--backup-share UNC=DIR`, `[options] backup-shares`) or, on Windows with `--read-backups`,
//! on the shares themselves; then the Export-Cs* archives of the latest run are opened.
//!
//! What to read is decided by [`crate::analysis::evidence`] (the locations, then the folders
//! of the latest run), how to read it by [`crate::input::share`] and [`crate::model::archives`].

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::analysis::evidence::{self, Artefact, Origin, Outcome};
use crate::input::share::{self, Reached};
use crate::input::source;
use crate::lint::error::Fatal;
use crate::model::Workspace;
use crate::model::archives;
use crate::model::date::Date;
use crate::model::evidence::{Backups, FolderState, ShareFile, ShareFolder, SharePath};
use crate::model::stamp::{Stamp, Zone};

/// Where each share is read.
#[derive(Clone, Debug, Default)]
pub struct Shares {
    /// Each share (or folder of one) with the local folder holding a copy of it.
    pub mapped: Vec<(SharePath, PathBuf)>,
    /// Read the shares as they are (`--read-backups`, Windows only).
    pub as_they_are: bool,
    /// How many of `mapped`, from the first, were given on the command line.
    pub given: usize,
}

impl Shares {
    /// The shares of `--backup-share UNC=DIR` (DIR relative to `cwd`) and of the configuration,
    /// the command line's first; `read_backups` for `--read-backups`.
    ///
    /// # Errors
    /// A `--backup-share` that is not `UNC=DIR`, or whose DIR is not a folder; `--read-backups`
    /// anywhere but on Windows.
    pub fn new(
        given: &[String],
        configured: &[(String, PathBuf)],
        read_backups: bool,
        cwd: &Path,
    ) -> Result<Self, Fatal> {
        let usage = |message: String| {
            Fatal::Usage {
            message,
            help: Some(
                "write --backup-share '\\\\backup01.contoso.com\\lync=D:\\copies\\lync': the share as the worksheets name it, `=`, and the local folder holding a copy or mount of it".to_string(),
            ),
        }
        };
        let mut mapped = Vec::new();
        for text in given {
            let Some((unc, dir)) = text.split_once('=') else {
                return Err(usage(format!("--backup-share `{text}` is not UNC=DIR")));
            };
            let Some(unc) = SharePath::parse(unc) else {
                return Err(usage(format!(
                    "--backup-share: `{}` is not a share (`\\\\host\\share`)",
                    unc.trim()
                )));
            };
            let dir = cwd.join(dir.trim());
            if !dir.is_dir() {
                return Err(Fatal::PathNotFound {
                    path: dir.display().to_string(),
                    reason: "--backup-share names it as a copy of a share, but it is not a folder"
                        .to_string(),
                });
            }
            mapped.push((unc, dir));
        }
        let given = mapped.len();
        for (unc, dir) in configured {
            if let Some(unc) = SharePath::parse(unc) {
                mapped.push((unc, dir.clone()));
            }
        }
        if read_backups && !cfg!(windows) {
            return Err(Fatal::Usage {
                message: "--read-backups reads `\\\\host\\share` paths, which only Windows opens".to_string(),
                help: Some("map each share to a local copy or mount instead: --backup-share '\\\\backup01.contoso.com\\lync=/mnt/lync'".to_string()),
            });
        }
        Ok(Self {
            mapped,
            as_they_are: read_backups,
            given,
        })
    }

    /// Checks that each `--backup-share` of the command line maps a share some worksheet of
    /// `ws` names (a row's location or a `backup-runs` share): one that none names was typed
    /// for this run and would read nothing.
    ///
    /// # Errors
    /// The first `--backup-share` whose share no worksheet names, with the shares they do.
    pub fn check_named(&self, ws: &Workspace) -> Result<(), Fatal> {
        let named = named_shares(ws);
        for (unc, _) in &self.mapped[..self.given] {
            if named.contains(&unc.share()) {
                continue;
            }
            let shares = named
                .as_slice()
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help = match evidence::near_share(&unc.share(), named.as_slice()) {
                Some(near) => {
                    format!("did you mean `{near}`? name the share as the worksheets write it")
                }
                None => "name the share as the worksheets write it, or leave --backup-share out"
                    .to_string(),
            };
            return Err(Fatal::Usage {
                message: if named.as_slice().is_empty() {
                    format!(
                        "--backup-share `{unc}`: no worksheet of this run names a backup share, so nothing would be read there"
                    )
                } else {
                    format!(
                        "--backup-share `{unc}`: no worksheet of this run names that share (they name {shares}), so nothing would be read there"
                    )
                },
                help: Some(help),
            });
        }
        Ok(())
    }

    /// The mappings of the configuration (index into its `backup-shares`) whose share no
    /// worksheet of `ws` names, with the share the worksheets most likely mean.
    #[must_use]
    pub fn unnamed_configured(&self, ws: &Workspace) -> Vec<(usize, SharePath, Option<SharePath>)> {
        let named = named_shares(ws);
        self.mapped[self.given..]
            .iter()
            .enumerate()
            .filter(|(_, (unc, _))| !named.contains(&unc.share()))
            .map(|(i, (unc, _))| {
                let near = evidence::near_share(&unc.share(), named.as_slice()).cloned();
                (i, unc.clone(), near)
            })
            .collect()
    }

    /// Whether any share is read.
    #[must_use]
    pub fn any(&self) -> bool {
        self.as_they_are || !self.mapped.is_empty()
    }

    /// Where `path` is read: the folder a share maps to, and the names below it. The most
    /// specific mapping wins; with `--read-backups`, an unmapped share is read as it is.
    fn local(&self, path: &SharePath) -> Option<(PathBuf, Vec<String>)> {
        let best = self
            .mapped
            .iter()
            .filter(|(unc, _)| path.within(unc))
            .max_by_key(|(unc, _)| unc.names.len());
        if let Some((unc, dir)) = best {
            return Some((dir.clone(), path.below(unc)?.to_vec()));
        }
        self.as_they_are.then(|| {
            let share = path.share();
            (
                PathBuf::from(share.to_string()),
                path.below(&share).unwrap_or_default().to_vec(),
            )
        })
    }
}

/// The shares the worksheets of every deployment of `ws` name, each once: the rows'
/// locations and the `backup-runs` shares.
fn named_shares(ws: &Workspace) -> evidence::ShareSet {
    let mut named = evidence::ShareSet::default();
    for d in &ws.deployments {
        let runs = d
            .sheets
            .backup_runs
            .iter()
            .filter_map(|r| SharePath::parse(&r.share.text).map(|p| p.share()));
        let rows = evidence::named_shares(&d.sheets);
        for share in rows.as_slice().iter().cloned().chain(runs) {
            named.insert(share);
        }
    }
    named
}

/// Reads what the worksheets of each deployment name on the shares, then opens the archives of
/// the latest run. A deployment whose rows name no mapped share reads nothing.
pub fn read(ws: &mut Workspace, shares: &Shares, cwd: &Path) {
    if !shares.any() {
        return;
    }
    for index in 0..ws.deployments.len() {
        let backups = read_backups(&ws.deployments[index].sheets, shares, cwd);
        if backups.folders.is_empty() {
            continue;
        }
        ws.deployments[index].backups = Some(backups);
        open_archives(ws, index);
    }
}

/// Reads the subfolders of each location (to find the newest dated one), then walks the
/// folders the latest run's artefacts are looked for in.
fn read_backups(sheets: &crate::model::Sheets, shares: &Shares, cwd: &Path) -> Backups {
    let mut backups = Backups::default();
    for location in evidence::locations(sheets) {
        let Some((base, names)) = shares.local(&location) else {
            continue;
        };
        if let Reached::Folder(dir) = share::reach(&base, &names) {
            if let Ok(found) = share::folders(&dir) {
                backups
                    .subfolders
                    .extend(found.iter().map(|name| location.join(name)));
            }
        }
    }
    for root in evidence::roots(sheets, Some(&backups)) {
        let Some((base, names)) = shares.local(&root) else {
            continue;
        };
        let shown_at = |p: &Path| source::display_path(p, cwd);
        let (state, shown) = match share::reach(&base, &names) {
            Reached::Folder(dir) => {
                let walk = share::walk(&dir);
                let state = match walk.unreadable.first() {
                    Some((_, why)) if walk.files.is_empty() => FolderState::Error(why.clone()),
                    _ => FolderState::Read {
                        cut_short: walk.cut_short,
                        links: walk.links,
                    },
                };
                for seen in walk.files {
                    let mut path = root.clone();
                    let mut local = dir.clone();
                    for name in &seen.names {
                        path = path.join(name);
                        local.push(name);
                    }
                    backups.files.push(ShareFile {
                        path,
                        size: seen.size,
                        time: seen.modified.and_then(stamp_of),
                        shown: shown_at(&local),
                        local,
                    });
                }
                (state, shown_at(&dir))
            }
            Reached::Missing { .. } => {
                (FolderState::Missing, shown_at(&base.join(names.join("/"))))
            }
            Reached::Refused { why, .. } => (FolderState::Refused(why), shown_at(&base)),
            Reached::Error(why) => (FolderState::Error(why), shown_at(&base)),
        };
        backups.folders.push(ShareFolder {
            path: root,
            shown,
            state,
        });
    }
    // A folder walked inside another (a file store copy inside the run's folder) gives its
    // files twice.
    backups.files.sort_by(|a, b| a.local.cmp(&b.local));
    backups.files.dedup_by(|a, b| a.local == b.local);
    backups
}

/// A file's time from the file system, in UTC.
fn stamp_of(time: std::time::SystemTime) -> Option<Stamp> {
    let secs = i64::try_from(time.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
    Some(Stamp {
        date: Date::from_days(secs.div_euclid(86_400)),
        seconds: u32::try_from(secs.rem_euclid(86_400)).ok()?,
        zone: Zone::Utc,
    })
}

/// Opens the Export-Cs* archives of the deployment's latest run found on a share; the newest
/// Export-CsConfiguration archive holding a topology becomes its backup-time topology (unless
/// `--backup-topology` gave one).
fn open_archives(ws: &mut Workspace, index: usize) {
    let deployment = &ws.deployments[index];
    let Some(backups) = &deployment.backups else {
        return;
    };
    let judged = evidence::judge(&deployment.sheets, Some(backups));
    let mut wanted: Vec<(PathBuf, String, &'static str, archives::Origin)> = Vec::new();
    for check in &judged.checks {
        let (Some(cmdlet), Outcome::Present { found, .. }) = (check.what.cmdlet(), &check.outcome)
        else {
            continue;
        };
        for f in found {
            let Origin::Share(i) = f.from else { continue };
            // A database's SQL backup (`rtcxds.bak`) may stand beside its export: only the
            // archive is opened. A settings row names its file, whatever its extension.
            let archive_named = f.path.name().to_ascii_lowercase().ends_with(".zip");
            if matches!(check.what, Artefact::Database { .. }) && !archive_named {
                continue;
            }
            let Some(file) = backups.files.get(i) else {
                continue;
            };
            if wanted.iter().any(|(p, ..)| *p == file.local) {
                continue;
            }
            wanted.push((
                file.local.clone(),
                file.shown.clone(),
                cmdlet,
                archives::Origin {
                    cmdlet: Some(cmdlet),
                    named_at: Some((check.file, check.location)),
                    deployment: Some(index),
                },
            ));
        }
    }
    let mut newest: Option<(i64, usize)> = None;
    for (local, shown, cmdlet, origin) in wanted {
        let time = ws.deployments[index]
            .backups
            .as_ref()
            .and_then(|b| b.files.iter().find(|f| f.local == local))
            .and_then(|f| f.time)
            .map_or(i64::MIN, Stamp::ordinal);
        let at = archives::read(ws, &local, shown, origin);
        if cmdlet == "Export-CsConfiguration"
            && ws.archives[at].topology.is_some()
            && newest.is_none_or(|(t, _)| time >= t)
        {
            newest = Some((time, at));
        }
    }
    if ws.backup.is_none() {
        ws.deployments[index].archive = newest.map(|(_, at)| at);
    }
}
