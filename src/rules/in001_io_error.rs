use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a file that was found or named but could not be read: permission denied, a
    /// directory entry that vanished during the walk, a FIFO, socket or device named as an input
    /// (only regular files are read, and they are never waited on), a file larger than 1 GiB
    /// (the most read from one file: the reading stops there).
    ///
    /// An Excel workbook that cannot be read is reported here too: one encrypted with a
    /// password to open, a damaged one (not a readable ZIP archive, a part that cannot be
    /// inflated or parsed, a sheet that cannot be read), and one too large to read safely: over
    /// 256 MiB, holding more than 65,536 parts, whose parts would inflate to more than 1 GiB, or
    /// holding a part over 1 MiB that would grow more than 100 times its packed size (refused
    /// from the sizes the archive declares, before anything is inflated), a part that
    /// inflates past its declared size, shared strings announcing more strings than their part
    /// can hold, more than 4,000,000 cells.
    ///
    /// ## Why it breaks a restore
    /// A topology or worksheet that cannot be read is not checked, so whatever gap it hides stays
    /// hidden until the day of the restore.
    ///
    /// ## Example
    /// ```text
    /// error[IN001]: cannot read `backup/topology.xml`: Permission denied (os error 13)
    /// ```
    ///
    /// ## How to fix
    /// Give the account that runs topolint read access to the file (in a pipeline, the agent's
    /// service account), or remove the file from the checked folder. Open a damaged workbook in
    /// Excel and save it again; keep the worksheets in the repository without a password to open
    /// (protect the repository instead), or as CSV files.
    ///
    /// ## Source
    /// Input rule; no restore requirement.
    pub static RULE = {
        code: "IN001",
        name: "io-error",
        severity: Error,
        scope: Input,
        summary: "a file cannot be read",
        help: "give the account running topolint read access to the file, or remove it from the checked folder",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    checked_inputs(cx, out, &[]);
    report_problems(cx, out, ProblemKind::Io, "unreadable", |p, file| {
        format!("cannot read `{}`: {}", file.display, p.message)
    });
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::input::discover::Input;
    use crate::lint::engine::{self, RuleSet};
    use crate::model::Workspace;

    #[test]
    fn fires_for_an_unreadable_file() {
        let mut ws = Workspace::default();
        let input = Input {
            path: PathBuf::from("gone.xml"),
            explicit: true,
        };
        crate::model::load::ingest(
            &mut ws,
            &input,
            "gone.xml".into(),
            Err("No such file or directory".into()),
        );
        let rules = RuleSet::all(crate::rules::REGISTRY)
            .select(&["IN001".into()], &[])
            .expect("rule");
        let findings = engine::run(&ws, &rules, &crate::rules::test_util::options()).findings;
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "cannot read `gone.xml`: No such file or directory"
        );
        assert_eq!(findings[0].entity, "gone.xml");
    }

    #[test]
    fn quiet_for_a_readable_file() {
        let checked = super::super::test_util::check(
            &super::RULE,
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"/>",
        );
        assert!(checked.findings.is_empty());
    }
}
