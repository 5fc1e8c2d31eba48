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
        code: "RS302",
        name: "sql-instance-unrecorded",
        severity: Error,
        scope: Deployment,
        summary: "a SQL instance of the topology not recorded with the same server FQDN and instance name",
        sources: ["R34"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
