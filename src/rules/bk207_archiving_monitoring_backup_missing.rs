use super::prelude::*;

declare_rule! {
    /// ## What it checks
    /// TODO
    ///
    /// ## Why it breaks a restore
    /// TODO
    ///
    /// ## Example
    /// TODO
    ///
    /// ## How to fix
    /// TODO
    ///
    /// ## Source
    /// TODO
    pub static RULE = {
        code: "BK207",
        name: "archiving-monitoring-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "an Archiving store without LcsLog, or a Monitoring store without LcsCdr and QoEMetrics rows",
        sources: ["R10", "R11"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
