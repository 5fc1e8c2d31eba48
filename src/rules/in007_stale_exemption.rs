use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports waivers that no longer do anything:
    ///
    /// - an `[[exemptions]]` entry of `topolint.toml` whose `expires` date is before `--as-of`
    ///   (the finding it waived is reported again, with its own severity);
    /// - an exemption that matches no finding, although its rule ran: what it waived was fixed,
    ///   or its `entity` does not name the finding's entity;
    /// - an entry of the `--baseline` file that matches no finding of a rule that ran (or names a
    ///   rule that no longer exists).
    ///
    /// An exemption of a rule that was not run (turned off, or not selected with `--select`) is
    /// not judged, since nothing could have matched it. The finding points at the entry in the
    /// configuration or baseline file.
    ///
    /// ## Why it breaks a restore
    /// A waiver is a decision someone took about one gap, for a time. Once the gap is fixed the
    /// waiver is dead weight, and a dead waiver is dangerous: when the same server or share is
    /// renamed or re-created later, it may silently hide a new gap, and reviewers stop trusting
    /// the list. An expired exemption means the decision was due for review.
    ///
    /// ## Example
    /// ```toml
    /// [[exemptions]]
    /// rule = "RS301"
    /// entity = "edge01.contoso.com"
    /// reason = "edge is rebuilt from the image library"
    /// expires = 2026-10-31      # before --as-of 2026-11-21: reported, and RS301 fires again
    /// ```
    ///
    /// ## How to fix
    /// Remove the exemption once its finding is fixed; otherwise review it and set a new expiry
    /// date. For a baseline, rewrite it with `topolint check --write-baseline FILE`, which keeps
    /// only the findings that still exist.
    ///
    /// ## Source
    /// Keep the worksheets current so that a restore can rely on them (*Backup and restoration
    /// requirements: data*, Hh202194; *Establishing a backup and restoration plan*, Hh202183).
    pub static RULE = {
        code: "IN007",
        name: "stale-exemption",
        severity: Warning,
        scope: Waivers,
        summary: "an exemption or baseline entry that expired or no longer matches any finding",
        help: "remove the exemption or baseline entry, or review it and give it a new expiry date",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    for stale in cx.stale {
        let mut draft = Draft::new(&stale.entity, &stale.message).help(&stale.help);
        if let Some((file, span)) = stale.at {
            draft = draft.at(file, span, &stale.label);
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::config;
    use crate::lint::engine::{self, RuleSet};
    use crate::lint::finding::Finding;
    use crate::lint::waiver::{Baseline, BaselineUse, Waivers};
    use crate::rules::test_util::{EXAMPLE, options};

    /// The example with RS301 broken for edge01 (its replacement is `none`).
    fn broken() -> crate::model::Workspace {
        let files: Vec<(String, Vec<u8>)> = EXAMPLE
            .iter()
            .map(|(n, t)| {
                let text = if *n == "servers.csv" {
                    t.replacen(
                        "edge01.contoso.com,Edge,ready",
                        "edge01.contoso.com,Edge,none",
                        1,
                    )
                } else {
                    (*t).to_string()
                };
                ((*n).to_string(), text.into_bytes())
            })
            .collect();
        let files: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        crate::model::load::from_memory(&files)
    }

    fn codes(findings: &[Finding]) -> Vec<(&str, bool)> {
        findings
            .iter()
            .map(|f| (f.rule.code, f.is_active()))
            .collect()
    }

    fn exemption(expires: &str, entity: &str) -> config::Config {
        config::parse(
            &format!(
                "[[exemptions]]\nrule = \"no-same-fqdn-replacement\"\nentity = \"{entity}\"\nreason = \"rebuilt from the image library\"\nexpires = {expires}\n"
            ),
            "topolint.toml",
            crate::rules::REGISTRY,
        )
        .expect("valid")
    }

    #[test]
    fn the_broken_example_fires_rs301_once() {
        let ws = broken();
        let report = engine::run(&ws, &RuleSet::all(crate::rules::REGISTRY), &options());
        assert_eq!(codes(&report.findings), vec![("RS301", true)]);
    }

    #[test]
    fn an_exemption_waives_its_finding_until_it_expires() {
        let ws = broken();
        let config = exemption("2027-03-31", "EDGE01.contoso.com");
        let waivers = Waivers {
            exemptions: &config.exemptions,
            ..Waivers::default()
        };
        let report = engine::run_with(
            &ws,
            &RuleSet::all(crate::rules::REGISTRY),
            &options(),
            &waivers,
        );
        assert_eq!(codes(&report.findings), vec![("RS301", false)]);
        assert_eq!((report.summary.errors, report.summary.suppressed), (0, 1));

        let config = exemption("2026-11-20", "edge01.contoso.com");
        let waivers = Waivers {
            exemptions: &config.exemptions,
            ..Waivers::default()
        };
        let report = engine::run_with(
            &ws,
            &RuleSet::all(crate::rules::REGISTRY),
            &options(),
            &waivers,
        );
        assert_eq!(
            codes(&report.findings),
            vec![("RS301", true), ("IN007", true)]
        );
        assert!(
            report.findings[1]
                .message
                .contains("expired on 2026-11-20; the finding it waived is reported again"),
            "{}",
            report.findings[1].message
        );
    }

    #[test]
    fn an_exemption_matching_nothing_is_reported_unless_its_rule_did_not_run() {
        let ws = broken();
        let config = exemption("2027-03-31", "edge02.contoso.com");
        let waivers = Waivers {
            exemptions: &config.exemptions,
            ..Waivers::default()
        };
        let report = engine::run_with(
            &ws,
            &RuleSet::all(crate::rules::REGISTRY),
            &options(),
            &waivers,
        );
        assert_eq!(
            codes(&report.findings),
            vec![("RS301", true), ("IN007", true)]
        );
        assert_eq!(
            report.findings[1].message,
            "the exemption of RS301 for edge02.contoso.com matches no finding"
        );
        let only_tp = RuleSet::all(crate::rules::REGISTRY)
            .select(&["TP".into(), "IN".into()], &[])
            .expect("valid");
        let report = engine::run_with(&ws, &only_tp, &options(), &waivers);
        assert!(report.findings.is_empty(), "{:?}", codes(&report.findings));
    }

    #[test]
    fn a_baseline_hides_exactly_its_findings_and_reports_entries_that_match_nothing() {
        let ws = broken();
        let recorded = engine::run_with(
            &ws,
            &RuleSet::all(crate::rules::REGISTRY),
            &options(),
            &Waivers {
                baseline: BaselineUse::Record,
                ..Waivers::default()
            },
        );
        assert!(recorded.findings.is_empty());
        assert_eq!(recorded.summary.baselined, 1);
        let text = crate::report::baseline::render(&recorded.baselined);
        let baseline = Baseline::parse(&text, None).expect("reads back");
        assert_eq!(baseline.entries.len(), 1);

        let applied = Waivers {
            baseline: BaselineUse::Apply(&baseline),
            ..Waivers::default()
        };
        let report = engine::run_with(
            &ws,
            &RuleSet::all(crate::rules::REGISTRY),
            &options(),
            &applied,
        );
        assert!(report.findings.is_empty());
        assert_eq!(report.summary.baselined, 1);

        // Fixed since: the entry is stale.
        let files: Vec<(&str, &[u8])> = EXAMPLE.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let fixed = crate::model::load::from_memory(&files);
        let report = engine::run_with(
            &fixed,
            &RuleSet::all(crate::rules::REGISTRY),
            &options(),
            &applied,
        );
        assert_eq!(codes(&report.findings), vec![("IN007", true)]);
        assert_eq!(
            report.findings[0].message,
            "the baseline entry for RS301 edge01.contoso.com matches no finding"
        );
    }
}
