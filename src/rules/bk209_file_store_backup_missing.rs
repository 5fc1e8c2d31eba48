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
        code: "BK209",
        name: "file-store-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a topology file store without a file-store row for the identical `\\\\host\\share`",
        sources: ["R14", "R32"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
