//! `topolint rules`: the rule list as text, Markdown or JSON.

use std::io::Write;

use super::args::RulesFormat;
use super::setup::write;
use crate::lint::error::Fatal;
use crate::report::docs;
use crate::rules;

pub(super) fn rules_cmd(format: RulesFormat, out: &mut dyn Write) -> Result<u8, Fatal> {
    let text = match format {
        RulesFormat::Markdown => docs::index(),
        RulesFormat::Text => {
            let mut text = String::new();
            for rule in rules::ALL {
                let m = &rule.meta;
                text.push_str(&format!(
                    "{:<6} {:<36} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    m.summary
                ));
            }
            text
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    let m = &r.meta;
                    serde_json::json!({
                        "code": m.code,
                        "name": m.name,
                        "severity": m.severity.as_str(),
                        "category": m.category(),
                        "summary": m.summary,
                        "sources": m.sources(),
                        "url": m.url(),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(
                &serde_json::json!({ "schema_version": 1, "rules": list }),
            )
            .map_err(|e| Fatal::Io {
                message: e.to_string(),
            })?;
            text.push('\n');
            text
        }
    };
    write(out, text.as_bytes())?;
    Ok(0)
}
