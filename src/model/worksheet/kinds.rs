//! The worksheet kinds, each declared once: its name, its typed row and its columns.
//!
//! Microsoft publishes three worksheets (Database, File Store, Settings: *Backup and restoration
//! worksheets*, Hh202169); `servers`, `sql-instances`, `certificates` and `backup-runs` are
//! topolint's extensions for what the restore procedures need and those tables lack,
//! `backup-listing` is the listing of a backup share `Get-ChildItem` writes, and `pool-pairs`
//! records which Front End pools are paired for disaster recovery.
//!
//! A new kind is one more declaration here (and what its rows say of themselves, in
//! [`super::rows`]); a new column is one more line in its kind. The reader, `worksheet init`,
//! the README's table of columns and the rules all take them from here.

use super::column::{BlankCell, RequiredCell};
use super::declare::worksheets;
use crate::input::source::FileId;
use crate::input::span::{Span, Spanned};
use crate::input::table::Layout;

const SCHEDULE: &str = "how often the backup runs: `hourly`, `every N hours`, `daily`, `nightly`, `weekly` or `monthly`, optionally followed by the time (`Daily 22:00`)";
const LAST_BACKUP: &str = "the date of the last successful backup, as YYYY-MM-DD";
const NOTES: &str = "anything the person restoring should know (optional)";
const DESTINATION: &str =
    "the `\\\\host\\share\\folder` the backup is written to, on a server outside every pool";

worksheets! {
    /// Microsoft's Database worksheet: how each database is backed up.
    Database = "database", database: DatabaseRow, DatabaseColumns {
        /// The databases the `Database` cell names.
        database: Databases = required "Database" =>
            "the database: `rtcxds`, `rtcshared`, `rtcab`, `lcslog`, `lcscdr`, `qoemetrics`, `mgc`... (Microsoft's row text such as `Rtc database` works too)",
        server: Fqdn = required "Server name (FQDN)" =>
            "the FQDN of the SQL server hosting the database, as the topology names it (for `rtcxds` exported with Export-CsUserData, the pool's FQDN)",
        /// Blank (or absent) means any instance on the server. The value is lower-case, `""`
        /// for the default instance.
        instance: Instance = optional "SQL instance" =>
            "the SQL Server instance, or `(default)`; blank matches any instance of the server",
        schedule: Schedule = required "Backup schedule" => SCHEDULE,
        tool: Text = required "Database backup tool" =>
            "the tool or cmdlet that backs the database up (Export-CsUserData, SQL Server Management Studio, a SQL Server Agent job...)",
        set_name: Text = optional "Backup set name" | "Backup set" =>
            "the name the backup set is kept under",
        set_expiration: Date = optional "Backup set expiration" =>
            "the date the backup set expires, as YYYY-MM-DD",
        destination: Text = required "Backup destination" => DESTINATION,
        last_backup: Date = optional "Last backup" => LAST_BACKUP,
        notes: Text = optional "Notes" => NOTES,
    }

    /// Microsoft's File Store worksheet: how each file share is copied.
    FileStore = "file-store", file_store: FileStoreRow, FileStoreColumns {
        content: Text = required "Content" =>
            "what the share holds, for example `Lync file store`",
        server: Fqdn = required "Server name (FQDN)" =>
            "the FQDN of the file server, as the topology names it",
        schedule: Schedule = required "Backup schedule" => SCHEDULE,
        tool: Text = required "File system backup tool" =>
            "the tool that copies the share (Robocopy, Windows Server Backup...)",
        share: Text = required "File share to be backed up" =>
            "the file store's `\\\\host\\share`, exactly as the topology names it",
        excluded: Text = optional "Excluded files" =>
            "what the copy leaves out; `Meeting.Active` must be among it",
        destination: Text = required "Backup destination" => DESTINATION,
        last_backup: Date = optional "Last backup" => LAST_BACKUP,
        notes: Text = optional "Notes" => NOTES,
    }

    /// Microsoft's Settings worksheet: the exported configurations.
    Settings = "settings", settings: SettingsRow, SettingsColumns {
        /// The configurations the `Database` cell names.
        database: Databases = required "Database" =>
            "`xds` (Export-CsConfiguration), `lis` (Export-CsLisConfiguration) or `rgsconfig` (Export-CsRgsConfiguration)",
        server: Fqdn = required "Server name (FQDN)" =>
            "for `xds` and `lis` the SQL server of the Central Management store; for `rgsconfig` the pool whose Response Group configuration is exported",
        schedule: Schedule = required "Backup schedule" => SCHEDULE,
        tool: Text = required "Backup tool" =>
            "the export cmdlet (Export-CsConfiguration, Export-CsLisConfiguration, Export-CsRgsConfiguration)",
        file_name: Text = required "Configuration file name" | "Configuration file (.xml) name" =>
            "the file the export cmdlet writes (for example CsConfiguration.zip)",
        location: Text = required "Backup location" =>
            "the `\\\\host\\share\\folder` the exported configuration is written to, on a server outside every pool",
        last_backup: Date = optional "Last backup" => LAST_BACKUP,
        notes: Text = optional "Notes" => NOTES,
    }

    /// Each server a restore rebuilds, and what stands ready for it.
    Servers = "servers", servers: ServerRow, ServerColumns {
        server: Fqdn = required "Server FQDN" =>
            "the server's fully qualified domain name, as the topology names it",
        role: Text = required "Role" =>
            "what the server runs (Front End, Edge, SQL Back End, file server...)",
        replacement: Replacement = required "Replacement server" =>
            "`ready` (a clean server that can take the same FQDN stands by), `planned` (one is arranged) or `none`",
        account: Retained = required "Computer account retained" =>
            "`yes` when the server's Active Directory computer account is kept for the rebuild, `no`, or `n/a` for a server outside the domain such as an Edge Server",
        notes: Text = optional "Notes" => NOTES,
    }

    /// Each SQL Server instance, with its release, edition and mirroring.
    SqlInstances = "sql-instances", sql_instances: SqlInstanceRow, SqlInstanceColumns {
        server: Fqdn = required "SQL server FQDN" =>
            "the SQL server's fully qualified domain name, as the topology names it",
        /// Lower-case; `""` for the default instance.
        instance: Instance = required "Instance name" =>
            "the instance name as SQL Server knows it, or `(default)` (also `MSSQLSERVER`) for the default instance",
        version: SqlVersion = required "SQL Server version" =>
            "the SQL Server release, for example `SQL Server 2012 SP4`",
        edition: SqlEdition = required "Edition" =>
            "the SQL Server edition: Standard or Enterprise (Express on a Standard Edition server)",
        mirror: SqlRef = optional "Mirror" =>
            "on the principal's row, the mirror as `fqdn\\instance` (the FQDN alone for a default instance); blank when not mirrored",
        mirror_port: Port = optional "Mirroring port" =>
            "the mirroring endpoint's TCP port (5022 by default)",
        witness: SqlRef = optional "Witness" =>
            "the mirroring witness as `fqdn\\instance`; blank when there is none",
        witness_port: Port = optional "Witness port" => "the witness's TCP port (7022 by default)",
        notes: Text = optional "Notes" => NOTES,
    }

    /// Each certificate, and how it is recovered.
    Certificates = "certificates", certificates: CertificateRow, CertificateColumns {
        server: Fqdn = required "Server FQDN" =>
            "the fully qualified domain name of the server the certificate is assigned to",
        certificate: Text = required "Certificate" =>
            "the certificate's use (Default, WebServicesExternal, OAuthTokenIssuer, AccessEdgeExternal...)",
        thumbprint: Text = optional "Thumbprint" => "the certificate's thumbprint",
        expires: Date = required "Expires" => "the certificate's expiry date as YYYY-MM-DD",
        exportable: YesNo = required "Private key exportable" =>
            "`yes` when the private key can be exported with the certificate, else `no`",
        location: Text = required "Backup location" =>
            "where the exported certificate with its private key (.pfx) is kept",
        reenroll: YesNo = required "Re-enroll from internal CA" =>
            "`yes` when an internal certification authority can issue the certificate again, else `no`",
        notes: Text = optional "Notes" => NOTES,
    }

    /// Each backup run, and where it was written.
    BackupRuns = "backup-runs", backup_runs: BackupRunRow, BackupRunColumns {
        date: Date = required "Date" => "the date of the backup run as YYYY-MM-DD",
        share: Text = required "Backup share" =>
            "the `\\\\host\\share\\folder` the run was written to",
        notes: Text = optional "Notes" => NOTES,
    }

    /// The files of a backup share, as `Get-ChildItem -Recurse -File | Select-Object FullName,
    /// Length, LastWriteTimeUtc | Export-Csv` lists them (any other column is ignored): what the
    /// evidence rules read when the share cannot be reached. Not written by `worksheet init`.
    BackupListing = "backup-listing", backup_listing: BackupListingRow, BackupListingColumns {
        /// The file's UNC path (checked once the file is read: [`super::listing`]).
        full_name: Text = required "FullName" =>
            "the file's full path on the share, `\\\\host\\share\\folder\\file`",
        length: Size = required "Length" => "the file's size in bytes",
        /// Settled once the file is read ([`super::listing`]): every value read is then known.
        written: WriteTime = required "LastWriteTimeUtc" | "LastWriteTime" =>
            "when the file was last written, in UTC (`LastWriteTimeUtc`) or the share's local time (`LastWriteTime`)",
    }

    /// Each Front End pool and its backup pool, one row per direction, as
    /// `Get-CsPoolBackupRelationship` reports it.
    PoolPairs = "pool-pairs", pool_pairs: PoolPairRow, PoolPairColumns {
        pool: Fqdn = required "Pool FQDN" =>
            "the FQDN of a Front End pool (or Standard Edition server), as the topology names it",
        /// Blank means the pool is not paired.
        backup: Fqdn = required "Backup pool FQDN" =>
            "the FQDN of the pool's backup pool, as Get-CsPoolBackupRelationship -PoolFqdn reports it; blank when the pool is not paired",
        notes: Text = optional "Notes" => NOTES,
    }
}

/// One worksheet file, read.
#[derive(Clone, Debug)]
pub struct Worksheet {
    pub file: FileId,
    pub kind: Kind,
    /// How the file is written (a CSV file's separator, and a line skipped before its header).
    pub layout: Layout,
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

impl Kind {
    /// The README's table of the kinds and their columns: `| kind | required columns |
    /// optional columns |`, an alias written `Header (or Alias)`.
    #[must_use]
    pub fn markdown_table() -> String {
        let columns = |kind: Self, required: bool| {
            kind.columns()
                .iter()
                .filter(|c| c.required == required)
                .map(|c| {
                    let mut text = c.header.to_string();
                    for alias in c.aliases {
                        text.push_str(&format!(" (or {alias})"));
                    }
                    text
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut table =
            String::from("| kind | required columns | optional columns |\n|---|---|---|\n");
        for kind in Self::ALL {
            table.push_str(&format!(
                "| `{}` | {} | {} |\n",
                kind.name(),
                columns(kind, true),
                columns(kind, false)
            ));
        }
        table
    }
}
