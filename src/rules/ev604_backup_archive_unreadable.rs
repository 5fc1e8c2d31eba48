use crate::input::span::Span;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Opens the ZIP archives the Export-Cs* cmdlets wrote and reports one that cannot be read,
    /// or an Export-CsConfiguration archive that holds no topology. The archives opened are
    /// those of the latest run on a share read with `--backup-share` or `--read-backups` (the
    /// files of `settings` rows, and of `database` rows exported with `Export-CsUserData` or
    /// `Export-CsPersistentChatData`; see EV601), and a `.zip` given to `--backup-topology`.
    ///
    /// An archive is readable when the zip crate reads its central directory, no member name is
    /// a path out of the archive (`../x`, `/x`, `C:\x`: no Export-Cs* cmdlet writes one, and a
    /// tool that unpacks it could write outside its folder), and its `DocItemSet.xml`, if any,
    /// inflates within 256 MiB (its declared size is checked before inflating, and no more is
    /// read). An Export-CsConfiguration archive must also hold, anywhere in `DocItemSet.xml`,
    /// the `Topology` element of the topology namespace: that is what a configuration restore
    /// publishes again, and what the DR rules compare with today's topology.
    ///
    /// Decisions: the content of the other archives is not published, so no more is asked of
    /// them than being a readable ZIP. A listing only names files, so an archive known only from
    /// a `backup-listing` worksheet is not opened. Nothing of an archive is ever written to
    /// disk.
    ///
    /// ## Why it breaks a restore
    /// `Import-CsConfiguration`, `Import-CsLisConfiguration`, `Import-CsRgsConfiguration` and
    /// `Import-CsUserData` read these archives and nothing else: a truncated copy, a file
    /// overwritten by something else, or a configuration export without its topology leaves the
    /// restore of the Central Management store, of Response Group or of users' data with
    /// nothing to import.
    ///
    /// ## Example
    /// `CsConfiguration.zip` in the run's folder was cut off when the share ran out of space:
    /// its central directory is missing.
    ///
    /// ## How to fix
    /// Run the export again (`Export-CsConfiguration -FileName`), check that the new archive
    /// opens (`Expand-Archive` into a scratch folder, or `topolint check DIR --backup-topology
    /// NEW.zip`), and find out what damaged the old one.
    ///
    /// ## Source
    /// *Backing up core data and settings* (Hh202170) writes the archives;
    /// *Restoring the server hosting the Central Management store* (Hh202172) imports the
    /// configuration archive.
    pub static RULE = {
        code: "EV604",
        name: "backup-archive-unreadable",
        severity: Error,
        scope: Evidence,
        summary: "an Export-Cs* archive that is not a readable ZIP, or an Export-CsConfiguration archive with no topology inside",
        help: "run the export again and check that the new archive opens",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let ws = cx.workspace;
    let Some(index) = cx.deployment_index() else {
        return;
    };
    for archive in ws.archives.iter().filter(|a| a.deployment == Some(index)) {
        let shown = &ws.files.get(archive.file).display;
        out.checked(shown);
        let message = if let Some(first) = archive.problems.first() {
            let more = &archive.problems[1..];
            if more.is_empty() {
                format!("`{shown}` is not a readable ZIP archive: {first}")
            } else {
                format!(
                    "`{shown}` is not a readable ZIP archive: {first}; and {}",
                    more.join("; ")
                )
            }
        } else if archive.cmdlet == Some("Export-CsConfiguration") && !archive.has_topology {
            match archive.member {
                Some(_) => format!(
                    "`{shown}` holds no topology: its DocItemSet.xml has no `Topology` element of the topology namespace"
                ),
                None => format!(
                    "`{shown}` holds no topology: it has no DocItemSet.xml, which Export-CsConfiguration writes"
                ),
            }
        } else {
            continue;
        };
        let what = archive.cmdlet.unwrap_or("an Export-Cs* cmdlet");
        // The archive itself has no text to show: the finding is at the worksheet cell that
        // names it, or inside its DocItemSet.xml, when that is where the problem is.
        let mut draft = Draft::new(shown, message);
        draft = match (archive.member, archive.problem_span, archive.named_at) {
            (Some(member), Some(span), _) => draft.at(member, span, "here"),
            (_, _, Some((file, cell))) => {
                draft.at(file, cell, format!("the archive {what} writes here"))
            }
            _ => draft.at(archive.file, Span::default(), "this archive"),
        };
        if let (Some((file, cell)), Some(_)) = (archive.named_at, archive.problem_span) {
            draft = draft.also(file, cell, format!("the archive {what} writes here"));
        }
        out.emit(draft);
    }
}
