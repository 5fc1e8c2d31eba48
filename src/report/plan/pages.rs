//! The Microsoft pages a plan cites, and the product's words.
//!
//! Every step of a plan names the page and the step of that page it carries out ([`Cite`]).
//! Lync Server 2013 pages are named by TechNet ID; the cmdlet reference by cmdlet; the Skype for
//! Business Server pages, which have no TechNet ID, by a short title. Step numbers are the
//! page's own (`4.4`); bullets are lettered in order (`4c` is the third bullet of step 4), and
//! text outside the numbered steps is named by what it is (`tip`, `note`).
//!
//! There are no Skype for Business Server restore pages: a Skype for Business Server 2015 or
//! 2019 deployment follows the Lync Server 2013 procedures, in its own product's words
//! ([`Words`]), with the few steps that differ taken from Skype for Business Server pages.

use serde::{Serialize, Serializer};

use crate::model::topology::Product;

/// A Microsoft page.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Page {
    /// How steps cite it: a TechNet ID, a cmdlet's name, or a short title.
    pub key: &'static str,
    pub title: &'static str,
    pub technet: Option<&'static str>,
    /// The repository and the path of its Markdown source.
    pub repository: &'static str,
    pub path: &'static str,
    /// How the runbook names it beside a step: the key, or `Import-CsUserData reference`.
    #[serde(skip)]
    pub name: &'static str,
}

const LYNC: &str = "MicrosoftDocs/OfficeDocs-SkypeForBusiness";
const CMDLETS: &str = "MicrosoftDocs/office-docs-powershell";

macro_rules! lync {
    ($name:ident, $id:literal, $title:literal, $file:literal) => {
        pub static $name: Page = Page {
            key: $id,
            title: $title,
            technet: Some($id),
            repository: LYNC,
            path: concat!("Lync/LyncServer/lync-server-2013-", $file, ".md"),
            name: $id,
        };
    };
}

macro_rules! sfb {
    ($name:ident, $key:literal, $title:literal, $path:literal) => {
        pub static $name: Page = Page {
            key: $key,
            title: $title,
            technet: None,
            repository: LYNC,
            path: $path,
            name: $key,
        };
    };
}

macro_rules! cmdlet {
    ($name:ident, $cmdlet:literal) => {
        pub static $name: Page = Page {
            key: $cmdlet,
            title: concat!($cmdlet, " (cmdlet reference)"),
            technet: None,
            repository: CMDLETS,
            path: concat!("skype/skype-ps/SkypeForBusiness/", $cmdlet, ".md"),
            name: concat!($cmdlet, " reference"),
        };
    };
}

// The ten restore procedures.
lync!(
    HH202190,
    "Hh202190",
    "Restoring a Standard Edition server",
    "restoring-a-standard-edition-server"
);
lync!(
    HH202172,
    "Hh202172",
    "Restoring the server hosting the Central Management store",
    "restoring-the-server-hosting-the-central-management-store"
);
lync!(
    HH202163,
    "Hh202163",
    "Restoring an Enterprise Edition Back End Server",
    "restoring-an-enterprise-edition-back-end-server"
);
lync!(
    JJ945648,
    "JJ945648",
    "Restoring a mirrored Enterprise Edition Back End Server - primary",
    "restoring-a-mirrored-enterprise-edition-back-end-server-primary"
);
lync!(
    JJ945626,
    "JJ945626",
    "Restoring a mirrored Enterprise Edition Back End Server - mirror",
    "restoring-a-mirrored-enterprise-edition-back-end-server-mirror"
);
lync!(
    HH202191,
    "Hh202191",
    "Restoring an Enterprise Edition member server",
    "restoring-an-enterprise-edition-member-server"
);
lync!(
    HH202176,
    "Hh202176",
    "Restoring a Lync Server pool",
    "restoring-a-lync-server-pool"
);
lync!(
    HH202180,
    "Hh202180",
    "Restoring a file store",
    "restoring-a-file-store"
);
lync!(
    HH202175,
    "Hh202175",
    "Restoring monitoring or archiving data",
    "restoring-monitoring-or-archiving-data"
);
lync!(
    JJ945649,
    "JJ945649",
    "Restoring Persistent Chat data",
    "restoring-persistent-chat-data"
);

// The pages they rely on.
lync!(
    HH202174,
    "Hh202174",
    "Restoring Response Group settings",
    "restoring-response-group-settings"
);
lync!(
    HH202170,
    "Hh202170",
    "Backing up core data and settings",
    "backing-up-core-data-and-settings"
);
lync!(
    HH202171,
    "Hh202171",
    "Backup and restoration requirements: tools and permissions",
    "backup-and-restoration-requirements-tools-and-permissions"
);
lync!(
    HH202179,
    "Hh202179",
    "Preparing to restore Lync Server",
    "preparing-to-restore-lync-server"
);
lync!(
    GG398983,
    "Gg398983",
    "Export your topology and copy it to external media for edge installation",
    "export-your-topology-and-copy-it-to-external-media-for-edge-installation"
);
lync!(
    GG398230,
    "Gg398230",
    "Install Edge Servers",
    "install-edge-servers"
);
lync!(
    GG412996,
    "Gg412996",
    "Topologies and components for Front End Servers, instant messaging, and presence",
    "topologies-and-components-for-front-end-servers-instant-messaging-and-presence"
);
lync!(
    JJ204991,
    "JJ204991",
    "Failing over a mirrored database",
    "failing-over-a-mirrored-database"
);
lync!(
    JJ204992,
    "JJ204992",
    "Deploying SQL mirroring for Back End Server high availability",
    "deploying-sql-mirroring-for-back-end-server-high-availability"
);
lync!(
    GG195756,
    "Gg195756",
    "Lync Server 2013 administrative tools",
    "lync-server-administrative-tools"
);

// Paired Front End pools: failing over, failing back, and the alternative.
lync!(
    JJ204678,
    "JJ204678",
    "Failing over a pool",
    "failing-over-a-pool"
);
lync!(
    JJ204945,
    "JJ204945",
    "Failing back a pool",
    "failing-back-a-pool"
);
lync!(
    JJ205376,
    "JJ205376",
    "Central Management store failover",
    "central-management-store-failover"
);
lync!(
    JJ688030,
    "JJ688030",
    "Restoring conference contents using the Backup Service",
    "restoring-conference-contents-using-the-backup-service"
);
lync!(
    JJ205184,
    "JJ205184",
    "User experience during pool failure",
    "user-experience-during-pool-failure"
);
lync!(
    JJ945635,
    "JJ945635",
    "Front End pool ABC failover procedure",
    "front-end-pool-abc-failover-procedure"
);
lync!(
    JJ204773,
    "JJ204773",
    "Deploying paired Front End pools for disaster recovery",
    "deploying-paired-front-end-pools-for-disaster-recovery"
);
lync!(
    JJ945637,
    "JJ945637",
    "Performing an ABC Front End pool failover",
    "performing-an-abc-front-end-pool-failover"
);

// Skype for Business Server pages where the product differs.
sfb!(
    SFB_INSTALL,
    "Install Skype for Business Server",
    "Install Skype for Business Server on servers in the topology",
    "Skype/SfbServer/deploy/install/install-skype-for-business-server.md"
);
sfb!(
    SFB_EDGE_TOPOLOGY,
    "Create your Edge topology",
    "Create your Edge topology for Skype for Business Server",
    "Skype/SfbServer/deploy/deploy-edge-server/create-your-edge-topology.md"
);
sfb!(
    SFB_EDGE_SERVERS,
    "Deploy Edge Servers",
    "Deploy Edge Servers in Skype for Business Server",
    "Skype/SfbServer/deploy/deploy-edge-server/deploy-edge-servers.md"
);

// The cmdlet reference, where the procedure pages leave a parameter out.
cmdlet!(IMPORT_CS_USER_DATA, "Import-CsUserData");
cmdlet!(IMPORT_CS_CONFIGURATION, "Import-CsConfiguration");
cmdlet!(INSTALL_CS_DATABASE, "Install-CsDatabase");
cmdlet!(INSTALL_CS_MIRROR_DATABASE, "Install-CsMirrorDatabase");
cmdlet!(UNINSTALL_CS_MIRROR_DATABASE, "Uninstall-CsMirrorDatabase");
cmdlet!(INVOKE_CS_DATABASE_FAILOVER, "Invoke-CsDatabaseFailover");
cmdlet!(START_CS_WINDOWS_SERVICE, "Start-CsWindowsService");
cmdlet!(START_CS_POOL, "Start-CsPool");
cmdlet!(RESET_CS_POOL_REGISTRAR_STATE, "Reset-CsPoolRegistrarState");
cmdlet!(EXPORT_CS_LIS_CONFIGURATION, "Export-CsLisConfiguration");
cmdlet!(SET_CS_EDGE_SERVER, "Set-CsEdgeServer");
cmdlet!(INVOKE_CS_POOL_FAIL_BACK, "Invoke-CsPoolFailBack");
cmdlet!(
    GET_CS_MANAGEMENT_STORE_REPLICATION_STATUS,
    "Get-CsManagementStoreReplicationStatus"
);
cmdlet!(EXPORT_CS_RGS_CONFIGURATION, "Export-CsRgsConfiguration");
cmdlet!(
    SET_CS_CONFIGURATION_STORE_LOCATION,
    "Set-CsConfigurationStoreLocation"
);
cmdlet!(
    INVOKE_CS_MANAGEMENT_SERVER_FAILOVER,
    "Invoke-CsManagementServerFailover"
);

/// topolint's own step: on no Microsoft page (keeping the worksheets true after a restore).
pub static TOPOLINT: Page = Page {
    key: "topolint",
    title: "topolint (not a Microsoft page)",
    technet: None,
    repository: "",
    path: "",
    name: "topolint's own step",
};

/// One step of one page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cite {
    pub page: &'static Page,
    /// The page's step (`4.4`), a range of them (`6.1-6.4`), or a named part (`tip`).
    pub step: &'static str,
}

/// `page` at `step`.
#[must_use]
pub const fn at(page: &'static Page, step: &'static str) -> Cite {
    Cite { page, step }
}

impl Cite {
    /// A numbered step (`4.4`, `4a-4c`), as opposed to a named part of the page (`tip`).
    fn numbered(&self) -> bool {
        self.step.starts_with(|c: char| c.is_ascii_digit())
    }
}

/// The cites of a step, by page in the order first cited: `Hh202163 steps 5.1, 5.3;
/// Import-CsUserData reference, description`.
#[must_use]
pub fn labels(cites: &[Cite]) -> String {
    let mut pages: Vec<&'static Page> = Vec::new();
    for c in cites {
        if !pages.iter().any(|p| p.key == c.page.key) {
            pages.push(c.page);
        }
    }
    pages
        .iter()
        .map(|page| {
            let mine: Vec<&Cite> = cites.iter().filter(|c| c.page.key == page.key).collect();
            let numbered: Vec<&str> = mine
                .iter()
                .filter(|c| c.numbered())
                .map(|c| c.step)
                .collect();
            let named: Vec<&str> = mine
                .iter()
                .filter(|c| !c.numbered() && !c.step.is_empty())
                .map(|c| c.step)
                .collect();
            let mut text = page.name.to_string();
            match numbered.as_slice() {
                [] => {}
                [one] if !one.contains('-') => text.push_str(&format!(" step {one}")),
                many => text.push_str(&format!(" steps {}", many.join(", "))),
            }
            if !named.is_empty() {
                text.push_str(&format!(", {}", named.join(", ")));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Serialize for Cite {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Cite", 2)?;
        st.serialize_field("page", self.page.key)?;
        st.serialize_field("step", self.step)?;
        st.end()
    }
}

/// The names a product gives to its tools, taken from the topology's product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    pub product: Product,
    /// `Lync Server Management Shell`.
    pub shell: &'static str,
    /// `Lync Server Topology Builder`.
    pub topology_builder: &'static str,
    /// The top node of Topology Builder's tree: `Lync Server 2013`.
    pub node: &'static str,
    /// `Lync Server Deployment Wizard`.
    pub wizard: &'static str,
    /// The wizard's home item: `Install or Update Lync Server System`.
    pub install_system: &'static str,
    /// The wizard's Step 2: `Setup or Remove Lync Server Components`.
    pub step2: &'static str,
    /// `Lync Server services`.
    pub services: &'static str,
    /// `Lync Server administrative tools`.
    pub admin_tools: &'static str,
    /// The SQL Server releases the restore pages name for a rebuilt server (Lync Server 2013
    /// only: no Skype for Business Server restore page exists to name others).
    pub sql_releases: Option<&'static str>,
}

impl Words {
    /// The words of the topology's product. Lync Server 2010 and an unknown product get Lync
    /// Server 2013's: the procedures are that product's.
    #[must_use]
    pub fn of(product: Product) -> Self {
        let sfb = |node| Self {
            product,
            shell: "Skype for Business Server Management Shell",
            topology_builder: "Skype for Business Server Topology Builder",
            node,
            wizard: "Skype for Business Server Deployment Wizard",
            install_system: "Install or Update Skype for Business Server System",
            step2: "Setup or Remove Skype for Business Server Components",
            services: "Skype for Business Server services",
            admin_tools: "Skype for Business Server administrative tools",
            sql_releases: None,
        };
        match product {
            Product::Sfb2015 => sfb("Skype for Business Server 2015"),
            Product::Sfb2019 => sfb("Skype for Business Server 2019"),
            Product::Lync2010 | Product::Lync2013 | Product::Unknown => Self {
                product,
                shell: "Lync Server Management Shell",
                topology_builder: "Lync Server Topology Builder",
                node: "Lync Server 2013",
                wizard: "Lync Server Deployment Wizard",
                install_system: "Install or Update Lync Server System",
                step2: "Setup or Remove Lync Server Components",
                services: "Lync Server services",
                admin_tools: "Lync Server administrative tools",
                sql_releases: Some("SQL Server 2012 or SQL Server 2008 R2"),
            },
        }
    }

    /// Skype for Business Server 2015 or 2019.
    #[must_use]
    pub fn is_sfb(&self) -> bool {
        matches!(self.product, Product::Sfb2015 | Product::Sfb2019)
    }

    /// The Edge export page of the product (*Export your topology...*, Gg398983).
    #[must_use]
    pub fn edge_export(&self) -> &'static Page {
        if self.is_sfb() {
            &SFB_EDGE_TOPOLOGY
        } else {
            &GG398983
        }
    }

    /// The Edge installation page of the product (*Install Edge Servers*, Gg398230).
    #[must_use]
    pub fn edge_install(&self) -> &'static Page {
        if self.is_sfb() {
            &SFB_EDGE_SERVERS
        } else {
            &GG398230
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cites_read_as_the_page_numbers_its_steps() {
        assert_eq!(labels(&[at(&HH202163, "4.4")]), "Hh202163 step 4.4");
        assert_eq!(
            labels(&[
                at(&HH202172, "12.1"),
                at(&IMPORT_CS_USER_DATA, "description"),
                at(&HH202172, "12.3"),
                at(&HH202172, "tip"),
            ]),
            "Hh202172 steps 12.1, 12.3, tip; Import-CsUserData reference, description"
        );
        assert_eq!(labels(&[at(&JJ204992, "important")]), "JJ204992, important");
        assert_eq!(
            HH202163.path,
            "Lync/LyncServer/lync-server-2013-restoring-an-enterprise-edition-back-end-server.md"
        );
        assert_eq!(
            INSTALL_CS_MIRROR_DATABASE.path,
            "skype/skype-ps/SkypeForBusiness/Install-CsMirrorDatabase.md"
        );
    }

    #[test]
    fn each_product_has_its_own_words() {
        let lync = Words::of(Product::Lync2013);
        let sfb = Words::of(Product::Sfb2015);
        assert_eq!(lync.shell, "Lync Server Management Shell");
        assert_eq!(sfb.shell, "Skype for Business Server Management Shell");
        assert_eq!(sfb.node, "Skype for Business Server 2015");
        assert_eq!(
            Words::of(Product::Sfb2019).node,
            "Skype for Business Server 2019"
        );
        assert_eq!(
            sfb.step2,
            "Setup or Remove Skype for Business Server Components"
        );
        assert_eq!(sfb.edge_install().key, "Deploy Edge Servers");
        assert_eq!(lync.edge_install().key, "Gg398230");
    }
}
