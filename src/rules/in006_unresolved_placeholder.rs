use std::collections::BTreeMap;

use crate::input::source::FileId;
use crate::input::span::{Span, Spanned};
use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports template placeholders left in a topology or in the worksheets beside it:
    /// PowerShell variables (`$SkypeFQDN`, `${Domain}`) and mustache fields (`{{pool_fqdn}}`) in
    /// attribute values, element text or worksheet cells.
    /// One finding per distinct placeholder, at its first occurrence, with a few more occurrences
    /// shown. A `$` not followed by a name (`Cost 5$`) is not a placeholder.
    ///
    /// Other rules do not trust names built from placeholders: a pool called `$SkypeFQDN` is not
    /// reported as a single-label host or a duplicate.
    ///
    /// ## Why it breaks a restore
    /// A template is not a record of a deployment. Deployment scripts that generate topologies
    /// from templates (then `Publish-CsTopology -FileName ... -Force`) are common in labs; if the
    /// template rather than the expanded export is what was kept with the backups, the real server
    /// names, SQL instances and shares are nowhere on record.
    ///
    /// ## Example
    /// ```xml
    /// <Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="$SkypeFQDN">
    /// ```
    ///
    /// ## How to fix
    /// Keep the topology the deployment actually runs: export it with
    /// `(Get-CsTopology -AsXml).ToString() > topology.xml` after publishing, instead of the
    /// template it was made from.
    ///
    /// ## Source
    /// DNS, domain names, computer FQDNs and file store paths must be the same at restore time as at
    /// backup time (*Backup and restoration process overview*, Hh202192), so they must be on record.
    pub static RULE = {
        code: "IN006",
        name: "unresolved-placeholder",
        severity: Error,
        scope: Topology,
        summary: "template placeholders left in a topology or worksheet",
        help: "check in the topology exported after publishing (`Get-CsTopology -AsXml`), not the template it was generated from",
        check: check,
    }
}

/// Occurrences shown besides the first.
const SHOWN: usize = 3;

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    // A file with placeholders is reported by placeholder; a clean one passes by its path.
    if topology.placeholders.is_empty() {
        out.checked(&cx.file(topology).display);
    }
    report(out, topology.file, &topology.placeholders, None);
    if let Some(deployment) = cx.deployment {
        for &index in &deployment.worksheets {
            if let Some(sheet) = cx.workspace.worksheets.get(index) {
                if sheet.placeholders.is_empty() {
                    out.checked(&cx.workspace.files.get(sheet.file).display);
                }
                report(
                    out,
                    sheet.file,
                    &sheet.placeholders,
                    Some(sheet.kind.name()),
                );
            }
        }
    }
}

/// One finding per distinct placeholder of a file, at its first occurrence.
fn report(
    out: &mut Emitter<'_>,
    file: FileId,
    placeholders: &[Spanned<String>],
    worksheet: Option<&str>,
) {
    let mut by_name: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
    for p in placeholders {
        by_name.entry(p.value.as_str()).or_default().push(p.span);
    }
    for (name, spans) in by_name {
        let count = spans.len();
        let message = if count == 1 {
            format!("template placeholder `{}` was never replaced", shown(name))
        } else {
            format!(
                "template placeholder `{}` was never replaced ({count} occurrences)",
                shown(name)
            )
        };
        let entity = match worksheet {
            Some(kind) => format!("{name}@{kind}"),
            None => name.to_string(),
        };
        let mut draft = Draft::new(entity, message).at(file, spans[0], "placeholder");
        for span in spans.iter().skip(1).take(SHOWN) {
            draft = draft.also(file, *span, "also here");
        }
        if worksheet.is_some() {
            draft = draft.help("write the real value in the worksheet cell");
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published};
    use super::RULE;

    #[test]
    fn one_finding_per_placeholder_at_its_first_use() {
        let xml = published(
            &[
                cluster(1, "$PoolFqdn", &["$PoolFqdn"]),
                cluster(2, "{{ sql }}", &["sql01.contoso.com"]),
            ]
            .join("\n"),
            "",
            "",
        );
        let checked = check(&RULE, &xml);
        assert_eq!(checked.entities(), ["$PoolFqdn", "{{ sql }}"]);
        assert_eq!(checked.findings[0].secondary.len(), 1);
        assert!(checked.findings[0].message.contains("2 occurrences"));
    }

    #[test]
    fn quiet_for_a_dollar_that_is_not_a_placeholder() {
        let xml = published(
            &cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
            "",
            "",
        )
        .replace("<Name>Redmond</Name>", "<Name>Cost 5$ office</Name>");
        assert!(check(&RULE, &xml).findings.is_empty());
    }

    #[test]
    fn placeholders_in_worksheet_cells() {
        let checked = super::super::test_util::example_with(
            &RULE,
            &[(
                "backup-runs.csv",
                "\\\\backup01.contoso.com\\lync\\2026-11-20",
                "\\\\{{backup_host}}\\lync\\2026-11-20",
            )],
        );
        assert_eq!(checked.entities(), ["{{backup_host}}@backup-runs"]);
        assert_eq!(checked.labelled(), ["{{backup_host}}"]);
    }
}
