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
        code: "BK216",
        name: "unneeded-database-backup",
        severity: Note,
        scope: Deployment,
        summary: "rtcdyn, rtcab, rgsdyn, cpsdyn or mgccomp listed for backup",
        sources: ["R13"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
