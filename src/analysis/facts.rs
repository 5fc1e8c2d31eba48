//! What analysis derives from one deployment's topology, each fact worked out once, when first
//! asked for, so that the rules and reports asking for it share it.

use std::sync::OnceLock;

use super::evidence::{self, Evidence};
use super::restore::{self, Server};
use crate::model::{Deployment, Topology};

/// The facts of one topology.
#[derive(Debug)]
pub struct Facts<'t> {
    pub topology: &'t Topology,
    servers: OnceLock<Vec<Server>>,
    evidence: OnceLock<Option<Evidence>>,
}

impl<'t> Facts<'t> {
    #[must_use]
    pub fn new(topology: &'t Topology) -> Self {
        Self {
            topology,
            servers: OnceLock::new(),
            evidence: OnceLock::new(),
        }
    }

    /// The servers a restore would rebuild ([`restore::servers`]).
    #[must_use]
    pub fn servers(&self) -> &[Server] {
        self.servers.get_or_init(|| restore::servers(self.topology))
    }

    /// What the evidence of the backup runs shows ([`evidence::judge`]) of `deployment`, the
    /// deployment of this topology; `None` when it has no evidence.
    #[must_use]
    pub fn evidence(&self, deployment: &Deployment) -> Option<&Evidence> {
        self.evidence
            .get_or_init(|| {
                evidence::has_evidence(&deployment.sheets, deployment.backups.as_ref())
                    .then(|| evidence::judge(&deployment.sheets, deployment.backups.as_ref()))
            })
            .as_ref()
    }
}
