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
        code: "BK204",
        name: "user-data-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a user store (Front End pool or Standard Edition server) has no rtcxds row",
        sources: ["R9"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
