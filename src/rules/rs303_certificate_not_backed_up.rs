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
        code: "RS303",
        name: "certificate-not-backed-up",
        severity: Error,
        scope: Deployment,
        summary: "a server that needs certificates with neither an exportable key backed up nor internal-CA re-enrolment",
        sources: ["R19", "R35"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
