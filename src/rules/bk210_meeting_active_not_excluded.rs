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
        code: "BK210",
        name: "meeting-active-not-excluded",
        severity: Warning,
        scope: Deployment,
        summary: "a file-store row that does not exclude `Meeting.Active`",
        sources: ["R15"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
