//! What analysis derives from one deployment's topology, each fact worked out once, when first
//! asked for, so that the rules and reports asking for it share it.

use std::sync::OnceLock;

use super::restore::{self, Server};
use crate::model::Topology;

/// The facts of one topology.
#[derive(Debug)]
pub struct Facts<'t> {
    pub topology: &'t Topology,
    servers: OnceLock<Vec<Server>>,
}

impl<'t> Facts<'t> {
    #[must_use]
    pub fn new(topology: &'t Topology) -> Self {
        Self {
            topology,
            servers: OnceLock::new(),
        }
    }

    /// The servers a restore would rebuild ([`restore::servers`]).
    #[must_use]
    pub fn servers(&self) -> &[Server] {
        self.servers.get_or_init(|| restore::servers(self.topology))
    }
}
