//! The typed model rules work on: a [`Workspace`] of files, topologies and deployments.

pub mod archives;
pub mod date;
pub mod evidence;
mod fqdn;
pub mod ids;
pub mod load;
mod lower;
pub mod placeholder;
pub mod stamp;
pub mod topology;
pub mod valid;
pub mod values;
pub mod workbook;
pub mod worksheet;
pub mod workspace;

pub use fqdn::Fqdn;
pub use ids::Id;
pub(crate) use lower::lowercase;
pub use lower::{Recognized, lower, read, read_embedded};
pub use topology::{
    Form, Host, HostRef, MachineId, PoolId, PoolRole, Product, ServiceId, SiteId, SqlId, Topology,
};
pub use worksheet::{Sheets, Worksheet};
pub use workspace::{Deployment, Workspace};
