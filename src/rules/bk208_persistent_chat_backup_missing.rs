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
        code: "BK208",
        name: "persistent-chat-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a Persistent Chat store without an mgc row naming SQL backup or Export-CsPersistentChatData",
        sources: ["R12"],
        help: "TODO",
        check: check,
    }
}

fn check(_cx: &Context<'_>, _out: &mut Emitter<'_>) {}
