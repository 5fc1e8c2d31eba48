//! The backup and restoration worksheets: seven kinds, recognised by their header row, lowered
//! into typed rows whose every cell keeps its span.
//!
//! Microsoft publishes three worksheets (Database, File Store, Settings: *Backup and restoration
//! worksheets*, Hh202169); `servers`, `sql-instances`, `certificates` and `backup-runs` are
//! topolint's extensions for what the restore procedures need and those tables lack.

use std::collections::BTreeMap;

use serde::Serialize;

use super::valid::What;
use super::values::{
    Db, Replacement, Retained, Schedule, SqlEdition, SqlRef, SqlVersion, Unc, instance_name, port,
    yes_no,
};
use super::{Fqdn, placeholder};
use crate::date::Date;
use crate::finding::shown;
use crate::source::FileId;
use crate::span::{Span, Spanned};
use crate::table::{Cell, Record, Table};

/// The kind of a worksheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Database,
    FileStore,
    Settings,
    Servers,
    SqlInstances,
    Certificates,
    BackupRuns,
}

/// One column of a worksheet kind.
#[derive(Debug)]
pub struct Column {
    /// The header as topolint writes it.
    pub header: &'static str,
    /// Other headers accepted for it (Microsoft's own wording).
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// What to write in it, completing "write ...": the help of a blank or unreadable cell.
    pub what: &'static str,
}

const fn req(header: &'static str, what: &'static str) -> Column {
    Column {
        header,
        aliases: &[],
        required: true,
        what,
    }
}

const fn opt(header: &'static str, what: &'static str) -> Column {
    Column {
        header,
        aliases: &[],
        required: false,
        what,
    }
}

const SCHEDULE: &str = "how often the backup runs: `hourly`, `every N hours`, `daily`, `nightly`, `weekly` or `monthly`, optionally followed by the time (`Daily 22:00`)";
const LAST_BACKUP: &str = "the date of the last successful backup, as YYYY-MM-DD";
const NOTES: &str = "anything the person restoring should know (optional)";
const DESTINATION: &str =
    "the `\\\\host\\share\\folder` the backup is written to, on a server outside every pool";

const DATABASE: &[Column] = &[
    req(
        "Database",
        "the database: `rtcxds`, `rtcshared`, `rtcab`, `lcslog`, `lcscdr`, `qoemetrics`, `mgc`... (Microsoft's row text such as `Rtc database` works too)",
    ),
    req(
        "Server name (FQDN)",
        "the FQDN of the SQL server hosting the database, as the topology names it (for `rtcxds` exported with Export-CsUserData, the pool's FQDN)",
    ),
    opt(
        "SQL instance",
        "the SQL Server instance, or `(default)`; blank matches any instance of the server",
    ),
    req("Backup schedule", SCHEDULE),
    req(
        "Database backup tool",
        "the tool or cmdlet that backs the database up (Export-CsUserData, SQL Server Management Studio, a SQL Server Agent job...)",
    ),
    Column {
        header: "Backup set name",
        aliases: &["Backup set"],
        required: false,
        what: "the name the backup set is kept under",
    },
    opt(
        "Backup set expiration",
        "the date the backup set expires, as YYYY-MM-DD",
    ),
    req("Backup destination", DESTINATION),
    opt("Last backup", LAST_BACKUP),
    opt("Notes", NOTES),
];

const FILE_STORE: &[Column] = &[
    req(
        "Content",
        "what the share holds, for example `Lync file store`",
    ),
    req(
        "Server name (FQDN)",
        "the FQDN of the file server, as the topology names it",
    ),
    req("Backup schedule", SCHEDULE),
    req(
        "File system backup tool",
        "the tool that copies the share (Robocopy, Windows Server Backup...)",
    ),
    req(
        "File share to be backed up",
        "the file store's `\\\\host\\share`, exactly as the topology names it",
    ),
    opt(
        "Excluded files",
        "what the copy leaves out; `Meeting.Active` must be among it",
    ),
    req("Backup destination", DESTINATION),
    opt("Last backup", LAST_BACKUP),
    opt("Notes", NOTES),
];

const SETTINGS: &[Column] = &[
    req(
        "Database",
        "`xds` (Export-CsConfiguration), `lis` (Export-CsLisConfiguration) or `rgsconfig` (Export-CsRgsConfiguration)",
    ),
    req(
        "Server name (FQDN)",
        "for `xds` and `lis` the SQL server of the Central Management store; for `rgsconfig` the pool whose Response Group configuration is exported",
    ),
    req("Backup schedule", SCHEDULE),
    req(
        "Backup tool",
        "the export cmdlet (Export-CsConfiguration, Export-CsLisConfiguration, Export-CsRgsConfiguration)",
    ),
    Column {
        header: "Configuration file name",
        aliases: &["Configuration file (.xml) name"],
        required: true,
        what: "the file the export cmdlet writes (for example CsConfiguration.zip)",
    },
    req(
        "Backup location",
        "the `\\\\host\\share\\folder` the exported configuration is written to, on a server outside every pool",
    ),
    opt("Last backup", LAST_BACKUP),
    opt("Notes", NOTES),
];

const SERVERS: &[Column] = &[
    req(
        "Server FQDN",
        "the server's fully qualified domain name, as the topology names it",
    ),
    req(
        "Role",
        "what the server runs (Front End, Edge, SQL Back End, file server...)",
    ),
    req(
        "Replacement server",
        "`ready` (a clean server that can take the same FQDN stands by), `planned` (one is arranged) or `none`",
    ),
    req(
        "Computer account retained",
        "`yes` when the server's Active Directory computer account is kept for the rebuild, `no`, or `n/a` for a server outside the domain such as an Edge Server",
    ),
    opt("Notes", NOTES),
];

const SQL_INSTANCES: &[Column] = &[
    req(
        "SQL server FQDN",
        "the SQL server's fully qualified domain name, as the topology names it",
    ),
    req(
        "Instance name",
        "the instance name as SQL Server knows it, or `(default)` (also `MSSQLSERVER`) for the default instance",
    ),
    req(
        "SQL Server version",
        "the SQL Server release, for example `SQL Server 2012 SP4`",
    ),
    req(
        "Edition",
        "the SQL Server edition: Standard or Enterprise (Express on a Standard Edition server)",
    ),
    opt(
        "Mirror",
        "on the principal's row, the mirror as `fqdn\\instance` (the FQDN alone for a default instance); blank when not mirrored",
    ),
    opt(
        "Mirroring port",
        "the mirroring endpoint's TCP port (5022 by default)",
    ),
    opt(
        "Witness",
        "the mirroring witness as `fqdn\\instance`; blank when there is none",
    ),
    opt("Witness port", "the witness's TCP port (7022 by default)"),
    opt("Notes", NOTES),
];

const CERTIFICATES: &[Column] = &[
    req(
        "Server FQDN",
        "the fully qualified domain name of the server the certificate is assigned to",
    ),
    req(
        "Certificate",
        "the certificate's use (Default, WebServicesExternal, OAuthTokenIssuer, AccessEdgeExternal...)",
    ),
    opt("Thumbprint", "the certificate's thumbprint"),
    req("Expires", "the certificate's expiry date as YYYY-MM-DD"),
    req(
        "Private key exportable",
        "`yes` when the private key can be exported with the certificate, else `no`",
    ),
    req(
        "Backup location",
        "where the exported certificate with its private key (.pfx) is kept",
    ),
    req(
        "Re-enroll from internal CA",
        "`yes` when an internal certification authority can issue the certificate again, else `no`",
    ),
    opt("Notes", NOTES),
];

const BACKUP_RUNS: &[Column] = &[
    req("Date", "the date of the backup run as YYYY-MM-DD"),
    req(
        "Backup share",
        "the `\\\\host\\share\\folder` the run was written to",
    ),
    opt("Notes", NOTES),
];

impl Kind {
    pub const ALL: [Self; 7] = [
        Self::Database,
        Self::FileStore,
        Self::Settings,
        Self::Servers,
        Self::SqlInstances,
        Self::Certificates,
        Self::BackupRuns,
    ];

    /// The kind's name (`sql-instances`), also its file name without `.csv`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::FileStore => "file-store",
            Self::Settings => "settings",
            Self::Servers => "servers",
            Self::SqlInstances => "sql-instances",
            Self::Certificates => "certificates",
            Self::BackupRuns => "backup-runs",
        }
    }

    /// The column with this header (as topolint writes it).
    #[must_use]
    pub fn column(self, header: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.header == header)
    }

    /// The columns, in the order `worksheet init` writes them.
    #[must_use]
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Database => DATABASE,
            Self::FileStore => FILE_STORE,
            Self::Settings => SETTINGS,
            Self::Servers => SERVERS,
            Self::SqlInstances => SQL_INSTANCES,
            Self::Certificates => CERTIFICATES,
            Self::BackupRuns => BACKUP_RUNS,
        }
    }
}

/// A header cell normalised for matching: lower-case, spaces collapsed, a trailing `*` removed.
fn normalise_header(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_suffix('*').unwrap_or(t);
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Column {
    fn matches(&self, normalised: &str) -> bool {
        std::iter::once(self.header)
            .chain(self.aliases.iter().copied())
            .any(|h| normalise_header(h) == normalised)
    }
}

/// The kind a header row belongs to: the kind with the largest share of its required columns
/// present, if that is more than half of them. `None` when no kind comes close.
#[must_use]
pub fn recognise(header: &[Cell]) -> Option<Kind> {
    let names: Vec<String> = header.iter().map(|c| normalise_header(&c.text)).collect();
    let mut best: Option<(Kind, usize, usize)> = None;
    for kind in Kind::ALL {
        let required: Vec<&Column> = kind.columns().iter().filter(|c| c.required).collect();
        let found = required
            .iter()
            .filter(|c| names.iter().any(|n| c.matches(n)))
            .count();
        if found * 2 <= required.len() {
            continue;
        }
        // Compare found/required as fractions; on a tie prefer the kind matching more columns.
        let better = best.is_none_or(|(_, f, r)| {
            found * r > f * required.len() || (found * r == f * required.len() && found > f)
        });
        if better {
            best = Some((kind, found, required.len()));
        }
    }
    best.map(|(k, _, _)| k)
}

/// A header cell that looks like a column it does not match: a misspelling, or the column's
/// name cut short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    /// The header cell as written, and where.
    pub written: String,
    pub span: Span,
    /// The column it is probably meant to be.
    pub column: &'static str,
}

/// The worksheet kind a header row comes closest to, and the cells that differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closest {
    pub kind: Kind,
    /// Required columns matched exactly.
    pub found: usize,
    /// Required columns of the kind.
    pub required: usize,
    /// Header cells that nearly match a required column the header lacks.
    pub near: Vec<NearMiss>,
    /// Required columns neither matched nor nearly matched.
    pub absent: Vec<&'static str>,
}

/// How alike a header cell is to a column's header (both normalised), from 0 to 1: the
/// edit-distance similarity, or 0.8 when one holds the other whole (`Server name` and
/// `Server name (FQDN)`). A cell much longer than any column header is no near miss, and is
/// not compared (edit distance costs the product of the lengths).
fn likeness(cell: &str, column: &str) -> f64 {
    if cell.len() > 2 * column.len() + 16 {
        return 0.0;
    }
    let edit = strsim::normalized_damerau_levenshtein(cell, column);
    let (short, long) = if cell.len() <= column.len() {
        (cell, column)
    } else {
        (column, cell)
    };
    let contained = short.len() >= 4 && long.contains(short);
    if contained { edit.max(0.8) } else { edit }
}

/// The least likeness that counts as a near miss.
const NEAR: f64 = 0.7;

/// Pairs the header cells no column matched with the required columns of `kind` the header
/// lacks, most alike first, each cell and column once.
fn near_misses(
    header: &[Cell],
    names: &[String],
    kind: Kind,
) -> (Vec<NearMiss>, Vec<&'static str>) {
    let columns: Vec<Vec<String>> = kind
        .columns()
        .iter()
        .map(|c| {
            std::iter::once(c.header)
                .chain(c.aliases.iter().copied())
                .map(normalise_header)
                .collect()
        })
        .collect();
    // Which header cells some column of the kind matches, and which required columns no cell
    // matches: each cell compared once with each column.
    let mut matched = vec![false; names.len()];
    let mut found = vec![false; columns.len()];
    for (hi, name) in names.iter().enumerate() {
        for (ci, accepted) in columns.iter().enumerate() {
            if accepted.iter().any(|a| a == name) {
                matched[hi] = true;
                found[ci] = true;
            }
        }
    }
    let missing: Vec<&Column> = kind
        .columns()
        .iter()
        .zip(&found)
        .filter(|(c, found)| c.required && !**found)
        .map(|(c, _)| c)
        .collect();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, col) in missing.iter().enumerate() {
        let wanted = normalise_header(col.header);
        for (hi, name) in names.iter().enumerate() {
            if name.is_empty() || matched[hi] {
                continue;
            }
            let score = likeness(name, &wanted);
            if score >= NEAR {
                pairs.push((score, hi, ci));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_cells = vec![false; names.len()];
    let mut used_columns = vec![false; missing.len()];
    let mut near = Vec::new();
    for (_, hi, ci) in pairs {
        if used_cells[hi] || used_columns[ci] {
            continue;
        }
        used_cells[hi] = true;
        used_columns[ci] = true;
        near.push(NearMiss {
            written: header[hi].text.clone(),
            span: header[hi].span,
            column: missing[ci].header,
        });
    }
    near.sort_by_key(|n| n.span.start);
    let absent = missing
        .iter()
        .zip(&used_columns)
        .filter(|(_, used)| !**used)
        .map(|(c, _)| c.header)
        .collect();
    (near, absent)
}

/// The kind a header row that [`recognise`] rejects comes closest to: the one with the largest
/// share of its required columns matched exactly or nearly, when that is at least half of them.
#[must_use]
pub fn closest(header: &[Cell]) -> Option<Closest> {
    // A header row of a thousand cells is no worksheet: comparing each cell with each column
    // would only cost time.
    if header.len() > 64 {
        return None;
    }
    let names: Vec<String> = header.iter().map(|c| normalise_header(&c.text)).collect();
    let mut best: Option<Closest> = None;
    for kind in Kind::ALL {
        let required = kind.columns().iter().filter(|c| c.required).count();
        let found = kind
            .columns()
            .iter()
            .filter(|c| c.required && names.iter().any(|n| c.matches(n)))
            .count();
        let (near, absent) = near_misses(header, &names, kind);
        let score = found + near.len();
        if score * 2 < required || near.is_empty() && found == 0 {
            continue;
        }
        let better = best.as_ref().is_none_or(|b| {
            let best_score = b.found + b.near.len();
            score * b.required > best_score * required
                || (score * b.required == best_score * required && found > b.found)
        });
        if better {
            best = Some(Closest {
                kind,
                found,
                required,
                near,
                absent,
            });
        }
    }
    best
}

/// A cell and what it means, when it could be read. `value` is `None` for a blank cell and for
/// one that could not be read (which the reader reports as IN005).
#[derive(Clone, Debug)]
pub struct Typed<T> {
    pub cell: Cell,
    pub value: Option<T>,
}

impl<T> Typed<T> {
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.cell.is_blank()
    }

    #[must_use]
    pub fn span(&self) -> Span {
        self.cell.span
    }
}

/// Where a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub file: FileId,
    /// The whole record.
    pub span: Span,
}

/// A row of the `database` worksheet.
#[derive(Clone, Debug)]
pub struct DatabaseRow {
    pub at: At,
    pub database: Cell,
    /// The databases the `Database` cell names.
    pub databases: Vec<Db>,
    pub server: Typed<Fqdn>,
    /// Blank (or absent) means any instance on the server. The value is lower-case, `""` for
    /// the default instance.
    pub instance: Typed<String>,
    pub schedule: Typed<Schedule>,
    pub tool: Cell,
    pub set_name: Cell,
    pub set_expiration: Typed<Date>,
    pub destination: Cell,
    pub last_backup: Typed<Date>,
    pub notes: Cell,
}

/// A row of the `file-store` worksheet.
#[derive(Clone, Debug)]
pub struct FileStoreRow {
    pub at: At,
    pub content: Cell,
    pub server: Typed<Fqdn>,
    pub schedule: Typed<Schedule>,
    pub tool: Cell,
    pub share: Cell,
    pub excluded: Cell,
    pub destination: Cell,
    pub last_backup: Typed<Date>,
    pub notes: Cell,
}

/// A row of the `settings` worksheet.
#[derive(Clone, Debug)]
pub struct SettingsRow {
    pub at: At,
    pub database: Cell,
    pub databases: Vec<Db>,
    pub server: Typed<Fqdn>,
    pub schedule: Typed<Schedule>,
    pub tool: Cell,
    pub file_name: Cell,
    pub location: Cell,
    pub last_backup: Typed<Date>,
    pub notes: Cell,
}

/// A row of the `servers` worksheet.
#[derive(Clone, Debug)]
pub struct ServerRow {
    pub at: At,
    pub server: Typed<Fqdn>,
    pub role: Cell,
    pub replacement: Typed<Replacement>,
    pub account: Typed<Retained>,
    pub notes: Cell,
}

/// A row of the `sql-instances` worksheet.
#[derive(Clone, Debug)]
pub struct SqlInstanceRow {
    pub at: At,
    pub server: Typed<Fqdn>,
    /// Lower-case; `""` for the default instance.
    pub instance: Typed<String>,
    pub version: Typed<SqlVersion>,
    pub edition: Typed<SqlEdition>,
    pub mirror: Typed<SqlRef>,
    pub mirror_port: Typed<u16>,
    pub witness: Typed<SqlRef>,
    pub witness_port: Typed<u16>,
    pub notes: Cell,
}

impl SqlInstanceRow {
    /// The instance this row records, when both its server and instance name could be read.
    #[must_use]
    pub fn sql_ref(&self) -> Option<SqlRef> {
        Some(SqlRef {
            server: self.server.value.clone()?,
            instance: self.instance.value.clone()?,
        })
    }

    /// What the row is about, as findings name it: `fqdn\instance` (just `fqdn` for the default
    /// instance); cells that could not be read are shown as written, lower-case and cut to a
    /// readable length.
    #[must_use]
    pub fn subject(&self) -> String {
        if let Some(sql) = self.sql_ref() {
            return sql.to_string();
        }
        let server = self.server.value.as_ref().map_or_else(
            || shown(&self.server.cell.text).to_lowercase(),
            ToString::to_string,
        );
        if self.instance.is_blank() {
            server
        } else {
            format!(
                "{server}\\{}",
                shown(&self.instance.cell.text).to_lowercase()
            )
        }
    }

    /// The instance this row records and the mirror it names, when it names one and both its
    /// server and instance name could be read: the row of a mirroring principal.
    #[must_use]
    pub fn mirrored(&self) -> Option<(SqlRef, &SqlRef)> {
        let mirror = self.mirror.value.as_ref()?;
        Some((self.sql_ref()?, mirror))
    }
}

/// A row of the `certificates` worksheet.
#[derive(Clone, Debug)]
pub struct CertificateRow {
    pub at: At,
    pub server: Typed<Fqdn>,
    pub certificate: Cell,
    pub thumbprint: Cell,
    pub expires: Typed<Date>,
    pub exportable: Typed<bool>,
    pub location: Cell,
    pub reenroll: Typed<bool>,
    pub notes: Cell,
}

/// A row of the `backup-runs` worksheet.
#[derive(Clone, Debug)]
pub struct BackupRunRow {
    pub at: At,
    pub date: Typed<Date>,
    pub share: Cell,
    pub notes: Cell,
}

/// A row of any worksheet: where it is.
pub trait SheetRow {
    /// The row's file and record.
    fn at(&self) -> At;
}

macro_rules! sheet_rows {
    ($($row:ty),* $(,)?) => {
        $(
            impl SheetRow for $row {
                fn at(&self) -> At {
                    self.at
                }
            }
        )*
    };
}

sheet_rows!(
    DatabaseRow,
    FileStoreRow,
    SettingsRow,
    ServerRow,
    SqlInstanceRow,
    CertificateRow,
    BackupRunRow,
);

impl Typed<Fqdn> {
    /// The host as the row names it: the FQDN when it could be read, else the cell's text in
    /// lower case (empty for a blank cell).
    #[must_use]
    pub fn host_name(&self) -> String {
        self.value
            .as_ref()
            .map_or_else(|| self.cell.text.trim().to_lowercase(), ToString::to_string)
    }
}

impl DatabaseRow {
    /// What the row is about, as findings name it: `db@server[\instance]`
    /// (`rtcxds@sql01.contoso.com\rtc`). Several databases in one cell are joined with `+`.
    #[must_use]
    pub fn subject(&self) -> String {
        database_subject(
            &self.databases,
            &self.database,
            &self.server,
            Some(&self.instance),
        )
    }

    /// The databases the `Database` cell names, joined with `+` (`lcscdr+qoemetrics`); the
    /// cell's text in lower case when it names none.
    #[must_use]
    pub fn database_names(&self) -> String {
        database_names(&self.databases, &self.database)
    }
}

impl SettingsRow {
    /// What the row is about, as findings name it: `db@server` (`xds@sql01.contoso.com`).
    #[must_use]
    pub fn subject(&self) -> String {
        database_subject(&self.databases, &self.database, &self.server, None)
    }

    /// The databases the `Database` cell names, joined with `+` (`xds+lis`); the cell's text
    /// in lower case when it names none.
    #[must_use]
    pub fn database_names(&self) -> String {
        database_names(&self.databases, &self.database)
    }
}

impl FileStoreRow {
    /// What the row is about, as findings name it: its share as `\\host\share` (lower-case),
    /// else the share cell's text, else the `Content` cell, else `file store`.
    #[must_use]
    pub fn subject(&self) -> String {
        if let Some(unc) = Unc::parse(&self.share.text) {
            return unc.root();
        }
        let share = self.share.text.trim().to_lowercase();
        if !share.is_empty() {
            return share;
        }
        let content = self.content.text.trim().to_lowercase();
        if content.is_empty() {
            "file store".to_string()
        } else {
            content
        }
    }
}

impl CertificateRow {
    /// What the row is about, as findings name it: `server/certificate`, lower-case
    /// (`fe01.contoso.com/default`), with the server as the row names it.
    #[must_use]
    pub fn subject(&self) -> String {
        format!(
            "{}/{}",
            self.server.host_name(),
            self.certificate.text.trim().to_lowercase()
        )
    }
}

impl BackupRunRow {
    /// What the row is about, as findings name it: `backup-run DATE` with the date as written,
    /// or `backup-run undated`.
    #[must_use]
    pub fn subject(&self) -> String {
        if self.date.is_blank() {
            "backup-run undated".to_string()
        } else {
            format!("backup-run {}", self.date.cell.text.trim())
        }
    }
}

/// What a row says about one of the databases it names, as findings name it:
/// `db@server[\instance]` (`rtcab@sql01.contoso.com\rtc`), or just `db` when the server cell is
/// blank.
#[must_use]
pub fn one_database_subject(
    db: Db,
    server: &Typed<Fqdn>,
    instance: Option<&Typed<String>>,
) -> String {
    let place = place(server, instance);
    if place.is_empty() {
        db.name().to_string()
    } else {
        format!("{db}@{place}")
    }
}

/// `what@server[\instance]` of a database or settings row, leaving out what is blank.
fn database_subject(
    databases: &[Db],
    database: &Cell,
    server: &Typed<Fqdn>,
    instance: Option<&Typed<String>>,
) -> String {
    let what = database_names(databases, database);
    let place = place(server, instance);
    match (what.is_empty(), place.is_empty()) {
        (false, false) => format!("{what}@{place}"),
        (false, true) => what,
        (true, false) => place,
        (true, true) => "database".to_string(),
    }
}

/// The databases of a `Database` cell joined with `+`, else the cell's text in lower case.
fn database_names(databases: &[Db], database: &Cell) -> String {
    if databases.is_empty() {
        database.text.trim().to_lowercase()
    } else {
        databases
            .iter()
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// `server[\instance]` of a row, lower-case; empty when the server cell is blank.
fn place(server: &Typed<Fqdn>, instance: Option<&Typed<String>>) -> String {
    let server = server.host_name();
    match instance.and_then(|i| i.value.as_deref()) {
        Some(name) if !name.is_empty() && !server.is_empty() => format!("{server}\\{name}"),
        _ => server,
    }
}

/// The rows of one worksheet file.
#[derive(Clone, Debug)]
pub enum Rows {
    Database(Vec<DatabaseRow>),
    FileStore(Vec<FileStoreRow>),
    Settings(Vec<SettingsRow>),
    Servers(Vec<ServerRow>),
    SqlInstances(Vec<SqlInstanceRow>),
    Certificates(Vec<CertificateRow>),
    BackupRuns(Vec<BackupRunRow>),
}

impl Rows {
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Database(r) => r.len(),
            Self::FileStore(r) => r.len(),
            Self::Settings(r) => r.len(),
            Self::Servers(r) => r.len(),
            Self::SqlInstances(r) => r.len(),
            Self::Certificates(r) => r.len(),
            Self::BackupRuns(r) => r.len(),
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A blank required cell: which column, and where.
#[derive(Clone, Debug)]
pub struct BlankCell {
    pub column: &'static str,
    /// What the row is about: its first two cells, lower-case (`rtcxds@sql01.contoso.com`).
    pub row_key: String,
    pub span: Span,
    /// The record the cell belongs to.
    pub row: Span,
    /// The column's header cell.
    pub header: Span,
}

/// A cell of a required column the worksheet has, blank or not.
#[derive(Clone, Debug)]
pub struct RequiredCell {
    pub column: &'static str,
    /// What the row is about, as in [`BlankCell::row_key`].
    pub row_key: String,
    /// The record the cell belongs to.
    pub row: Span,
}

/// One worksheet file, read.
#[derive(Clone, Debug)]
pub struct Worksheet {
    pub file: FileId,
    pub kind: Kind,
    /// How the file is written: its separator, and a line skipped before the header.
    pub dialect: crate::table::Dialect,
    /// The header record.
    pub header: Span,
    /// The rows, until [`Sheets::add`] moves them into the deployment the worksheet joins.
    pub rows: Rows,
    /// How many rows were read (it stays when the rows move).
    pub row_count: usize,
    /// Every blank cell of a required column.
    pub blanks: Vec<BlankCell>,
    /// Every cell of a required column the file has (one per row and column).
    pub required: Vec<RequiredCell>,
    /// Placeholders left in cells (`$Name`, `{{name}}`).
    pub placeholders: Vec<Spanned<String>>,
}

/// The worksheets of one deployment, merged by kind (a kind may be split over several files).
#[derive(Clone, Debug, Default)]
pub struct Sheets {
    pub database: Vec<DatabaseRow>,
    pub file_store: Vec<FileStoreRow>,
    pub settings: Vec<SettingsRow>,
    pub servers: Vec<ServerRow>,
    pub sql_instances: Vec<SqlInstanceRow>,
    pub certificates: Vec<CertificateRow>,
    pub backup_runs: Vec<BackupRunRow>,
    /// Each file's kind and header record, in path order.
    pub headers: Vec<(Kind, FileId, Span)>,
}

impl Sheets {
    /// Adds one file's rows, moving them out of the worksheet (a worksheet joins one
    /// deployment at most), so that rows are never copied.
    pub fn add(&mut self, sheet: &mut Worksheet) {
        self.headers.push((sheet.kind, sheet.file, sheet.header));
        match std::mem::replace(&mut sheet.rows, empty_rows(sheet.kind)) {
            Rows::Database(r) => append(&mut self.database, r),
            Rows::FileStore(r) => append(&mut self.file_store, r),
            Rows::Settings(r) => append(&mut self.settings, r),
            Rows::Servers(r) => append(&mut self.servers, r),
            Rows::SqlInstances(r) => append(&mut self.sql_instances, r),
            Rows::Certificates(r) => append(&mut self.certificates, r),
            Rows::BackupRuns(r) => append(&mut self.backup_runs, r),
        }
    }

    /// The header record of the first file of a kind, if the deployment has one: where a
    /// missing row would go.
    #[must_use]
    pub fn header(&self, kind: Kind) -> Option<(FileId, Span)> {
        self.headers
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, f, s)| (*f, *s))
    }

    /// The `sql-instances` rows of mirroring principals, in worksheet order, each with the
    /// instance it records and its mirror (see [`SqlInstanceRow::mirrored`]).
    pub fn mirrored(&self) -> impl Iterator<Item = (&SqlInstanceRow, SqlRef, &SqlRef)> {
        self.sql_instances.iter().filter_map(|row| {
            row.mirrored()
                .map(|(principal, mirror)| (row, principal, mirror))
        })
    }

    /// Each instance's first `sql-instances` row, by the instance it records; rows whose server
    /// or instance name could not be read are left out.
    #[must_use]
    pub fn first_row_per_instance(&self) -> BTreeMap<SqlRef, &SqlInstanceRow> {
        let mut by_ref: BTreeMap<SqlRef, &SqlInstanceRow> = BTreeMap::new();
        for row in &self.sql_instances {
            if let Some(r) = row.sql_ref() {
                by_ref.entry(r).or_insert(row);
            }
        }
        by_ref
    }
}

/// Appends `more` to `rows`, taking the vector as it is when `rows` is empty.
fn append<T>(rows: &mut Vec<T>, mut more: Vec<T>) {
    if rows.is_empty() {
        *rows = more;
    } else {
        rows.append(&mut more);
    }
}

/// A problem with a worksheet's content: where, what, and what to do.
#[derive(Clone, Debug)]
pub struct SheetProblem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// The outcome of reading a CSV file.
#[derive(Debug)]
pub enum Read {
    Worksheet(Box<Worksheet>, Vec<SheetProblem>),
    /// The header matches no worksheet kind.
    Unrecognized {
        header: Span,
        /// The kind it comes closest to, if any comes close.
        closest: Option<Closest>,
    },
}

/// Lowers a parsed CSV table into a worksheet.
#[must_use]
pub fn lower(table: Table, file: FileId) -> Read {
    let mut problems: Vec<SheetProblem> = table
        .problems
        .iter()
        .map(|p| SheetProblem {
            span: p.span,
            message: p.message.clone(),
            help: Some(format!("quote a cell that holds the separator (`{}`) or a line break (\"...\"), and double any quote inside it", table.dialect.separator_name())),
        })
        .collect();
    let Some(header) = table.header else {
        return Read::Unrecognized {
            header: Span::default(),
            closest: None,
        };
    };
    let Some(kind) = recognise(&header.cells) else {
        return Read::Unrecognized {
            header: header.span,
            closest: closest(&header.cells),
        };
    };
    // Which header cell each column of the kind is in.
    let positions: Vec<Option<usize>> = kind
        .columns()
        .iter()
        .map(|col| {
            header
                .cells
                .iter()
                .position(|c| col.matches(&normalise_header(&c.text)))
        })
        .collect();
    let any_missing = kind
        .columns()
        .iter()
        .zip(&positions)
        .any(|(c, p)| c.required && p.is_none());
    let near = if any_missing {
        let names: Vec<String> = header
            .cells
            .iter()
            .map(|c| normalise_header(&c.text))
            .collect();
        near_misses(&header.cells, &names, kind).0
    } else {
        Vec::new()
    };
    for (col, pos) in kind.columns().iter().zip(&positions) {
        if !col.required || pos.is_some() {
            continue;
        }
        let problem = match near.iter().find(|n| n.column == col.header) {
            Some(n) => SheetProblem {
                span: n.span,
                message: format!(
                    "the {} worksheet has no `{}` column: did you mean it by `{}`?",
                    kind.name(),
                    col.header,
                    shown(&n.written)
                ),
                help: Some(format!(
                    "rename the header cell to `{}` (case, surrounding spaces and a trailing `*` do not matter)",
                    col.header
                )),
            },
            None => SheetProblem {
                span: header.span,
                message: format!(
                    "the {} worksheet has no `{}` column",
                    kind.name(),
                    col.header
                ),
                help: Some(format!(
                    "add the column to the header row; a {} worksheet needs: {}",
                    kind.name(),
                    kind.columns()
                        .iter()
                        .filter(|c| c.required)
                        .map(|c| c.header)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        };
        problems.push(problem);
    }
    let mut sheet = Worksheet {
        file,
        kind,
        dialect: table.dialect,
        header: header.span,
        rows: empty_rows(kind),
        row_count: 0,
        blanks: Vec::new(),
        required: Vec::new(),
        placeholders: Vec::new(),
    };
    for record in table.rows {
        if record.cells.iter().all(Cell::is_blank) {
            continue;
        }
        for cell in &record.cells {
            for range in placeholder::find(&cell.text) {
                let start = cell.span.start as usize;
                sheet.placeholders.push(Spanned::new(
                    cell.text[range.clone()].to_string(),
                    // Cells are trimmed and unquoted: point at the cell when offsets differ.
                    if cell.span.len() == cell.text.len() {
                        Span::new(start + range.start, start + range.end)
                    } else {
                        cell.span
                    },
                ));
            }
        }
        let mut row = RowReader {
            header: &header,
            record: &record,
            positions: &positions,
            columns: kind.columns(),
            problems: &mut problems,
            blanks: &mut sheet.blanks,
            required: &mut sheet.required,
            kind,
        };
        let at = At {
            file,
            span: record.span,
        };
        match &mut sheet.rows {
            Rows::Database(rows) => rows.push(DatabaseRow {
                at,
                database: row.cell("Database"),
                databases: Db::find_all(&row.cell("Database").text),
                server: row.fqdn("Server name (FQDN)"),
                instance: row.instance("SQL instance"),
                schedule: row.schedule("Backup schedule"),
                tool: row.cell("Database backup tool"),
                set_name: row.cell("Backup set name"),
                set_expiration: row.date("Backup set expiration"),
                destination: row.cell("Backup destination"),
                last_backup: row.date("Last backup"),
                notes: row.cell("Notes"),
            }),
            Rows::FileStore(rows) => rows.push(FileStoreRow {
                at,
                content: row.cell("Content"),
                server: row.fqdn("Server name (FQDN)"),
                schedule: row.schedule("Backup schedule"),
                tool: row.cell("File system backup tool"),
                share: row.cell("File share to be backed up"),
                excluded: row.cell("Excluded files"),
                destination: row.cell("Backup destination"),
                last_backup: row.date("Last backup"),
                notes: row.cell("Notes"),
            }),
            Rows::Settings(rows) => rows.push(SettingsRow {
                at,
                database: row.cell("Database"),
                databases: Db::find_all(&row.cell("Database").text),
                server: row.fqdn("Server name (FQDN)"),
                schedule: row.schedule("Backup schedule"),
                tool: row.cell("Backup tool"),
                file_name: row.cell("Configuration file name"),
                location: row.cell("Backup location"),
                last_backup: row.date("Last backup"),
                notes: row.cell("Notes"),
            }),
            Rows::Servers(rows) => rows.push(ServerRow {
                at,
                server: row.fqdn("Server FQDN"),
                role: row.cell("Role"),
                replacement: row.typed(
                    "Replacement server",
                    Replacement::parse,
                    "`ready`, `planned` or `none`",
                ),
                account: row.typed(
                    "Computer account retained",
                    Retained::parse,
                    "yes or no (also y/n, true/false), or `n/a` for a server outside the domain such as an Edge Server",
                ),
                notes: row.cell("Notes"),
            }),
            Rows::SqlInstances(rows) => rows.push(SqlInstanceRow {
                at,
                server: row.fqdn("SQL server FQDN"),
                instance: row.instance("Instance name"),
                version: row.typed(
                    "SQL Server version",
                    SqlVersion::parse,
                    "a release such as `2012`, `SQL Server 2008 R2` or `2016 SP2`",
                ),
                edition: row.typed(
                    "Edition",
                    SqlEdition::parse,
                    "Standard, Enterprise, Express, Datacenter, Developer, Web or Workgroup",
                ),
                mirror: row.sql_ref("Mirror"),
                mirror_port: row.typed("Mirroring port", port, "a TCP port from 1 to 65535"),
                witness: row.sql_ref("Witness"),
                witness_port: row.typed("Witness port", port, "a TCP port from 1 to 65535"),
                notes: row.cell("Notes"),
            }),
            Rows::Certificates(rows) => rows.push(CertificateRow {
                at,
                server: row.fqdn("Server FQDN"),
                certificate: row.cell("Certificate"),
                thumbprint: row.cell("Thumbprint"),
                expires: row.date("Expires"),
                exportable: row.yes_no("Private key exportable"),
                location: row.cell("Backup location"),
                reenroll: row.yes_no("Re-enroll from internal CA"),
                notes: row.cell("Notes"),
            }),
            Rows::BackupRuns(rows) => rows.push(BackupRunRow {
                at,
                date: row.date("Date"),
                share: row.cell("Backup share"),
                notes: row.cell("Notes"),
            }),
        }
    }
    sheet.row_count = sheet.rows.len();
    Read::Worksheet(Box::new(sheet), problems)
}

fn empty_rows(kind: Kind) -> Rows {
    match kind {
        Kind::Database => Rows::Database(Vec::new()),
        Kind::FileStore => Rows::FileStore(Vec::new()),
        Kind::Settings => Rows::Settings(Vec::new()),
        Kind::Servers => Rows::Servers(Vec::new()),
        Kind::SqlInstances => Rows::SqlInstances(Vec::new()),
        Kind::Certificates => Rows::Certificates(Vec::new()),
        Kind::BackupRuns => Rows::BackupRuns(Vec::new()),
    }
}

/// Reads the cells of one record by column header, checking values as it goes.
struct RowReader<'a> {
    header: &'a Record,
    record: &'a Record,
    positions: &'a [Option<usize>],
    columns: &'static [Column],
    problems: &'a mut Vec<SheetProblem>,
    blanks: &'a mut Vec<BlankCell>,
    required: &'a mut Vec<RequiredCell>,
    kind: Kind,
}

impl RowReader<'_> {
    /// The cell of a column; a blank one (pointing at the record) when the column is absent or
    /// the row is short. Blank cells of required columns are recorded once.
    fn cell(&mut self, header: &'static str) -> Cell {
        let index = self.columns.iter().position(|c| c.header == header);
        let cell = index
            .and_then(|i| self.positions[i])
            .and_then(|p| self.record.cells.get(p))
            .cloned()
            .unwrap_or_else(|| Cell {
                text: String::new(),
                span: self.record.span,
            });
        let required = index.is_some_and(|i| self.columns[i].required);
        let present = index.and_then(|i| self.positions[i]).is_some();
        if required
            && present
            && !self
                .required
                .iter()
                .rev()
                .take_while(|r| r.row == self.record.span)
                .any(|r| r.column == header)
        {
            self.required.push(RequiredCell {
                column: header,
                row_key: self.row_key(),
                row: self.record.span,
            });
        }
        if cell.is_blank()
            && required
            && present
            && !self
                .blanks
                .iter()
                .rev()
                .take_while(|b| b.row == self.record.span)
                .any(|b| b.column == header)
        {
            let row_key = self.row_key();
            let header_span = index
                .and_then(|i| self.positions[i])
                .and_then(|p| self.header.cells.get(p))
                .map_or(self.header.span, |c| c.span);
            self.blanks.push(BlankCell {
                column: header,
                row_key,
                header: header_span,
                span: cell.span,
                row: self.record.span,
            });
        }
        cell
    }

    /// The first two cells of the kind's columns that are not blank, joined by `@`.
    fn row_key(&self) -> String {
        let parts: Vec<String> = self
            .positions
            .iter()
            .take(2)
            .filter_map(|p| p.and_then(|p| self.record.cells.get(p)))
            .filter(|c| !c.is_blank())
            .map(|c| c.text.to_lowercase())
            .collect();
        parts.join("@")
    }

    fn typed<T>(
        &mut self,
        header: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        accepted: &str,
    ) -> Typed<T> {
        let cell = self.cell(header);
        if cell.is_blank() {
            return Typed { cell, value: None };
        }
        let value = parse(&cell.text);
        if value.is_none() {
            self.problems.push(SheetProblem {
                span: cell.span,
                message: format!(
                    "`{}` is not a valid {} in the {} worksheet",
                    shown(&cell.text),
                    header,
                    self.kind.name()
                ),
                help: Some(format!("write {accepted}")),
            });
        }
        Typed { cell, value }
    }

    fn date(&mut self, header: &'static str) -> Typed<Date> {
        self.typed(
            header,
            Date::parse,
            "the date as YYYY-MM-DD (ISO 8601), for example 2026-11-21: other forms are ambiguous between countries",
        )
    }

    fn yes_no(&mut self, header: &'static str) -> Typed<bool> {
        self.typed(header, yes_no, "yes or no (also y/n, true/false)")
    }

    /// A cell holding a name [`super::valid`] checks (`parse` checks it). One that fails the
    /// check is not read (`None`) and not reported here: IN009 reports it, saying why. A cell
    /// holding a template placeholder is read as written (`template`): IN006 reports it, and
    /// the rules do not trust what it says.
    fn checked<T>(
        &mut self,
        header: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        template: impl Fn(&str) -> T,
    ) -> Typed<T> {
        let cell = self.cell(header);
        let value = if cell.is_blank() {
            None
        } else if placeholder::contains(&cell.text) {
            Some(template(&cell.text))
        } else {
            parse(&cell.text)
        };
        Typed { cell, value }
    }

    fn fqdn(&mut self, header: &'static str) -> Typed<Fqdn> {
        self.checked(
            header,
            |t| What::Fqdn.check(t).ok().map(|()| Fqdn::new(t)),
            Fqdn::new,
        )
    }

    fn instance(&mut self, header: &'static str) -> Typed<String> {
        self.checked(header, instance_name, |t| t.trim().to_lowercase())
    }

    fn sql_ref(&mut self, header: &'static str) -> Typed<SqlRef> {
        self.checked(header, SqlRef::parse, |t| {
            let (server, instance) = t.trim().split_once('\\').unwrap_or((t, ""));
            SqlRef {
                server: Fqdn::new(server),
                instance: instance.trim().to_lowercase(),
            }
        })
    }

    fn schedule(&mut self, header: &'static str) -> Typed<Schedule> {
        let cell = self.cell(header);
        let value = (!cell.is_blank()).then(|| Schedule::parse(&cell.text));
        Typed { cell, value }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table;

    fn read(text: &str) -> (Worksheet, Vec<SheetProblem>) {
        match lower(table::parse(text), FileId(0)) {
            Read::Worksheet(sheet, problems) => (*sheet, problems),
            Read::Unrecognized { .. } => panic!("not recognised"),
        }
    }

    #[test]
    fn kinds_are_recognised_by_header_in_any_order_and_case() {
        let header = |t: &str| table::parse(t).header.expect("header").cells;
        assert_eq!(
            recognise(&header(
                "server name (FQDN), DATABASE ,Backup schedule,Database backup tool,Backup destination"
            )),
            Some(Kind::Database)
        );
        assert_eq!(
            recognise(&header(
                "Content,Server name (FQDN),Backup schedule,File system backup tool,File share to be backed up *,Backup destination,Notes"
            )),
            Some(Kind::FileStore)
        );
        assert_eq!(
            recognise(&header(
                "Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file (.xml) name,Backup location,Notes"
            )),
            Some(Kind::Settings)
        );
        assert_eq!(
            recognise(&header("Date,Backup share")),
            Some(Kind::BackupRuns)
        );
        assert_eq!(recognise(&header("Name,Address,Phone")), None);
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let (_, problems) =
            read("Server FQDN,Role,Replacement server\nfe01.contoso.com,FE,ready\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`Computer account retained`"));
    }

    #[test]
    fn a_missing_column_written_nearly_right_is_pointed_at_with_a_did_you_mean() {
        let text = "Server FQDN,Role,Replacement server,Computer acount retained\nfe01.contoso.com,FE,ready,yes\n";
        let (_, problems) = read(text);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "the servers worksheet has no `Computer account retained` column: did you mean it by `Computer acount retained`?"
        );
        assert_eq!(&text[problems[0].span.range()], "Computer acount retained");
        // Nothing alike: the header row is pointed at, with the columns the kind needs.
        let (_, problems) = read("Server FQDN,Role,Replacement server,Notes\nfe01,FE,ready,\n");
        assert_eq!(
            problems[0].message,
            "the servers worksheet has no `Computer account retained` column"
        );
    }

    #[test]
    fn the_closest_kind_of_an_unknown_header() {
        let header = |t: &str| table::parse(t).header.expect("header").cells;
        let found = closest(&header(
            "Datbase,Server name,Backup schedule,Backup tool,Configuration file,Notes",
        ))
        .expect("close to settings");
        assert_eq!(found.kind, Kind::Settings);
        assert_eq!((found.found, found.required), (2, 6));
        let near: Vec<(&str, &str)> = found
            .near
            .iter()
            .map(|n| (n.written.as_str(), n.column))
            .collect();
        assert_eq!(
            near,
            [
                ("Datbase", "Database"),
                ("Server name", "Server name (FQDN)"),
                ("Configuration file", "Configuration file name")
            ]
        );
        assert_eq!(found.absent, ["Backup location"]);
        assert_eq!(closest(&header("Name,Address,Phone")), None);
    }

    #[test]
    fn values_are_typed_and_bad_ones_reported() {
        let (sheet, problems) = read(
            "Server FQDN,Certificate,Expires,Private key exportable,Backup location,Re-enroll from internal CA\n\
             FE01.contoso.com,Default,21/11/2027,maybe,,yes\n",
        );
        let Rows::Certificates(rows) = &sheet.rows else {
            panic!("certificates")
        };
        assert_eq!(rows[0].server.value, Some(Fqdn::new("fe01.contoso.com")));
        assert_eq!(rows[0].reenroll.value, Some(true));
        assert_eq!(rows[0].expires.value, None);
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "`21/11/2027` is not a valid Expires in the certificates worksheet",
                "`maybe` is not a valid Private key exportable in the certificates worksheet",
            ]
        );
        assert_eq!(sheet.blanks.len(), 1);
        assert_eq!(sheet.blanks[0].column, "Backup location");
    }

    #[test]
    fn database_subjects_leave_out_what_is_blank() {
        let (sheet, _) = read(
            "Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination\n\
             LcsCdr and QoEMetrics,SQL02.contoso.com,Monitoring,Daily,SSMS,x\n\
             rtcxds,sql01.contoso.com,(default),Daily,SSMS,x\n\
             Mystery,,,Daily,SSMS,x\n\
             ,,rtc,Daily,SSMS,x\n",
        );
        let Rows::Database(rows) = &sheet.rows else {
            panic!("database")
        };
        let subjects: Vec<String> = rows.iter().map(DatabaseRow::subject).collect();
        assert_eq!(
            subjects,
            [
                "lcscdr+qoemetrics@sql02.contoso.com\\monitoring",
                "rtcxds@sql01.contoso.com",
                "mystery",
                "database"
            ]
        );
        assert_eq!(rows[2].database_names(), "mystery");
        assert_eq!(
            one_database_subject(Db::Rtcab, &rows[0].server, Some(&rows[0].instance)),
            "rtcab@sql02.contoso.com\\monitoring"
        );
        assert_eq!(
            one_database_subject(Db::Rtcab, &rows[3].server, None),
            "rtcab"
        );
    }

    #[test]
    fn file_store_subjects_fall_back_from_share_to_content() {
        let (sheet, _) = read(
            "Content,Server name (FQDN),Backup schedule,File system backup tool,File share to be backed up,Backup destination\n\
             Lync share,fs01,Daily,Robocopy,\\\\FS01.contoso.com\\LyncShare\\sub,x\n\
             Lync share,fs01,Daily,Robocopy,D:\\Share,x\n\
             Lync share,fs01,Daily,Robocopy,,x\n\
             ,fs01,Daily,Robocopy,,x\n",
        );
        let Rows::FileStore(rows) = &sheet.rows else {
            panic!("file store")
        };
        let subjects: Vec<String> = rows.iter().map(FileStoreRow::subject).collect();
        assert_eq!(
            subjects,
            [
                "\\\\fs01.contoso.com\\lyncshare",
                "d:\\share",
                "lync share",
                "file store"
            ]
        );
    }

    #[test]
    fn sql_instance_subjects_and_mirrors() {
        let (mut sheet, _) = read(
            "SQL server FQDN,Instance name,SQL Server version,Edition,Mirror\n\
             SQL01.contoso.com,RTC,2019,Enterprise,sql02.contoso.com\\rtc\n\
             sql02.contoso.com,(default),2019,Enterprise,\n\
             sql03 contoso,rtc,2019,Enterprise,\n",
        );
        let Rows::SqlInstances(rows) = &sheet.rows else {
            panic!("sql instances")
        };
        let subjects: Vec<String> = rows.iter().map(SqlInstanceRow::subject).collect();
        assert_eq!(
            subjects,
            [
                "sql01.contoso.com\\rtc",
                "sql02.contoso.com",
                "sql03 contoso\\rtc"
            ]
        );
        let mut sheets = Sheets::default();
        sheets.add(&mut sheet);
        let mirrored: Vec<(String, String)> = sheets
            .mirrored()
            .map(|(_, principal, mirror)| (principal.to_string(), mirror.to_string()))
            .collect();
        assert_eq!(
            mirrored,
            [(
                "sql01.contoso.com\\rtc".to_string(),
                "sql02.contoso.com\\rtc".to_string()
            )]
        );
        assert_eq!(sheets.first_row_per_instance().len(), 2);
    }

    #[test]
    fn certificate_and_backup_run_subjects() {
        let (sheet, _) = read(
            "Server FQDN,Certificate,Expires,Private key exportable,Backup location,Re-enroll from internal CA\n\
             FE01,Default (Server),2027-01-01,yes,x,no\n",
        );
        let Rows::Certificates(rows) = &sheet.rows else {
            panic!("certificates")
        };
        assert_eq!(rows[0].subject(), "fe01/default (server)");
        let (sheet, _) = read("Date,Backup share\n2026-11-20,x\n,y\n");
        let Rows::BackupRuns(rows) = &sheet.rows else {
            panic!("backup runs")
        };
        let subjects: Vec<String> = rows.iter().map(BackupRunRow::subject).collect();
        assert_eq!(subjects, ["backup-run 2026-11-20", "backup-run undated"]);
    }

    #[test]
    fn placeholders_in_cells_are_found() {
        let (sheet, _) = read("Date,Backup share\n2026-11-20,\\\\$BackupHost\\lync\n");
        assert_eq!(sheet.placeholders[0].value, "$BackupHost");
    }
}
