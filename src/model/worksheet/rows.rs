//! What the rows of each worksheet kind say of themselves: the subject a finding names them
//! by, the instance and mirror an `sql-instances` row records, and the same of a deployment's
//! rows together.

use std::collections::BTreeMap;

use super::column::Typed;
use super::kinds::{
    BackupRunRow, CertificateRow, DatabaseRow, FileStoreRow, Kind, SettingsRow, Sheets,
    SqlInstanceRow,
};
use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::table::Cell;
use crate::input::text::shown;
use crate::model::Fqdn;
use crate::model::values::{Db, SqlRef, Unc};

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
    /// The databases the `Database` cell names (none when it is blank or names none).
    #[must_use]
    pub fn databases(&self) -> &[Db] {
        self.database.value.as_deref().unwrap_or(&[])
    }

    /// What the row is about, as findings name it: `db@server[\instance]`
    /// (`rtcxds@sql01.contoso.com\rtc`). Several databases in one cell are joined with `+`.
    #[must_use]
    pub fn subject(&self) -> String {
        database_subject(
            self.databases(),
            &self.database.cell,
            &self.server,
            Some(&self.instance),
        )
    }

    /// The databases the `Database` cell names, joined with `+` (`lcscdr+qoemetrics`); the
    /// cell's text in lower case when it names none.
    #[must_use]
    pub fn database_names(&self) -> String {
        database_names(self.databases(), &self.database.cell)
    }
}

impl SettingsRow {
    /// The configurations the `Database` cell names (none when it is blank or names none).
    #[must_use]
    pub fn databases(&self) -> &[Db] {
        self.database.value.as_deref().unwrap_or(&[])
    }

    /// What the row is about, as findings name it: `db@server` (`xds@sql01.contoso.com`).
    #[must_use]
    pub fn subject(&self) -> String {
        database_subject(self.databases(), &self.database.cell, &self.server, None)
    }

    /// The databases the `Database` cell names, joined with `+` (`xds+lis`); the cell's text
    /// in lower case when it names none.
    #[must_use]
    pub fn database_names(&self) -> String {
        database_names(self.databases(), &self.database.cell)
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

impl Sheets {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::worksheet::Rows;
    use crate::model::worksheet::read::{Read, lower};

    fn read(text: &str) -> super::super::Worksheet {
        match lower(crate::input::csv::parse(text), FileId(0)) {
            Read::Worksheet(sheet, _) => *sheet,
            Read::Unrecognized { .. } => panic!("not recognised"),
        }
    }

    #[test]
    fn database_subjects_leave_out_what_is_blank() {
        let sheet = read(
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
        let sheet = read(
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
        let mut sheet = read(
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
        let sheet = read(
            "Server FQDN,Certificate,Expires,Private key exportable,Backup location,Re-enroll from internal CA\n\
             FE01,Default (Server),2027-01-01,yes,x,no\n",
        );
        let Rows::Certificates(rows) = &sheet.rows else {
            panic!("certificates")
        };
        assert_eq!(rows[0].subject(), "fe01/default (server)");
        let sheet = read("Date,Backup share\n2026-11-20,x\n,y\n");
        let Rows::BackupRuns(rows) = &sheet.rows else {
            panic!("backup runs")
        };
        let subjects: Vec<String> = rows.iter().map(BackupRunRow::subject).collect();
        assert_eq!(subjects, ["backup-run 2026-11-20", "backup-run undated"]);
    }
}
