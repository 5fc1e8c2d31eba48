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
        code: "RS301",
        name: "no-same-fqdn-replacement",
        severity: Error,
        scope: Deployment,
        summary: "a server of the topology with no replacement that can take the same FQDN (`none` or not recorded)",
        sources: ["R30"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
