use crate::lint::prelude::*;
use crate::model::Deployment;
use crate::model::evidence::SharePath;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// Reports worksheets that belong to no deployment. A deployment is one topology document
    /// plus the worksheets in the same directory; worksheets that cannot be joined with exactly
    /// one readable topology are reported once per directory, naming the files involved:
    ///
    /// - beside **no topology document**: a warning (the worksheets may be templates kept
    ///   apart), except in a run that read no topology at all, where nothing was judged: then
    ///   it is an error;
    /// - beside **two or more topology documents**: an error at each topology after the first,
    ///   naming both; the worksheets are joined with none of them, and each of those
    ///   deployments is NOT READY, since its readiness cannot be judged;
    /// - beside a topology document that **cannot be read** (ill-formed XML, not UTF-8 or
    ///   UTF-16, in no topology namespace): an error at that file, besides the finding that says
    ///   what is wrong with it.
    ///
    /// A topology named on the command line (`topolint check dir/topology.xml`) still joins
    /// the worksheets beside it; another topology in that folder is then not read.
    ///
    /// It also reports backup evidence that is compared with nothing, as warnings; those about a
    /// `backup-listing` worksheet point at its first `FullName` cell:
    ///
    /// - the listing covers **none of the shares the worksheets name** (its files are on
    ///   `\\backup01.contoso.com\LyncBackup`, the rows say `\\backup01.contoso.com\lync`):
    ///   one finding naming both sides, with the named share it most likely means (the same
    ///   host, or the same share name on another host);
    /// - the listing covers **some of them but not all**: one finding per share it misses,
    ///   since the rows on that share are compared with nothing;
    /// - a listing with **no row** (its header only): a warning at its header;
    /// - a `backup-shares` mapping of `topolint.toml` whose share no worksheet of the run
    ///   names: a warning at that mapping. The configuration may serve runs over other
    ///   folders too, so it is not fatal.
    ///
    /// Shares compare as Windows compares them: `\\BACKUP01\LYNC` is
    /// `\\backup01.contoso.com\lync`. The EV rules judge nothing on the shares reported; the
    /// verdict follows the severity: a warning leaves it `READY` (the worksheets themselves
    /// were judged, only their backups were not) and is shown beside it; make it fail with
    /// `--fail-on warning`, or make it an error, and the verdict `NOT READY`, with
    /// `[rules] IN008 = "error"`.
    ///
    /// A `--backup-share` whose share no worksheet of the run names is not a finding but a
    /// usage error (exit 2) naming the share it most likely means: it was typed for this run,
    /// and, as a linter refuses an option that names nothing, a run that would read nothing
    /// there stops before it reports a verdict.
    ///
    /// ## Why it breaks a restore
    /// A worksheet nobody checks drifts out of date unnoticed. When several topologies share a
    /// folder, topolint cannot tell which deployment the worksheets describe, and a guess would
    /// report the wrong servers as unprotected (or the right ones as protected). A verdict that
    /// judged nothing must never read as ready. A backup listing taken on another share than
    /// the one the worksheets name proves nothing about the backups they describe, however
    /// complete it looks.
    ///
    /// ## Example
    /// ```text
    /// estate/
    ///   database.csv        <- reported: no topology here
    ///   site-a/topology.xml
    ///   site-b/topology.xml
    ///   site-b/old.xml      <- reported: a second topology beside site-b's worksheets
    ///   site-b/servers.csv
    /// ```
    ///
    /// ## How to fix
    /// Give each deployment its own folder holding its topology export
    /// (`Get-CsTopology -AsXml`) and its worksheets, or move the worksheets next to the
    /// topology they describe. Keep the export taken with a backup with that backup and name
    /// it with `--backup-topology`.
    /// For backup evidence, take the listing on the share the worksheets name, from its root
    /// (`Get-ChildItem -Path \\backup01.contoso.com\lync -Recurse -File`), or correct the
    /// worksheets' locations; map each share as the worksheets write it.
    ///
    /// ## Source
    /// The worksheets are part of the backup and restoration plan (*Backup and restoration
    /// worksheets*, Hh202169).
    pub static RULE = {
        code: "IN008",
        name: "ambiguous-deployment",
        severity: Warning,
        scope: Input,
        summary: "worksheets beside no topology document, or backup evidence on shares no worksheet names (warning); worksheets beside several or an unreadable topology (error)",
        help: "keep one topology document and its worksheets together in one folder per deployment",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let ws = cx.workspace;
    let files = ws
        .worksheets
        .iter()
        .map(|s| s.file)
        .chain(ws.topologies.iter().map(|t| t.file))
        .chain(ws.broken_topologies.iter().copied());
    for file in files {
        out.checked(&ws.files.get(file).display);
    }
    report_problems(
        cx,
        out,
        ProblemKind::Ambiguous,
        "joined with no topology",
        |p, _| p.message.clone(),
    );
    for d in &ws.deployments {
        listing_coverage(cx, d, out);
    }
}

/// The shares in words, the first few only: `` `\\b\lync`, `\\b\sql`, and 3 more ``.
fn shown(shares: &mut dyn Iterator<Item = &SharePath>) -> String {
    const SHOWN: usize = 5;
    let mut names: Vec<String> = (&mut *shares)
        .take(SHOWN)
        .map(|s| format!("`{s}`"))
        .collect();
    let more = shares.count();
    if more > 0 {
        names.push(format!("and {more} more"));
    }
    names.join(", ")
}

/// The `backup-listing` of `d` set against the shares its worksheet rows name.
fn listing_coverage(cx: &Context<'_>, d: &Deployment, out: &mut Emitter<'_>) {
    use crate::analysis::evidence;
    let listed = evidence::listed_shares(&d.sheets);
    let named = evidence::named_shares(&d.sheets);
    let Some(first) = listed.first() else {
        // A listing with no row (its header only) compares nothing either.
        if named.as_slice().is_empty() {
            return;
        }
        let empty = d
            .worksheets
            .iter()
            .map(|&i| &cx.workspace.worksheets[i])
            .filter(|w| w.kind == Kind::BackupListing && w.row_count == 0);
        for w in empty {
            let file = &cx.workspace.files.get(w.file).display;
            out.emit(
                Draft::new(
                    file,
                    format!(
                        "the backup listing `{file}` has no row, so none of the worksheets' rows is compared with it"
                    ),
                )
                .at(w.file, w.header, "a header and no file")
                .help("write the listing again from the root of the share the worksheets name"),
            );
        }
        return;
    };
    for share in named.as_slice() {
        out.checked(share.to_string());
    }
    let file = &cx.workspace.files.get(first.file).display;
    let unused: Vec<&evidence::Listed> = listed
        .iter()
        .filter(|l| !named.contains(&l.share))
        .collect();
    let covers_named = unused.len() < listed.len();
    if let Some(at) = unused.first() {
        let consequence = if covers_named {
            ": its files there are compared with nothing"
        } else {
            ", so none of their rows is compared with the listing"
        };
        let mut draft = Draft::new(
            file,
            format!(
                "the backup listing `{file}` covers {}, which no worksheet row names; {}{consequence}",
                shown(&mut unused.iter().map(|l| &l.share)),
                if named.as_slice().is_empty() {
                    "the worksheets name no backup location".to_string()
                } else {
                    format!("the worksheets name {}", shown(&mut named.as_slice().iter()))
                }
            ),
        )
        .at(at.file, at.cell, "on a share no worksheet names");
        if let Some(near) = evidence::near_share(&at.share, named.as_slice()) {
            draft = draft.help(format!(
                "did you mean `{near}`? take the listing on the share the worksheets name, or correct the worksheets' locations"
            ));
        }
        // The message names the first few; so do the labels.
        for other in unused.iter().skip(1).take(4) {
            draft = draft.also(other.file, other.cell, "also on a share no worksheet names");
        }
        out.emit(draft);
    }
    if !covers_named {
        return;
    }
    let missed = evidence::judge(&d.sheets, d.backups.as_ref()).uncovered;
    for share in &missed {
        out.emit(
            Draft::new(
                share.to_string(),
                format!(
                    "the backup listing `{file}` covers {} but not `{share}`, which the worksheets name: the rows there are compared with nothing",
                    shown(&mut listed.iter().map(|l| &l.share))
                ),
            )
            .at(first.file, first.cell, "no row of this listing is on that share")
            .help(
                "list that share's files too (from its root, like the others), or map it to a local copy with --backup-share",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::check_bytes;
    use super::RULE;
    use crate::lint::draft::Severity;

    const SHEET: &[u8] = b"Date,Backup share\n2026-11-20,\\\\b.contoso.com\\lync\n";
    const SERVERS: &[u8] =
        b"Server FQDN,Role,Replacement server,Computer account retained\nfe01.contoso.com,Front End,ready,yes\n";

    #[test]
    fn worksheets_without_a_topology_are_one_warning_per_folder() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("site/topology.xml", topology.as_bytes()),
                ("templates/backup-runs.csv", SHEET),
                ("templates/servers.csv", SERVERS),
            ],
        );
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "the 2 worksheets in `templates` have no topology document beside them, so no rule reads them"
        );
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.secondary.len(), 1, "the other worksheet is pointed at");
    }

    #[test]
    fn worksheets_in_a_run_without_any_topology_are_an_error() {
        let checked = check_bytes(&RULE, &[("backup-runs.csv", SHEET)]);
        assert_eq!(checked.findings.len(), 1);
        assert_eq!(checked.findings[0].severity, Severity::Error);
        assert!(
            checked.findings[0].message.contains(
                "has no topology document beside it, and the run read no topology at all"
            )
        );
    }

    #[test]
    fn a_second_topology_is_one_error_naming_both() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("a.xml", topology.as_bytes()),
                ("b.xml", topology.as_bytes()),
                ("backup-runs.csv", SHEET),
                ("servers.csv", SERVERS),
            ],
        );
        assert_eq!(checked.findings.len(), 1, "no cascade per worksheet");
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.entity, "b.xml");
        assert!(
            f.message
                .starts_with("`b.xml` is a second topology document in `.` beside `a.xml`"),
            "{}",
            f.message
        );
        let related: Vec<&str> = f.secondary.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(
            related,
            [
                "the first topology document of the folder",
                "joined with neither topology",
                "joined with neither topology"
            ]
        );
        assert!(checked.ws.deployments.iter().all(|d| d.unjoined == 2));
    }

    #[test]
    fn an_unreadable_topology_beside_worksheets_is_an_error_at_it() {
        let checked = check_bytes(
            &RULE,
            &[
                ("topology.xml", b"<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"><Clusters>"),
                ("servers.csv", SERVERS),
            ],
        );
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.entity, "topology.xml");
        assert!(
            f.message.contains("`topology.xml` could not be read"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_worksheet_beside_one_topology_is_joined() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("topology.xml", topology.as_bytes()),
                ("backup-runs.csv", SHEET),
            ],
        );
        assert!(checked.findings.is_empty());
        assert_eq!(checked.ws.deployments[0].worksheets, vec![0]);
    }

    const SETTINGS: &[u8] = b"Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location,Last backup,Notes\nxds,sql01.contoso.com,Daily,Export-CsConfiguration,CsConfiguration.zip,\\\\b.contoso.com\\lync\\2026-11-20,2026-11-20,\nlis,sql01.contoso.com,Daily,Export-CsLisConfiguration,CsLisConfiguration.zip,\\\\b2.contoso.com\\sql\\2026-11-20,2026-11-20,\n";

    fn with_listing(listing: &str) -> super::super::test_util::Checked {
        let topology = super::super::test_util::published("", "", "");
        check_bytes(
            &RULE,
            &[
                ("topology.xml", topology.as_bytes()),
                ("settings.csv", SETTINGS),
                ("backup-listing.csv", listing.as_bytes()),
            ],
        )
    }

    #[test]
    fn a_listing_on_shares_no_row_names_is_one_warning_offering_the_near_one() {
        let checked = with_listing(
            "FullName,Length,LastWriteTimeUtc\n\\\\b.contoso.com\\LyncBackup\\2026-11-20\\CsConfiguration.zip,10,2026-11-20T21:00:00Z\n\\\\b.contoso.com\\Other\\x.zip,10,2026-11-20T21:00:00Z\n",
        );
        assert_eq!(checked.findings.len(), 1, "{:?}", checked.findings);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.message,
            "the backup listing `backup-listing.csv` covers `\\\\b.contoso.com\\LyncBackup`, `\\\\b.contoso.com\\Other`, which no worksheet row names; the worksheets name `\\\\b.contoso.com\\lync`, `\\\\b2.contoso.com\\sql`, so none of their rows is compared with the listing"
        );
        assert_eq!(
            f.help,
            "did you mean `\\\\b.contoso.com\\lync`? take the listing on the share the worksheets name, or correct the worksheets' locations"
        );
        assert_eq!(f.secondary.len(), 1, "the second share's first row");
    }

    #[test]
    fn a_listing_missing_a_named_share_is_one_warning_for_that_share() {
        // Another case and a single-label host: the same share, as Windows compares them.
        let checked = with_listing(
            "FullName,Length,LastWriteTimeUtc\n\\\\B\\LYNC\\2026-11-20\\CsConfiguration.zip,10,2026-11-20T21:00:00Z\n",
        );
        assert_eq!(checked.findings.len(), 1, "{:?}", checked.findings);
        let f = &checked.findings[0];
        assert_eq!(f.entity, "\\\\b2.contoso.com\\sql");
        assert!(
            f.message.contains("but not `\\\\b2.contoso.com\\sql`"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_listing_covering_every_named_share_is_quiet() {
        let checked = with_listing(
            "FullName,Length,LastWriteTimeUtc\n\\\\b.contoso.com\\lync\\2026-11-20\\CsConfiguration.zip,10,2026-11-20T21:00:00Z\n\\\\b2.contoso.com\\sql\\2026-11-20\\CsLisConfiguration.zip,10,2026-11-20T21:00:00Z\n",
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    }

    #[test]
    fn a_listing_on_many_other_shares_names_the_first_few() {
        let mut listing = String::from("FullName,Length,LastWriteTimeUtc\n");
        for i in 0..7 {
            listing.push_str(&format!(
                "\\\\h{i}.contoso.com\\s\\x.zip,10,2026-11-20T21:00:00Z\n"
            ));
        }
        let checked = with_listing(&listing);
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert!(
            f.message
                .contains("`\\\\h4.contoso.com\\s`, and 2 more, which no worksheet row names"),
            "{}",
            f.message
        );
        assert_eq!(f.secondary.len(), 4);
    }

    #[test]
    fn a_listing_with_no_row_is_a_warning_at_its_header() {
        let checked = with_listing("FullName,Length,LastWriteTimeUtc\n");
        assert_eq!(checked.findings.len(), 1, "{:?}", checked.findings);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "the backup listing `backup-listing.csv` has no row, so none of the worksheets' rows is compared with it"
        );
        let at = f.primary.as_ref().expect("located");
        assert_eq!(at.span.start, 0, "at the header");
    }
}
