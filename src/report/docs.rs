//! Rule documentation, generated from each rule's declaration: `explain`, `rules`, the SARIF
//! help text and the committed `rules/*.md` pages all come from here.

use std::fmt::Write as _;

use crate::lint::meta::{RuleMeta, Scope};
use crate::rules::ALL;

/// The Markdown page of one rule (`rules/<CODE>.md`).
#[must_use]
pub fn rule_page(meta: &RuleMeta) -> String {
    let runs_on = match meta.scope {
        Scope::Input => "every input file",
        Scope::Topology => "every topology",
        Scope::Deployment => "deployments with worksheets (topology joined with its worksheets)",
        Scope::Drift => {
            "deployments with a backup-time topology (`--backup-topology`, or the latest backup run's Export-CsConfiguration archive)"
        }
        Scope::Evidence => {
            "deployments with evidence of their backup runs (a `backup-listing` worksheet, `--backup-share`, `--read-backups`)"
        }
        Scope::Waivers => "the exemptions of topolint.toml and the baseline file",
    };
    let mut page = format!("# {}: {}\n\n> {}\n\n", meta.code, meta.name, meta.summary);
    let _ = writeln!(page, "- **Default severity:** {}", meta.severity.as_str());
    let _ = writeln!(
        page,
        "- **Category:** {} (`{}`)",
        meta.category(),
        meta.prefix()
    );
    let _ = writeln!(page, "- **Runs on:** {runs_on}");
    let sources = meta.sources();
    if !sources.is_empty() {
        let _ = writeln!(
            page,
            "- **Microsoft sources (TechNet):** {}",
            sources.join(", ")
        );
    }
    let _ = writeln!(
        page,
        "- **Configure:** `[rules] {} = \"error\" | \"warning\" | \"note\" | \"off\"` in `topolint.toml`, or `--ignore {}`",
        meta.code, meta.code
    );
    page.push('\n');
    page.push_str(&meta.docs_markdown());
    page.push('\n');
    page
}

/// The index page (`rules/README.md`), also `topolint rules --format markdown`.
#[must_use]
pub fn index() -> String {
    let mut page = String::from(
        "# Rules\n\nGenerated from the rule declarations in `src/rules/`; do not edit by hand \
         (`UPDATE_RULE_DOCS=1 cargo test --test meta` rewrites these pages).\n\n\
         Severity: **error**, a restore would fail or lose data; **warning**, a restore is slower, \
         manual or riskier; **note**, worth knowing.\n\n\
         | Code | Name | Severity | Checks |\n|---|---|---|---|\n",
    );
    for rule in ALL {
        let m = &rule.meta;
        let _ = writeln!(
            page,
            "| [{}]({}.md) | `{}` | {} | {} |",
            m.code,
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary.replace('|', "\\|")
        );
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_has_title_metadata_and_body() {
        let page = rule_page(&crate::rules::find("IN001").expect("IN001").meta);
        assert!(page.starts_with("# IN001: io-error\n"));
        assert!(page.contains("- **Default severity:** error"));
        assert!(page.contains("## What it checks"));
        assert!(
            !page.contains("\n ## "),
            "doc-comment indentation is stripped"
        );
    }

    #[test]
    fn sources_are_the_technet_ids_the_source_section_cites() {
        let bk212 = crate::rules::find("BK212").expect("BK212");
        assert_eq!(bk212.meta.sources(), ["Hh202184", "Dn720912"]);
        let page = rule_page(&bk212.meta);
        assert!(page.contains("- **Microsoft sources (TechNet):** Hh202184, Dn720912\n"));
        let ha401 = crate::rules::find("HA401").expect("HA401");
        assert_eq!(ha401.meta.sources(), ["JJ205248", "JJ204991"]);
    }

    #[test]
    fn index_lists_every_rule() {
        let index = index();
        assert!(
            ALL.iter()
                .all(|r| index.contains(&format!("[{}]({}.md)", r.meta.code, r.meta.code)))
        );
    }
}
