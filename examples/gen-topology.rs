//! Writes a large synthetic deployment for benchmarks: a published topology and its seven
//! worksheets, filled in so that `topolint check DIR --as-of DATE` finds it ready.
//!
//! ```text
//! cargo run --release --example gen-topology -- --pools 20000 --out big
//! topolint check big --as-of 2026-11-21
//! ```
//!
//! Each unit is an Enterprise Edition Front End pool of 8 machines with its own SQL Server back
//! end (instance `rtc`) and file server; 50 units make a central site, which also has a
//! two-machine Edge pool. The first pool hosts the Central Management Server. At 20,000 pools
//! the topology is about 130 MB. The output depends only on the arguments.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use topolint::model::date::Date;

#[derive(Parser, Debug)]
#[command(about = "Write a synthetic topology and its worksheets")]
struct Args {
    /// Number of Front End pools (each with a SQL back end and a file server).
    #[arg(long, default_value_t = 2000)]
    pools: usize,
    /// Front End pools per site.
    #[arg(long, default_value_t = 50)]
    pools_per_site: usize,
    /// Machines per Front End pool.
    #[arg(long, default_value_t = 8)]
    machines: usize,
    /// The date the worksheets are current for (last backups the day before).
    #[arg(long, default_value = "2026-11-21")]
    as_of: String,
    /// Record each pool's Back End as mirrored to the next pool's, with the one after that as
    /// witness (the `sql-instances` worksheet), for the HTML report's mirror links.
    #[arg(long)]
    mirrored: bool,
    /// Output directory (created; existing files are overwritten).
    #[arg(long)]
    out: PathBuf,
}

const DOMAIN: &str = "contoso.com";
const ROLES_NS: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
const BACKUP: &str = r"\\backup01.contoso.com\lync";

/// Where one Front End pool sits: site, and the cluster numbers of the pool's three clusters.
#[derive(Clone, Copy)]
struct Unit {
    /// 0-based, over the whole topology.
    index: usize,
    site: usize,
    /// 1-based within the site.
    instance: usize,
}

impl Unit {
    fn fe_cluster(self) -> usize {
        3 * (self.instance - 1) + 1
    }
    fn sql_cluster(self) -> usize {
        self.fe_cluster() + 1
    }
    fn fs_cluster(self) -> usize {
        self.fe_cluster() + 2
    }
    fn pool(self) -> String {
        format!("pool{:05}.{DOMAIN}", self.index + 1)
    }
    fn machine(self, m: usize) -> String {
        format!("fe{:05}-{m}.{DOMAIN}", self.index + 1)
    }
    fn sql(self) -> String {
        format!("sql{:05}.{DOMAIN}", self.index + 1)
    }
    fn fs(self) -> String {
        format!("fs{:05}.{DOMAIN}", self.index + 1)
    }
}

struct Plan {
    units: Vec<Unit>,
    sites: usize,
    per_site: usize,
    machines: usize,
}

impl Plan {
    fn new(pools: usize, per_site: usize, machines: usize) -> Self {
        let per_site = per_site.max(1);
        let units = (0..pools)
            .map(|index| Unit {
                index,
                site: index / per_site + 1,
                instance: index % per_site + 1,
            })
            .collect();
        Self {
            units,
            sites: pools.div_ceil(per_site),
            per_site,
            machines: machines.max(1),
        }
    }

    /// The Edge pool's cluster number in a site (after the last unit's clusters).
    fn edge_cluster(&self, site: usize) -> usize {
        let before = (site - 1) * self.per_site;
        let in_site = self.units.len().saturating_sub(before).min(self.per_site);
        3 * in_site + 1
    }
}

fn edge_pool(site: usize) -> String {
    format!("edge{site:03}.{DOMAIN}")
}

fn edge_machine(site: usize, m: usize) -> String {
    format!("edge{site:03}-{m}.{DOMAIN}")
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    let Some(as_of) = Date::parse(&args.as_of) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("--as-of `{}` is not a YYYY-MM-DD date", args.as_of),
        ));
    };
    let plan = Plan::new(args.pools, args.pools_per_site, args.machines);
    std::fs::create_dir_all(&args.out)?;
    let size = write_topology(&args.out.join("topology.xml"), &plan)?;
    write_worksheets(&args.out, &plan, as_of, args.mirrored)?;
    let mib = size as f64 / (1024.0 * 1024.0);
    writeln!(
        io::stderr(),
        "wrote {} ({} pools, {} sites, {mib:.1} MiB) and 7 worksheets",
        args.out.join("topology.xml").display(),
        plan.units.len(),
        plan.sites
    )?;
    Ok(())
}

fn create(path: &Path) -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 16, File::create(path)?))
}

// ---- topology -------------------------------------------------------------------------------

fn write_topology(path: &Path, plan: &Plan) -> io::Result<u64> {
    let mut w = create(path)?;
    writeln!(
        w,
        "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\" Signature=\"5e1f0c2a-9b7d-4c83-a6e4-2d8f31b07c95\">"
    )?;
    writeln!(
        w,
        "  <InternalDomains AllowAllDomains=\"false\" DefaultDomain=\"{DOMAIN}\">\n    <InternalDomain Name=\"{DOMAIN}\" Authoritative=\"false\" AllowSubDomains=\"false\" />\n  </InternalDomains>"
    )?;
    writeln!(w, "  <Sites>")?;
    for site in 1..=plan.sites {
        writeln!(
            w,
            "    <CentralSite SiteId=\"{site}\">\n      <Name>Site {site:03}</Name>\n      <Location City=\"Redmond\" State=\"WA\" CountryCode=\"US\" />\n    </CentralSite>"
        )?;
    }
    writeln!(w, "  </Sites>\n  <Clusters>")?;
    for u in &plan.units {
        clusters(&mut w, plan, *u)?;
        if is_last_in_site(plan, *u) {
            edge_cluster(&mut w, plan, u.site)?;
        }
    }
    writeln!(w, "  </Clusters>\n  <SqlInstances>")?;
    for u in &plan.units {
        writeln!(
            w,
            "    <SqlInstance>\n      <SqlInstanceId Name=\"rtc\">\n        <ClusterId SiteId=\"{}\" Number=\"{}\" />\n      </SqlInstanceId>\n    </SqlInstance>",
            u.site,
            u.sql_cluster()
        )?;
    }
    writeln!(w, "  </SqlInstances>\n  <Services>")?;
    for u in &plan.units {
        services(&mut w, *u)?;
        if is_last_in_site(plan, *u) {
            edge_services(&mut w, plan, u.site)?;
        }
    }
    writeln!(w, "  </Services>\n</Topology>")?;
    w.flush()?;
    Ok(w.get_ref().metadata()?.len())
}

fn is_last_in_site(plan: &Plan, u: Unit) -> bool {
    plan.units
        .get(u.index + 1)
        .is_none_or(|next| next.site != u.site)
}

fn cluster_open(
    w: &mut impl Write,
    fqdn: &str,
    replicated: bool,
    site: usize,
    number: usize,
) -> io::Result<()> {
    writeln!(
        w,
        "    <Cluster RequiresReplication=\"{replicated}\" RequiresSetup=\"{replicated}\" Fqdn=\"{fqdn}\">\n      <ClusterId SiteId=\"{site}\" Number=\"{number}\" />"
    )
}

fn single_machine(w: &mut impl Write, fqdn: &str, site: usize, number: usize) -> io::Result<()> {
    cluster_open(w, fqdn, false, site, number)?;
    writeln!(
        w,
        "      <Machine OrdinalInCluster=\"1\" Fqdn=\"{fqdn}\" />\n    </Cluster>"
    )
}

fn clusters(w: &mut impl Write, plan: &Plan, u: Unit) -> io::Result<()> {
    cluster_open(w, &u.pool(), true, u.site, u.fe_cluster())?;
    for m in 1..=plan.machines {
        writeln!(
            w,
            "      <Machine OrdinalInCluster=\"{m}\" Fqdn=\"{}\">\n        <NetInterface InterfaceSide=\"Primary\" InterfaceNumber=\"1\" IPAddress=\"0.0.0.0\" />\n      </Machine>",
            u.machine(m)
        )?;
    }
    writeln!(w, "    </Cluster>")?;
    single_machine(w, &u.sql(), u.site, u.sql_cluster())?;
    single_machine(w, &u.fs(), u.site, u.fs_cluster())
}

fn edge_cluster(w: &mut impl Write, plan: &Plan, site: usize) -> io::Result<()> {
    cluster_open(w, &edge_pool(site), true, site, plan.edge_cluster(site))?;
    for m in 1..=2 {
        let host = 10 + m;
        writeln!(
            w,
            "      <Machine OrdinalInCluster=\"{m}\" Fqdn=\"{}\">\n        <NetInterface InterfaceSide=\"Internal\" InterfaceNumber=\"1\" IPAddress=\"172.16.{}.{host}\" />\n        <NetInterface InterfaceSide=\"External\" InterfaceNumber=\"1\" IPAddress=\"198.51.{}.{host}\" />\n      </Machine>",
            edge_machine(site, m),
            site % 256,
            site % 256
        )?;
    }
    writeln!(w, "    </Cluster>")
}

/// A `Service` element: its id, dependencies, where it is installed, and extra child elements.
struct ServiceXml<'a> {
    role: &'a str,
    kind: Option<&'a str>,
    site: usize,
    instance: usize,
    depends: &'a [(&'a str, usize)],
    /// `(cluster number, Some(instance name))` for a store on a SQL instance.
    installed: (usize, Option<&'a str>),
    ports: &'a [&'a str],
    extra: &'a str,
}

fn service(w: &mut impl Write, s: &ServiceXml<'_>) -> io::Result<()> {
    let site = s.site;
    match s.kind {
        Some(kind) => writeln!(
            w,
            "    <Service RoleVersion=\"1\" ServiceVersion=\"6\" Type=\"Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.{kind}\">"
        )?,
        None => writeln!(w, "    <Service RoleVersion=\"1\" ServiceVersion=\"6\">")?,
    }
    writeln!(
        w,
        "      <ServiceId SiteId=\"{site}\" RoleName=\"{}\" Instance=\"{}\" />",
        s.role, s.instance
    )?;
    if s.depends.is_empty() {
        writeln!(w, "      <DependsOn />")?;
    } else {
        writeln!(w, "      <DependsOn>")?;
        for (role, instance) in s.depends {
            writeln!(
                w,
                "        <Dependency Usage=\"Default\">\n          <ServiceId SiteId=\"{site}\" RoleName=\"{role}\" Instance=\"{instance}\" />\n        </Dependency>"
            )?;
        }
        writeln!(w, "      </DependsOn>")?;
    }
    match s.installed {
        (number, None) => writeln!(
            w,
            "      <InstalledOn>\n        <ClusterId SiteId=\"{site}\" Number=\"{number}\" />\n      </InstalledOn>"
        )?,
        (number, Some(name)) => writeln!(
            w,
            "      <InstalledOn>\n        <SqlInstanceId Name=\"{name}\">\n          <ClusterId SiteId=\"{site}\" Number=\"{number}\" />\n        </SqlInstanceId>\n      </InstalledOn>"
        )?,
    }
    if s.ports.is_empty() {
        writeln!(w, "      <Ports xmlns=\"{ROLES_NS}\" />")?;
    } else {
        writeln!(w, "      <Ports xmlns=\"{ROLES_NS}\">")?;
        for port in s.ports {
            writeln!(w, "        {port}")?;
        }
        writeln!(w, "      </Ports>")?;
    }
    if !s.extra.is_empty() {
        writeln!(w, "      {}", s.extra.replace("{ns}", ROLES_NS))?;
    }
    writeln!(w, "    </Service>")
}

fn services(w: &mut impl Write, u: Unit) -> io::Result<()> {
    let (site, i) = (u.site, u.instance);
    let fe = u.fe_cluster();
    let first = u.index == 0;
    service(
        w,
        &ServiceXml {
            role: "UserServices",
            kind: None,
            site,
            instance: i,
            depends: &[("UserStore", i), ("FileStore", i), ("ConfServices", i)],
            installed: (fe, None),
            ports: &[
                "<Port Owner=\"urn:component:McuFactory\" Usage=\"WebServer\" InterfaceSide=\"Primary\" InterfaceNumber=\"1\" Port=\"444\" Protocol=\"Mtls\" UrlPath=\"/LiveServer/McuFactory/\" AuthorizesRequests=\"false\" />",
            ],
            extra: "",
        },
    )?;
    service(
        w,
        &ServiceXml {
            role: "Registrar",
            kind: Some("RegistrarService"),
            site,
            instance: i,
            depends: &[("UserServices", i), ("WebServices", i)],
            installed: (fe, None),
            ports: &[
                "<Port Owner=\"urn:component:Registrar\" Usage=\"SipServer\" InterfaceSide=\"Primary\" InterfaceNumber=\"1\" Port=\"5061\" Protocol=\"Mtls\" UrlPath=\"/\" AuthorizesRequests=\"true\" GruuType=\"HomeServer\" />",
            ],
            extra: "<RegistrarService xmlns=\"{ns}\" IsDirector=\"false\" />",
        },
    )?;
    service(
        w,
        &ServiceXml {
            role: "UserStore",
            kind: None,
            site,
            instance: i,
            depends: &[],
            installed: (u.sql_cluster(), Some("rtc")),
            ports: &[],
            extra: "",
        },
    )?;
    service(
        w,
        &ServiceXml {
            role: "FileStore",
            kind: Some("FileStoreService"),
            site,
            instance: i,
            depends: &[],
            installed: (u.fs_cluster(), None),
            ports: &[],
            extra: "<FileStoreService xmlns=\"{ns}\" ShareName=\"LyncShare\" />",
        },
    )?;
    service(
        w,
        &ServiceXml {
            role: "WebServices",
            kind: Some("WebService"),
            site,
            instance: i,
            depends: &[("FileStore", i), ("UserServices", i)],
            installed: (fe, None),
            ports: &[],
            extra: "",
        },
    )?;
    service(
        w,
        &ServiceXml {
            role: "ConfServices",
            kind: Some("ConfService"),
            site,
            instance: i,
            depends: &[("FileStore", i), ("WebServices", i), ("UserServices", i)],
            installed: (fe, None),
            ports: &[],
            extra: "",
        },
    )?;
    if first {
        service(
            w,
            &ServiceXml {
                role: "CentralMgmt",
                kind: Some("CentralMgmtService"),
                site,
                instance: 1,
                depends: &[("CentralMgmtStore", 1), ("FileStore", i)],
                installed: (fe, None),
                ports: &[],
                extra: "<CentralMgmtService xmlns=\"{ns}\" IsActive=\"true\" />",
            },
        )?;
        service(
            w,
            &ServiceXml {
                role: "CentralMgmtStore",
                kind: None,
                site,
                instance: 1,
                depends: &[],
                installed: (u.sql_cluster(), Some("rtc")),
                ports: &[],
                extra: "",
            },
        )?;
    }
    Ok(())
}

fn edge_services(w: &mut impl Write, plan: &Plan, site: usize) -> io::Result<()> {
    service(
        w,
        &ServiceXml {
            role: "EdgeServer",
            kind: None,
            site,
            instance: 1,
            depends: &[("Registrar", 1)],
            installed: (plan.edge_cluster(site), None),
            ports: &[
                "<Port Owner=\"urn:component:AccessEdge\" Usage=\"SipServer\" InterfaceSide=\"Internal\" InterfaceNumber=\"1\" Port=\"5061\" Protocol=\"Mtls\" UrlPath=\"/\" AuthorizesRequests=\"true\" />",
                "<Port Owner=\"urn:component:AccessEdge\" Usage=\"SipClient\" InterfaceSide=\"External\" InterfaceNumber=\"1\" Port=\"443\" Protocol=\"Tls\" UrlPath=\"/\" AuthorizesRequests=\"false\" />",
            ],
            extra: "",
        },
    )
}

// ---- worksheets ------------------------------------------------------------------------------

/// Writes a CSV row; no generated cell needs quoting (no comma, quote or line break).
fn row(w: &mut impl Write, cells: &[&str]) -> io::Result<()> {
    debug_assert!(cells.iter().all(|c| !c.contains([',', '"', '\n'])));
    writeln!(w, "{}", cells.join(","))
}

fn write_worksheets(dir: &Path, plan: &Plan, as_of: Date, mirrored: bool) -> io::Result<()> {
    let last = Date::from_days(as_of.days() - 1).to_string();
    let expires = Date::from_days(as_of.days() + 365).to_string();
    let cert_expires = Date::from_days(as_of.days() + 400).to_string();
    let destination = format!(r"{BACKUP}\{last}");

    let mut w = create(&dir.join("database.csv"))?;
    row(
        &mut w,
        &[
            "Database",
            "Server name (FQDN)",
            "SQL instance",
            "Backup schedule",
            "Database backup tool",
            "Backup set name",
            "Backup set expiration",
            "Backup destination",
            "Last backup",
            "Notes",
        ],
    )?;
    for u in &plan.units {
        let pool = u.pool();
        row(
            &mut w,
            &[
                "rtcxds",
                &u.sql(),
                "rtc",
                "Daily 22:00",
                "Export-CsUserData",
                &format!("UserData-{:05}", u.index + 1),
                &expires,
                &destination,
                &last,
                &format!("Export-CsUserData -PoolFqdn {pool}"),
            ],
        )?;
    }
    w.flush()?;

    let mut w = create(&dir.join("file-store.csv"))?;
    row(
        &mut w,
        &[
            "Content",
            "Server name (FQDN)",
            "Backup schedule",
            "File system backup tool",
            "File share to be backed up",
            "Excluded files",
            "Backup destination",
            "Last backup",
            "Notes",
        ],
    )?;
    for u in &plan.units {
        let fs = u.fs();
        row(
            &mut w,
            &[
                "Lync Server File Store",
                &fs,
                "Daily 22:30",
                "Robocopy",
                &format!(r"\\{fs}\LyncShare"),
                "Meeting.Active",
                &format!(r"{destination}\filestore{:05}", u.index + 1),
                &last,
                "robocopy /MIR /XF Meeting.Active",
            ],
        )?;
    }
    w.flush()?;

    let mut w = create(&dir.join("settings.csv"))?;
    row(
        &mut w,
        &[
            "Database",
            "Server name (FQDN)",
            "Backup schedule",
            "Backup tool",
            "Configuration file name",
            "Backup location",
            "Last backup",
            "Notes",
        ],
    )?;
    if let Some(first) = plan.units.first() {
        for (db, tool, file) in [
            ("xds", "Export-CsConfiguration", "CsConfiguration.zip"),
            ("lis", "Export-CsLisConfiguration", "CsLisConfiguration.zip"),
        ] {
            row(
                &mut w,
                &[
                    db,
                    &first.sql(),
                    "Daily 21:30",
                    tool,
                    file,
                    &destination,
                    &last,
                    "",
                ],
            )?;
        }
    }
    w.flush()?;

    let mut w = create(&dir.join("servers.csv"))?;
    row(
        &mut w,
        &[
            "Server FQDN",
            "Role",
            "Replacement server",
            "Computer account retained",
            "Notes",
        ],
    )?;
    let mut servers: Vec<(String, &str, &str)> = Vec::new();
    for u in &plan.units {
        for m in 1..=plan.machines {
            servers.push((u.machine(m), "Front End", "yes"));
        }
        servers.push((u.sql(), "SQL Back End", "yes"));
        servers.push((u.fs(), "File server", "yes"));
    }
    for site in 1..=plan.sites {
        for m in 1..=2 {
            servers.push((edge_machine(site, m), "Edge", "n/a"));
        }
    }
    servers.sort();
    for (fqdn, role, retained) in &servers {
        row(&mut w, &[fqdn, role, "ready", retained, ""])?;
    }
    w.flush()?;

    let mut w = create(&dir.join("sql-instances.csv"))?;
    row(
        &mut w,
        &[
            "SQL server FQDN",
            "Instance name",
            "SQL Server version",
            "Edition",
            "Mirror",
            "Mirroring port",
            "Witness",
            "Witness port",
            "Notes",
        ],
    )?;
    for (i, u) in plan.units.iter().enumerate() {
        let pool = u.pool();
        let partner = |k: usize| plan.units[(i + k) % plan.units.len()].sql() + r"\rtc";
        let (mirror, witness) = if mirrored && plan.units.len() > 2 {
            (partner(1), partner(2))
        } else {
            (String::new(), String::new())
        };
        let port = |p: &'static str| if mirror.is_empty() { "" } else { p };
        row(
            &mut w,
            &[
                &u.sql(),
                "rtc",
                "SQL Server 2012 SP4",
                "Enterprise",
                &mirror,
                port("5022"),
                &witness,
                port("7022"),
                &format!("Back End of {pool}"),
            ],
        )?;
    }
    w.flush()?;

    let mut w = create(&dir.join("certificates.csv"))?;
    row(
        &mut w,
        &[
            "Server FQDN",
            "Certificate",
            "Thumbprint",
            "Expires",
            "Private key exportable",
            "Backup location",
            "Re-enroll from internal CA",
            "Notes",
        ],
    )?;
    for u in &plan.units {
        for m in 1..=plan.machines {
            let host = u.machine(m);
            let short = host.split('.').next().unwrap_or_default();
            row(
                &mut w,
                &[
                    &host,
                    "Default (server and web services)",
                    "",
                    &cert_expires,
                    "yes",
                    &format!(r"\\backup01.contoso.com\certs\{short}.pfx"),
                    "yes",
                    "",
                ],
            )?;
        }
    }
    for site in 1..=plan.sites {
        for m in 1..=2 {
            let host = edge_machine(site, m);
            row(
                &mut w,
                &[
                    &host,
                    "Edge internal",
                    "",
                    &cert_expires,
                    "no",
                    "",
                    "yes",
                    "issued by the internal CA",
                ],
            )?;
            row(
                &mut w,
                &[
                    &host,
                    "Edge external",
                    "",
                    &cert_expires,
                    "yes",
                    &format!(r"\\backup01.contoso.com\certs\edge{site:03}-external.pfx"),
                    "no",
                    "public CA",
                ],
            )?;
        }
    }
    w.flush()?;

    let mut w = create(&dir.join("backup-runs.csv"))?;
    row(&mut w, &["Date", "Backup share", "Notes"])?;
    for back in (1..=3).rev() {
        let day = Date::from_days(as_of.days() - back).to_string();
        row(&mut w, &[&day, &format!(r"{BACKUP}\{day}"), ""])?;
    }
    w.flush()
}
