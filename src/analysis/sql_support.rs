//! Which SQL Server releases and editions each product supports for its databases: the one
//! place this knowledge lives.
//!
//! - Lync Server 2013 (*Database software support*, Gg398990): SQL Server 2008 R2 or 2012,
//!   Standard or Enterprise (Datacenter is the 2008 R2 edition above Enterprise); Standard
//!   Edition servers run SQL Server 2012 Express locally.
//! - Skype for Business Server 2015 (*Server requirements for Skype for Business Server 2015*):
//!   SQL Server 2012, 2014, 2016, 2017 or 2019, Standard or Enterprise; Standard Edition servers
//!   run SQL Server 2014 Express.
//! - Skype for Business Server 2019 (*Back End Server high availability in Skype for Business
//!   Server*): SQL Server 2016, 2017 or 2019; Standard Edition servers run SQL Server Express of
//!   those releases. SQL mirroring is no longer supported.

use crate::model::Product;
use crate::model::values::{SqlEdition, SqlVersion};

/// One product's support statement.
#[derive(Debug)]
pub struct Support {
    pub product: Product,
    /// Releases supported for Back End, Archiving, Monitoring and Persistent Chat databases.
    pub versions: &'static [SqlVersion],
    /// Editions supported for those databases.
    pub editions: &'static [SqlEdition],
    /// The Express release a Standard Edition server runs locally.
    pub express: &'static [SqlVersion],
    /// Whether SQL mirroring is a supported high-availability option.
    pub mirroring: bool,
    /// The page this comes from.
    pub source: &'static str,
}

const SERVER_EDITIONS: &[SqlEdition] = &[
    SqlEdition::Standard,
    SqlEdition::Enterprise,
    SqlEdition::Datacenter,
];

/// The matrix, one entry per product topolint knows.
pub static MATRIX: &[Support] = &[
    Support {
        product: Product::Lync2013,
        versions: &[SqlVersion::V2008R2, SqlVersion::V2012],
        editions: SERVER_EDITIONS,
        express: &[SqlVersion::V2012],
        mirroring: true,
        source: "Database software support in Lync Server 2013 (Gg398990)",
    },
    Support {
        product: Product::Sfb2015,
        versions: &[
            SqlVersion::V2012,
            SqlVersion::V2014,
            SqlVersion::V2016,
            SqlVersion::V2017,
            SqlVersion::V2019,
        ],
        editions: SERVER_EDITIONS,
        express: &[SqlVersion::V2014],
        mirroring: true,
        source: "Server requirements for Skype for Business Server 2015",
    },
    Support {
        product: Product::Sfb2019,
        versions: &[SqlVersion::V2016, SqlVersion::V2017, SqlVersion::V2019],
        editions: SERVER_EDITIONS,
        express: &[SqlVersion::V2016, SqlVersion::V2017, SqlVersion::V2019],
        mirroring: false,
        source: "Back End Server high availability in Skype for Business Server 2019",
    },
];

/// The support statement of a product, if topolint has one.
#[must_use]
pub fn support(product: Product) -> Option<&'static Support> {
    MATRIX.iter().find(|s| s.product == product)
}

/// Why a SQL Server installation is not supported, or `None` when it is.
///
/// `standard_edition_server` says whether the instance is the local store of a Standard Edition
/// server, the one place Express is supported.
#[must_use]
pub fn unsupported(
    support: &Support,
    version: SqlVersion,
    edition: Option<SqlEdition>,
    standard_edition_server: bool,
) -> Option<String> {
    let product = support.product.display_name();
    if edition == Some(SqlEdition::Express) {
        if !standard_edition_server {
            return Some(format!(
                "SQL Server Express is supported only as the local store of a Standard Edition server, not for {product} Back End or other databases"
            ));
        }
        if !support.express.contains(&version) {
            return Some(format!(
                "{product} Standard Edition runs {}, not {} Express",
                list(support.express),
                version.label()
            ));
        }
        return None;
    }
    if !support.versions.contains(&version) {
        return Some(format!(
            "{product} supports {}, not {}",
            list(support.versions),
            version.label()
        ));
    }
    match edition {
        Some(e) if !support.editions.contains(&e) => Some(format!(
            "{product} supports the Standard and Enterprise editions of SQL Server, not {}",
            e.label()
        )),
        _ => None,
    }
}

fn list(versions: &[SqlVersion]) -> String {
    let labels: Vec<&str> = versions.iter().map(|v| v.label()).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_product_has_an_entry() {
        for p in [Product::Lync2013, Product::Sfb2015, Product::Sfb2019] {
            assert!(support(p).is_some(), "{p:?}");
        }
        assert!(support(Product::Lync2010).is_none());
    }

    #[test]
    fn lync_2013_accepts_2008_r2_and_2012_only() {
        let s = support(Product::Lync2013).expect("lync");
        assert_eq!(
            unsupported(s, SqlVersion::V2012, Some(SqlEdition::Enterprise), false),
            None
        );
        let msg = unsupported(s, SqlVersion::V2014, Some(SqlEdition::Standard), false)
            .expect("2014 is not supported");
        assert!(
            msg.contains("SQL Server 2008 R2 or SQL Server 2012"),
            "{msg}"
        );
        assert!(unsupported(s, SqlVersion::V2012, Some(SqlEdition::Web), false).is_some());
    }

    #[test]
    fn express_only_on_standard_edition_servers() {
        let s = support(Product::Sfb2015).expect("sfb");
        assert!(unsupported(s, SqlVersion::V2014, Some(SqlEdition::Express), false).is_some());
        assert_eq!(
            unsupported(s, SqlVersion::V2014, Some(SqlEdition::Express), true),
            None
        );
        assert!(unsupported(s, SqlVersion::V2012, Some(SqlEdition::Express), true).is_some());
    }

    #[test]
    fn sfb_2019_drops_mirroring() {
        assert!(!support(Product::Sfb2019).expect("2019").mirroring);
        assert!(support(Product::Sfb2015).expect("2015").mirroring);
    }
}
