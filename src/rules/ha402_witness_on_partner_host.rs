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
        code: "HA402",
        name: "witness-on-partner-host",
        severity: Error,
        scope: Deployment,
        summary: "the witness on the primary's or mirror's host",
        sources: ["R53"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
