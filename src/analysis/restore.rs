//! What a restore needs, read from a topology: the servers to rebuild, the stores to back up,
//! and how worksheet rows are matched to them.
//!
//! The readiness rules and `worksheet init` share these answers, so a template written by
//! `worksheet init` holds exactly the rows the rules look for.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use crate::input::source::FileId;
use crate::input::span::{Span, Spanned};
use crate::model::Fqdn;
use crate::model::ids;
use crate::model::topology::{Host, HostRef, PoolRole, Topology};
use crate::model::values::{Db, SqlRef, Unc};
use crate::model::worksheet::{
    Column, DatabaseRow, SettingsRow, SheetRow, Sheets, SqlInstanceRow, Typed,
};
use crate::model::{PoolId, SqlId};

/// Roles whose machines must be rebuilt with the same FQDN after a failure (RS301, RS306):
/// everything that runs a Lync/Skype for Business role or holds its SQL or file stores. Office
/// Web Apps servers, PSTN gateways and third-party trusted applications are not included. Every
/// SQL server of the topology is rebuilt too, whether or not a store is installed on it: a
/// mirror or a witness holds none.
const REBUILT_ROLES: &[PoolRole] = &[
    PoolRole::FrontEnd,
    PoolRole::Director,
    PoolRole::Edge,
    PoolRole::Mediation,
    PoolRole::PersistentChat,
    PoolRole::SqlStore,
    PoolRole::FileStore,
    PoolRole::VideoInterop,
    PoolRole::Archiving,
    PoolRole::Monitoring,
    PoolRole::CentralManagement,
];

/// Roles whose servers hold certificates a restore must bring back (RS303).
const CERTIFICATE_ROLES: &[PoolRole] = &[
    PoolRole::FrontEnd,
    PoolRole::Director,
    PoolRole::Edge,
    PoolRole::Mediation,
    PoolRole::PersistentChat,
];

/// A machine that a restore would rebuild.
#[derive(Clone, Debug)]
pub struct Server {
    /// The machine's FQDN where the topology writes it (the cluster's when it has none).
    pub fqdn: Spanned<Fqdn>,
    pub pool: PoolId,
    pub roles: Vec<PoolRole>,
}

impl Server {
    /// Whether the server needs certificates (RS303).
    #[must_use]
    pub fn needs_certificates(&self) -> bool {
        self.roles.iter().any(|r| CERTIFICATE_ROLES.contains(r))
    }

    /// Whether the server is an Edge Server (outside the domain, as a rule).
    #[must_use]
    pub fn is_edge(&self) -> bool {
        self.roles.contains(&PoolRole::Edge)
    }

    /// The roles in words (`Front End, Mediation`); `SQL Server` for a SQL server whose
    /// instances hold no store of the topology (a mirror or a witness, as a rule).
    #[must_use]
    pub fn role_labels(&self) -> String {
        if self.roles.is_empty() {
            return "SQL Server".to_string();
        }
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every machine a restore would rebuild, by FQDN (each once, first declaration kept).
///
/// Several rules ask: [`crate::analysis::facts::Facts::servers`] works it out once per
/// deployment.
#[must_use]
pub fn servers(t: &Topology) -> Vec<Server> {
    let mut out: Vec<Server> = Vec::new();
    for (p, pool) in ids::enumerate(&t.pools) {
        let roles: Vec<PoolRole> = t
            .pool_roles(p)
            .into_iter()
            .filter(|r| REBUILT_ROLES.contains(r))
            .collect();
        let sql_server = t
            .index
            .pool_sql
            .get(p.index())
            .is_some_and(|s| !s.is_empty());
        if roles.is_empty() && !sql_server {
            continue;
        }
        for machine in &pool.machines {
            let Some(fqdn) = machine.fqdn.as_ref().or(pool.fqdn.as_ref()) else {
                continue;
            };
            if fqdn.value.is_placeholder() {
                continue;
            }
            out.push(Server {
                fqdn: fqdn.clone(),
                pool: p,
                roles: roles.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.fqdn.value.cmp(&b.fqdn.value));
    out.dedup_by(|b, a| a.fqdn.value == b.fqdn.value);
    out
}

/// Which partner of a mirrored pair a cell of the `sql-instances` worksheet names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Partner {
    Mirror,
    Witness,
}

impl Partner {
    /// `mirror` or `witness`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Mirror => "mirror",
            Self::Witness => "witness",
        }
    }

    /// The worksheet column that names it.
    #[must_use]
    pub fn column(self) -> &'static Column {
        match self {
            Self::Mirror => &SqlInstanceRow::COLUMNS.mirror,
            Self::Witness => &SqlInstanceRow::COLUMNS.witness,
        }
    }
}

/// A mirror or witness instance named in a `Mirror` or `Witness` cell.
#[derive(Clone, Copy, Debug)]
pub struct PartnerCell<'s> {
    pub partner: Partner,
    /// The instance the cell names.
    pub sql: &'s SqlRef,
    /// The row: its own instance is the principal the partner serves.
    pub row: &'s SqlInstanceRow,
}

impl PartnerCell<'_> {
    /// The cell.
    #[must_use]
    pub fn cell(&self) -> &Typed<SqlRef> {
        match self.partner {
            Partner::Mirror => &self.row.mirror,
            Partner::Witness => &self.row.witness,
        }
    }

    /// What it is, in words: `mirror of sql01.contoso.com\rtc`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "{} of {}",
            self.partner.label(),
            crate::input::text::shown(&self.row.subject())
        )
    }
}

/// Every readable `Mirror` and `Witness` cell of the `sql-instances` worksheet whose server
/// holds no template placeholder, in worksheet order (the mirror before the witness of a row).
pub fn partner_cells(sheets: &Sheets) -> impl Iterator<Item = PartnerCell<'_>> {
    sheets.sql_instances.iter().flat_map(|row| {
        [
            (Partner::Mirror, row.mirror.value.as_ref()),
            (Partner::Witness, row.witness.value.as_ref()),
        ]
        .into_iter()
        .filter_map(move |(partner, sql)| {
            let sql = sql.filter(|s| !s.server.is_placeholder())?;
            Some(PartnerCell { partner, sql, row })
        })
    })
}

/// A mirrored pair with a witness, as a row of the `sql-instances` worksheet records it.
#[derive(Clone, Copy, Debug)]
pub struct Witnessed<'s> {
    pub row: &'s SqlInstanceRow,
    pub mirror: &'s SqlRef,
    pub witness: &'s SqlRef,
}

/// Every mirrored pair with a witness, in worksheet order, with the principal (the row's own
/// instance); pairs whose principal, mirror or witness server holds a template placeholder are
/// left out (facts built from placeholders are not trusted).
pub fn witnessed(sheets: &Sheets) -> impl Iterator<Item = (SqlRef, Witnessed<'_>)> {
    sheets.mirrored().filter_map(|(row, principal, mirror)| {
        let witness = row.witness.value.as_ref()?;
        let placeholder = [&principal.server, &mirror.server, &witness.server]
            .iter()
            .any(|f| f.is_placeholder());
        (!placeholder).then_some((
            principal,
            Witnessed {
                row,
                mirror,
                witness,
            },
        ))
    })
}

/// The name a host written in a worksheet has in the topology: the topology's FQDN when the
/// host names exactly one name of it (a single-label host may name several), else the host as
/// written.
#[must_use]
pub fn topology_name(t: &Topology, host: &Fqdn) -> Fqdn {
    let found = find_host(t, host);
    match found.split_first() {
        Some(((first, _), rest)) if rest.iter().all(|(name, _)| name == first) => (*first).clone(),
        _ => host.clone(),
    }
}

/// A server a restore would rebuild, as RS301 and RS306 check them: a machine of the topology,
/// or a mirror or witness that only the `sql-instances` worksheet names.
#[derive(Clone, Debug)]
pub enum Rebuilt<'a> {
    Topology(&'a Server),
    /// A host named in a `Mirror` or `Witness` cell that is no server of the topology, with the
    /// first cell naming it, and whether the topology declares the name at all (as an Office
    /// Web Apps server, say).
    Named {
        fqdn: Fqdn,
        cell: PartnerCell<'a>,
        in_topology: bool,
    },
}

impl Rebuilt<'_> {
    #[must_use]
    pub fn fqdn(&self) -> &Fqdn {
        match self {
            Self::Topology(server) => &server.fqdn.value,
            Self::Named { fqdn, .. } => fqdn,
        }
    }

    /// What it is, in words: its roles (`Front End, Mediation`), or `mirror of
    /// sql01.contoso.com\rtc`.
    #[must_use]
    pub fn roles(&self) -> String {
        match self {
            Self::Topology(server) => server.role_labels(),
            Self::Named { cell, .. } => cell.describe(),
        }
    }

    /// Whether it is an Edge Server (outside the domain, as a rule).
    #[must_use]
    pub fn is_edge(&self) -> bool {
        matches!(self, Self::Topology(server) if server.is_edge())
    }

    /// Where it is declared, with a label saying what it is there: its FQDN in the topology, or
    /// the cell that names it.
    #[must_use]
    pub fn declared(&self, t: &Topology) -> (FileId, Span, String) {
        match self {
            Self::Topology(server) => (
                t.file,
                server.fqdn.span,
                format!(
                    "{} machine of {}",
                    server.role_labels(),
                    t.pool_name(server.pool)
                ),
            ),
            Self::Named {
                cell, in_topology, ..
            } => (
                cell.row.at.file,
                cell.cell().span(),
                if *in_topology {
                    format!("{}, named here", cell.describe())
                } else {
                    format!("{}, not declared in the topology", cell.describe())
                },
            ),
        }
    }

    /// The rows of a worksheet about this server. A host named only in a worksheet is matched
    /// both ways, as two worksheet cells would be: `sql05` finds the row of
    /// `sql05.contoso.com` too.
    #[must_use]
    pub fn rows<'r, R: SheetRow>(&self, index: &RowsByHost<'r, R>) -> Vec<&'r R> {
        match self {
            Self::Topology(server) => index.rows_for(&server.fqdn.value),
            Self::Named { fqdn, .. } => index.rows_naming(fqdn),
        }
    }
}

/// Every server a restore would rebuild (`known`, as [`servers`] gives them), then every mirror
/// or witness host the `sql-instances` worksheet names that is no server of the topology (each
/// once, at the first cell naming it), sorted by FQDN.
#[must_use]
pub fn rebuilt<'a>(t: &'a Topology, known: &'a [Server], sheets: &'a Sheets) -> Vec<Rebuilt<'a>> {
    let is_server = |fqdn: &Fqdn| known.binary_search_by(|s| s.fqdn.value.cmp(fqdn)).is_ok();
    let mut out: Vec<Rebuilt<'a>> = known.iter().map(Rebuilt::Topology).collect();
    let mut named: BTreeSet<Fqdn> = BTreeSet::new();
    for cell in partner_cells(sheets) {
        let host = &cell.sql.server;
        let found = find_host(t, host);
        if found.iter().any(|(name, _)| is_server(name)) {
            continue;
        }
        let fqdn = topology_name(t, host);
        if named.insert(fqdn.clone()) {
            out.push(Rebuilt::Named {
                fqdn,
                cell,
                in_topology: !found.is_empty(),
            });
        }
    }
    out.sort_by(|a, b| a.fqdn().cmp(b.fqdn()));
    out
}

/// A user store: a Front End pool or Standard Edition server and the SQL instance of its user
/// data (rtcxds).
#[derive(Clone, Copy, Debug)]
pub struct UserStore {
    pub pool: PoolId,
    /// The SQL instance holding the pool's `UserStore`, if the topology says.
    pub sql: Option<SqlId>,
}

/// Every pool running the Front End role (`UserServices`), with its user store.
#[must_use]
pub fn user_stores(t: &Topology) -> Vec<UserStore> {
    let mut out = Vec::new();
    for (p, pool) in ids::enumerate(&t.pools) {
        if pool.fqdn.is_none() || !t.pool_runs(p, "UserServices") {
            continue;
        }
        let sql = t
            .services_on_pool(p)
            .filter(|s| s.role.value == "UserServices")
            .flat_map(|s| s.depends_on.iter())
            .filter_map(|&d| t.services.get(d.index()))
            .filter(|d| d.role.value == "UserStore")
            .find_map(|d| match d.installed_on {
                Some(Host::Sql(sql)) => Some(sql),
                _ => None,
            });
        out.push(UserStore { pool: p, sql });
    }
    out
}

/// The SQL instances holding a store role (`ArchivingStore`...), each once, in document order.
#[must_use]
pub fn instances_with(t: &Topology, store_role: &str) -> Vec<SqlId> {
    t.sql_ids()
        .filter(|&i| t.services_on_sql(i).any(|s| s.role.value == store_role))
        .filter(|&i| t.sql_server(i).is_some())
        .collect()
}

/// The instance `sql` of the topology as worksheets name it (`fqdn\instance`), when its server
/// is known: the form in which a topology's instance is compared with a worksheet's, or with
/// another topology's.
#[must_use]
pub fn sql_ref(t: &Topology, sql: SqlId) -> Option<SqlRef> {
    Some(SqlRef::new(
        t.sql_server(sql)?.value.clone(),
        &t.sql_instances[sql].name.value,
    ))
}

/// Every SQL instance of the topology whose server is known, store or not, in document order.
#[must_use]
pub fn instances(t: &Topology) -> Vec<SqlId> {
    t.sql_ids().filter(|&i| t.sql_server(i).is_some()).collect()
}

/// The SQL instances that hold at least one store, in document order.
#[must_use]
pub fn instances_in_use(t: &Topology) -> Vec<SqlId> {
    t.sql_ids()
        .filter(|&i| t.services_on_sql(i).next().is_some())
        .filter(|&i| t.sql_server(i).is_some())
        .collect()
}

/// Pools running the Application server, whose Response Group configuration is exported per
/// pool (BK206).
#[must_use]
pub fn response_group_pools(t: &Topology) -> Vec<PoolId> {
    t.pool_ids()
        .filter(|&p| t.pools[p].fqdn.is_some() && t.pool_runs(p, "ApplicationServer"))
        .collect()
}

/// Whether a `database` row backs up database `db` of SQL instance `sql`, or (for rtcxds) of the
/// pool `pool`: it names the database and the instance's server (or the pool), and its
/// `SQL instance` cell is blank or names the same instance.
#[must_use]
pub fn database_row_covers(
    t: &Topology,
    row: &DatabaseRow,
    db: Db,
    sql: Option<SqlId>,
    pool: Option<PoolId>,
) -> bool {
    if !row.databases().contains(&db) {
        return false;
    }
    let Some(server) = &row.server.value else {
        return false;
    };
    let on_sql = sql.is_some_and(|s| {
        let same_server = t
            .sql_server(s)
            .is_some_and(|f| f.value.matches_host(server));
        let same_instance = match &row.instance.value {
            Some(name) => sql_ref(t, s).is_some_and(|r| r.instance == *name),
            None => true,
        };
        same_server && same_instance
    });
    let on_pool = db == Db::Rtcxds
        && pool.is_some_and(|p| {
            t.pools[p]
                .fqdn
                .as_ref()
                .is_some_and(|f| f.value.matches_host(server))
        });
    on_sql || on_pool
}

/// Whether a `settings` row exports database `db` from the server `host` (a SQL server or pool).
#[must_use]
pub fn settings_row_covers(row: &SettingsRow, db: Db, host: &Fqdn) -> bool {
    row.databases().contains(&db)
        && row
            .server
            .value
            .as_ref()
            .is_some_and(|s| host.matches_host(s))
}

/// The pools and machines a host written in a worksheet or UNC path names: its FQDN, or for a
/// single-label host, every name whose first label it is.
#[must_use]
pub fn find_host<'t>(t: &'t Topology, host: &Fqdn) -> Vec<(&'t Fqdn, HostRef)> {
    if let Some((name, refs)) = t.hosts.get_key_value(host) {
        return refs.iter().map(|r| (name, *r)).collect();
    }
    if !host.is_single_label() {
        return Vec::new();
    }
    // The names whose first label is `host` are those starting with `host.`: one range of the
    // sorted names (`/` follows `.`), found without looking at the others.
    let from = format!("{host}.");
    let to = format!("{host}/");
    t.hosts
        .range::<str, _>((Bound::Included(from.as_str()), Bound::Excluded(to.as_str())))
        .flat_map(|(name, refs)| refs.iter().map(move |r| (name, *r)))
        .collect()
}

/// Sorts rows by file, then position.
fn in_worksheet_order<R: SheetRow>(rows: &mut [&R]) {
    let key = |r: &&R| {
        let at = r.at();
        (at.file, at.span.start)
    };
    if !rows.is_sorted_by_key(key) {
        rows.sort_by_key(key);
    }
}

/// The span of the FQDN attribute of a pool or machine.
#[must_use]
pub fn host_span(t: &Topology, host: HostRef) -> Option<Span> {
    match host {
        HostRef::Pool(p) => t.pools[p].fqdn.as_ref().map(|f| f.span),
        HostRef::Machine(p, m) => t.pools[p].machines[m]
            .fqdn
            .as_ref()
            .or(t.pools[p].fqdn.as_ref())
            .map(|f| f.span),
    }
}

/// A UNC path whose host is a pool or machine of the topology: the host's name and where it is
/// declared.
#[must_use]
pub fn unc_in_topology<'t>(t: &'t Topology, unc: &Unc) -> Option<(&'t Fqdn, HostRef)> {
    find_host(t, &unc.host).into_iter().next()
}

/// Worksheet rows indexed by the host they name, to find the rows about a topology host as
/// [`Fqdn::matches_host`] decides: written with its FQDN, or with a single-label host equal to
/// its first label.
#[derive(Debug)]
pub struct RowsByHost<'r, R> {
    /// Rows by their host as written (normalised).
    by_host: BTreeMap<&'r str, Vec<&'r R>>,
    /// Rows whose host has a domain, by its first label.
    by_label: BTreeMap<&'r str, Vec<&'r R>>,
}

impl<'r, R: SheetRow> RowsByHost<'r, R> {
    /// Indexes `rows` by the host `host` reads from each; rows without one are left out.
    pub fn new(rows: impl IntoIterator<Item = &'r R>, host: impl Fn(&R) -> Option<&Fqdn>) -> Self {
        let mut by_host: BTreeMap<&'r str, Vec<&'r R>> = BTreeMap::new();
        let mut by_label: BTreeMap<&'r str, Vec<&'r R>> = BTreeMap::new();
        for row in rows {
            if let Some(name) = host(row) {
                by_host.entry(name.as_str()).or_default().push(row);
                if name.domain().is_some() {
                    by_label.entry(name.first_label()).or_default().push(row);
                }
            }
        }
        Self { by_host, by_label }
    }

    /// The rows whose host names `fqdn`: the same FQDN, or a single-label host equal to its
    /// first label, in worksheet order (by file, then position).
    #[must_use]
    pub fn rows_for(&self, fqdn: &Fqdn) -> Vec<&'r R> {
        let mut rows: Vec<&'r R> = self.by_host.get(fqdn.as_str()).cloned().unwrap_or_default();
        let label = fqdn.first_label();
        // A label that is the whole name was looked up above; an empty one names no host.
        if !label.is_empty()
            && label != fqdn.as_str()
            && let Some(more) = self.by_host.get(label)
        {
            rows.extend(more.iter().copied());
        }
        in_worksheet_order(&mut rows);
        rows
    }

    /// The rows naming the same server as `host`, itself written in a worksheet: as
    /// [`RowsByHost::rows_for`], and when `host` is a single label, also the rows whose FQDN
    /// starts with it.
    #[must_use]
    pub fn rows_naming(&self, host: &Fqdn) -> Vec<&'r R> {
        let mut rows = self.rows_for(host);
        if host.is_single_label()
            && let Some(more) = self.by_label.get(host.as_str())
        {
            rows.extend(more.iter().copied());
            in_worksheet_order(&mut rows);
        }
        rows
    }

    /// Whether no row names a host.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_host.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::FileId;
    use crate::model::Id;
    use crate::model::values::SqlRef;
    use crate::model::values::Unc;
    use crate::model::worksheet::{self, Rows, ServerRow};
    use crate::rules::test_util::{cluster, published, service, sql};

    fn example() -> Topology {
        let text = published(
            &[
                cluster(
                    1,
                    "pool01.contoso.com",
                    &["fe01.contoso.com", "fe02.contoso.com"],
                ),
                cluster(2, "sql01.contoso.com", &["sql01.contoso.com"]),
                cluster(3, "wac01.contoso.com", &["wac01.contoso.com"]),
            ]
            .join("\n"),
            &sql(2, "rtc"),
            &[
                service("UserServices", 1, 1, None, &[("UserStore", 1)], ""),
                service("UserStore", 1, 2, Some("rtc"), &[], ""),
                service("ApplicationServer", 1, 1, None, &[], ""),
                service("WacService", 1, 3, None, &[], ""),
            ]
            .join("\n"),
        );
        crate::rules::test_util::topology(&text)
    }

    #[test]
    fn servers_leave_out_office_web_apps() {
        let t = example();
        let names: Vec<String> = servers(&t)
            .iter()
            .map(|s| s.fqdn.value.to_string())
            .collect();
        assert_eq!(
            names,
            vec!["fe01.contoso.com", "fe02.contoso.com", "sql01.contoso.com"]
        );
        assert!(servers(&t)[0].needs_certificates());
        assert!(!servers(&t)[2].needs_certificates());
    }

    #[test]
    fn user_stores_follow_the_dependency_to_the_sql_instance() {
        let t = example();
        let stores = user_stores(&t);
        assert_eq!(stores.len(), 1);
        assert_eq!(
            stores[0].sql.map(|s| t.sql_display(s)).as_deref(),
            Some("sql01.contoso.com\\rtc")
        );
        assert_eq!(response_group_pools(&t), vec![PoolId::new(0)]);
        assert_eq!(instances_in_use(&t), vec![SqlId::new(0)]);
    }

    #[test]
    fn hosts_match_by_fqdn_or_first_label() {
        let t = example();
        assert_eq!(find_host(&t, &Fqdn::new("FE01")).len(), 1);
        assert_eq!(find_host(&t, &Fqdn::new("fe01.fabrikam.com")).len(), 0);
        // A label is a whole label: `fe0` is not `fe01`'s, and `sql01` names the SQL server's
        // cluster and its machine.
        assert!(find_host(&t, &Fqdn::new("fe0")).is_empty());
        assert!(find_host(&t, &Fqdn::new("pool01.contoso")).is_empty());
        let sql01: Vec<String> = find_host(&t, &Fqdn::new("SQL01"))
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        assert_eq!(sql01, ["sql01.contoso.com", "sql01.contoso.com"]);
        let unc = Unc::parse(r"\\SQL01.contoso.com\backup").expect("unc");
        assert!(unc_in_topology(&t, &unc).is_some());
    }

    /// The `servers` rows of a worksheet text, as file `file`.
    fn server_rows(text: &str, file: u32) -> Vec<ServerRow> {
        let header = "Server FQDN,Role,Replacement server,Computer account retained\n";
        match worksheet::lower(
            crate::input::csv::parse(&format!("{header}{text}")),
            FileId(file),
        ) {
            worksheet::Read::Worksheet(sheet, _) => match sheet.rows {
                Rows::Servers(rows) => rows,
                other => panic!("not servers: {other:?}"),
            },
            worksheet::Read::Unrecognized { .. } => panic!("not recognised"),
        }
    }

    fn hosts(rows: &[&ServerRow]) -> Vec<String> {
        rows.iter().map(|r| r.server.cell.text.clone()).collect()
    }

    #[test]
    fn rows_by_host_match_the_fqdn_or_its_first_label_in_worksheet_order() {
        let later = server_rows("FE01,FE,ready,yes\n", 1);
        let first = server_rows(
            "fe01.contoso.com,FE,ready,yes\n\
             fe01.fabrikam.com,FE,ready,yes\n\
             fe02.contoso.com,FE,ready,yes\n\
             fe01,FE,none,yes\n\
             ,FE,ready,yes\n",
            0,
        );
        // Given out of order: the answer is still by file, then position.
        let index = RowsByHost::new(later.iter().chain(&first), |r| r.server.value.as_ref());
        assert!(!index.is_empty());
        assert_eq!(
            hosts(&index.rows_for(&Fqdn::new("FE01.contoso.com"))),
            ["fe01.contoso.com", "fe01", "FE01"]
        );
        assert_eq!(
            hosts(&index.rows_for(&Fqdn::new("fe01.fabrikam.com"))),
            ["fe01.fabrikam.com", "fe01", "FE01"]
        );
        // A single-label name is only found as written.
        assert_eq!(hosts(&index.rows_for(&Fqdn::new("fe01"))), ["fe01", "FE01"]);
        assert!(index.rows_for(&Fqdn::new("fe03.contoso.com")).is_empty());
    }

    #[test]
    fn rows_without_a_host_are_not_indexed() {
        let rows = server_rows(",FE,ready,yes\n", 0);
        let index = RowsByHost::new(&rows, |r| r.server.value.as_ref());
        assert!(index.is_empty());
        assert!(index.rows_for(&Fqdn::new("fe01.contoso.com")).is_empty());
    }

    #[test]
    fn a_literal_mssqlserver_is_the_default_instance() {
        let text = published(
            &[
                cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
                cluster(2, "sql01.contoso.com", &["sql01.contoso.com"]),
            ]
            .join("\n"),
            &sql(2, "MSSQLSERVER"),
            &[
                service("UserServices", 1, 1, None, &[("UserStore", 1)], ""),
                service("UserStore", 1, 2, Some("MSSQLSERVER"), &[], ""),
            ]
            .join("\n"),
        );
        let t = crate::rules::test_util::topology(&text);
        let r = sql_ref(&t, SqlId::new(0)).expect("server known");
        assert_eq!(r, SqlRef::parse("SQL01.contoso.com").expect("ref"));
        assert_eq!(r.to_string(), "sql01.contoso.com");
        let header = "Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination\n";
        let rows = |instance: &str| match worksheet::lower(
            crate::input::csv::parse(&format!(
                "{header}rtcxds,sql01.contoso.com,{instance},daily,SSMS,x\n"
            )),
            FileId(1),
        ) {
            worksheet::Read::Worksheet(sheet, _) => match sheet.rows {
                Rows::Database(rows) => rows,
                other => panic!("not database rows: {other:?}"),
            },
            worksheet::Read::Unrecognized { .. } => panic!("not recognised"),
        };
        for default in ["(default)", "MSSQLSERVER", ""] {
            let row = &rows(default)[0];
            assert!(
                database_row_covers(&t, row, Db::Rtcxds, Some(SqlId::new(0)), None),
                "{default:?}"
            );
        }
        assert!(!database_row_covers(
            &t,
            &rows("rtc")[0],
            Db::Rtcxds,
            Some(SqlId::new(0)),
            None
        ));
    }

    #[test]
    fn rows_naming_a_worksheet_host_match_either_way() {
        let rows = server_rows(
            "sql05.contoso.com,SQL,ready,yes\n\
             sql05.fabrikam.com,SQL,ready,yes\n\
             SQL05,SQL,ready,yes\n\
             sql06.contoso.com,SQL,ready,yes\n",
            0,
        );
        let index = RowsByHost::new(&rows, |r| r.server.value.as_ref());
        assert_eq!(
            hosts(&index.rows_naming(&Fqdn::new("sql05"))),
            ["sql05.contoso.com", "sql05.fabrikam.com", "SQL05"]
        );
        assert_eq!(
            hosts(&index.rows_naming(&Fqdn::new("sql05.contoso.com"))),
            ["sql05.contoso.com", "SQL05"]
        );
        // A topology name keeps the one-way match.
        assert_eq!(hosts(&index.rows_for(&Fqdn::new("sql05"))), ["SQL05"]);
    }
}
