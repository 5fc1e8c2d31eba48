//! `topolint.toml`: found in the working directory or its parents, or named with `--config`.
//!
//! `[rules]` sets severities by code or name; `[options]` holds the thresholds and the product;
//! `[[exemptions]]` waives single findings by rule and entity, with a reason and an expiry date.
//! Unknown keys, rules and values are fatal (exit 2), with a diagnostic pointing into the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::input::span::Span;
use crate::lint::draft::Severity;
use crate::lint::error::{ConfigError, Fatal};
use crate::lint::options::Options;
use crate::lint::rule::Registry;
use crate::lint::waiver::Exemption;
use crate::model::Product;
use crate::model::date::Date;

/// The file name looked for.
pub const FILE_NAME: &str = "topolint.toml";

/// A read configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from, if anywhere.
    pub path: Option<PathBuf>,
    /// `[rules]`: rule code to severity (`None` = off).
    pub rules: BTreeMap<&'static str, Option<Severity>>,
    pub max_backup_age_days: Option<u32>,
    pub expiry_warning_days: Option<u32>,
    pub product: Option<Product>,
    /// `[options] backup-topology`, resolved against the configuration file's folder.
    pub backup_topology: Option<PathBuf>,
    /// `[options] require-readiness`.
    pub require_readiness: bool,
    /// Where `backup-topology`'s value is in the file, for pointing at it.
    backup_topology_span: Option<std::ops::Range<usize>>,
    /// `[options] backup-shares`: each share (`\\host\share[\folder]`, as written) with the
    /// folder holding a copy of it, resolved against the configuration file's folder.
    pub backup_shares: Vec<(String, PathBuf)>,
    /// Where each `backup-shares` value is in the file, in the same order.
    backup_shares_spans: Vec<std::ops::Range<usize>>,
    /// `[[exemptions]]`, in file order.
    pub exemptions: Vec<Exemption>,
    /// The file's text, for pointing at an exemption (empty without a file).
    pub text: String,
    /// The file as shown in diagnostics.
    pub shown: String,
}

impl Config {
    /// Where the `i`th `backup-shares` mapping's folder is written in the file.
    #[must_use]
    pub fn backup_share_span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        self.backup_shares_spans.get(i).cloned()
    }

    /// The options for a run measuring against `as_of`.
    #[must_use]
    pub fn options(&self, as_of: Date) -> Options {
        let defaults = Options::new(as_of);
        Options {
            as_of,
            as_of_is_today: defaults.as_of_is_today,
            max_backup_age_days: self
                .max_backup_age_days
                .unwrap_or(defaults.max_backup_age_days),
            expiry_warning_days: self
                .expiry_warning_days
                .unwrap_or(defaults.expiry_warning_days),
            product: self.product,
            record_checked: defaults.record_checked,
            require_readiness: self.require_readiness,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    options: RawOptions,
    #[serde(default)]
    exemptions: Vec<RawExemption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExemption {
    rule: toml::Spanned<String>,
    entity: toml::Spanned<String>,
    reason: toml::Spanned<String>,
    /// A TOML date (`2027-03-31`) or a string holding one.
    expires: toml::Spanned<toml::Value>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOptions {
    max_backup_age_days: Option<u32>,
    expiry_warning_days: Option<u32>,
    product: Option<toml::Spanned<String>>,
    backup_topology: Option<toml::Spanned<String>>,
    require_readiness: Option<bool>,
    backup_shares: Option<BTreeMap<String, toml::Spanned<String>>>,
}

/// The most bytes read from a configuration file (4 MiB: some thousands of exemptions); a larger
/// one is exit 2.
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// Finds and reads the configuration: `explicit` when given, otherwise the nearest
/// `topolint.toml` from `cwd` upwards; none at all is the default configuration.
///
/// # Errors
/// An unreadable or invalid file.
pub fn load(explicit: Option<&Path>, cwd: &Path, rules: Registry) -> Result<Config, Fatal> {
    let path = match explicit {
        Some(p) => Some(cwd.join(p)),
        // Anything but a directory by that name is the configuration (a FIFO is refused below).
        None => cwd
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.metadata().is_ok_and(|m| !m.is_dir())),
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let shown = crate::input::source::display_path(&path, cwd);
    let text = crate::input::source::read_text(&path, MAX_CONFIG_BYTES).map_err(|reason| {
        Fatal::PathNotFound {
            path: shown.clone(),
            reason,
        }
    })?;
    let mut config = parse(&text, &shown, rules)?;
    // A relative path is relative to the configuration file, wherever it is run, and stays
    // inside its folder: a committed configuration must not read the machine.
    let base = path.parent().unwrap_or(cwd).to_path_buf();
    if let Some(backup) = config.backup_topology.take() {
        let span = config.backup_topology_span.clone();
        let resolved = inside(
            &base,
            &backup,
            &text,
            &shown,
            "backup-topology",
            span.clone(),
        )?;
        if !resolved.is_file() {
            return Err(config_error(
                &text,
                &shown,
                format!(
                    "backup-topology `{}` is not a file",
                    crate::input::text::shown(&backup.to_string_lossy())
                ),
                span,
                Some(format!(
                    "the path is relative to {shown}'s folder; it names the topology exported with the last backup (`Get-CsTopology -AsXml`)"
                )),
            ));
        }
        config.backup_topology = Some(resolved);
    }
    for (i, (unc, dir)) in config.backup_shares.iter_mut().enumerate() {
        let span = config.backup_shares_spans.get(i).cloned();
        let resolved = inside(&base, dir, &text, &shown, "backup-shares", span.clone())?;
        if !resolved.is_dir() {
            return Err(config_error(
                &text,
                &shown,
                format!(
                    "backup-shares: `{}` for `{}` is not a folder",
                    crate::input::text::shown(&dir.to_string_lossy()),
                    crate::input::text::shown(unc)
                ),
                span,
                Some(format!(
                    "the path is relative to {shown}'s folder; it names a copy or mount of the share"
                )),
            ));
        }
        *dir = resolved;
    }
    config.path = Some(path);
    Ok(config)
}

/// `value` (a path of the configuration, under `key`) resolved against `base`, the folder of
/// the configuration file; an absolute path, one that climbs out, or one that leads out through a
/// link is an error pointing at `span`. A path that does not exist is returned as it is (the
/// caller says what it should be).
fn inside(
    base: &Path,
    value: &Path,
    text: &str,
    shown: &str,
    key: &str,
    span: Option<std::ops::Range<usize>>,
) -> Result<PathBuf, Fatal> {
    let written = value.to_string_lossy();
    let outside = |why: &str| {
        config_error(
            text,
            shown,
            format!(
                "{key} `{}` {why} the folder of {shown}",
                crate::input::text::shown(&written)
            ),
            span.clone(),
            Some(format!(
                "a path in the configuration stays inside the folder of the configuration file (or its subfolders); to read one elsewhere, name it on the command line: --{}",
                if key == "backup-shares" {
                    "backup-share UNC=DIR"
                } else {
                    "backup-topology PATH"
                }
            )),
        )
    };
    if is_rooted(&written) {
        return Err(outside("is an absolute path, not inside"));
    }
    if climbs(&written) {
        return Err(outside("climbs out of"));
    }
    let resolved = base.join(value);
    if !resolved.exists() {
        return Ok(resolved);
    }
    // A link inside the folder may still lead out of it.
    let inside = match (base.canonicalize(), resolved.canonicalize()) {
        (Ok(base), Ok(target)) => target.starts_with(base),
        _ => false,
    };
    if !inside {
        return Err(outside("leads (through a link) out of"));
    }
    Ok(resolved)
}

/// Whether a path written in the configuration is absolute or rooted, on any system the file
/// may be read on: `/x`, `\\x`, `\\server\share`, `C:\x`, `C:x`.
fn is_rooted(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
        || Path::new(path).has_root()
}

/// Whether a relative path climbs above its starting folder with `..`.
fn climbs(path: &str) -> bool {
    let mut depth: i64 = 0;
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

fn config_error(
    text: &str,
    shown: &str,
    message: String,
    span: Option<std::ops::Range<usize>>,
    help: Option<String>,
) -> Fatal {
    Fatal::Config(Box::new(ConfigError {
        message,
        source: miette::NamedSource::new(shown, text.to_string()),
        span: span.map(|r| (r.start, r.end.saturating_sub(r.start)).into()),
        help,
    }))
}

/// Parses configuration text; `shown` names the file in diagnostics.
///
/// # Errors
/// Invalid TOML, unknown keys, rules or values.
pub fn parse(text: &str, shown: &str, rules: Registry) -> Result<Config, Fatal> {
    let error = |message: String, span: Option<std::ops::Range<usize>>, help: Option<String>| {
        config_error(text, shown, message, span, help)
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let help = unknown_field_help(e.message());
        error(
            format!("invalid {shown}: {}", e.message().trim_end()),
            e.span(),
            help,
        )
    })?;
    let mut config = Config::default();
    for (key, value) in &raw.rules {
        let Some(rule) = rules.find(key) else {
            let suggestion = rules.suggest(key).map(|s| format!("did you mean `{s}`?"));
            return Err(error(
                format!("unknown rule `{key}` in [rules]"),
                find_key(text, key),
                suggestion.or_else(|| Some("run `topolint rules` for the codes and names".into())),
            ));
        };
        let level = match value.get_ref().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            "off" => None,
            other => {
                return Err(error(
                    format!("`{other}` is not a severity"),
                    Some(value.span()),
                    Some("use error, warning, note or off".to_string()),
                ));
            }
        };
        config.rules.insert(rule.meta.code, level);
    }
    for entry in &raw.exemptions {
        config.exemptions.push(exemption(entry, rules, &error)?);
    }
    config.text = text.to_string();
    config.shown = shown.to_string();
    config.max_backup_age_days = raw.options.max_backup_age_days;
    config.expiry_warning_days = raw.options.expiry_warning_days;
    config.require_readiness = raw.options.require_readiness.unwrap_or(false);
    if let Some(product) = &raw.options.product {
        config.product = match product.get_ref().as_str() {
            "auto" => None,
            "lync2013" => Some(Product::Lync2013),
            "sfb2015" => Some(Product::Sfb2015),
            "sfb2019" => Some(Product::Sfb2019),
            other => {
                return Err(error(
                    format!("`{other}` is not a product"),
                    Some(product.span()),
                    Some("use auto, lync2013, sfb2015 or sfb2019".to_string()),
                ));
            }
        };
    }
    if let Some(backup) = &raw.options.backup_topology {
        let value = backup.get_ref().trim();
        if value.is_empty() {
            return Err(error(
                "backup-topology is empty".to_string(),
                Some(backup.span()),
                Some("name the topology file exported with the last backup, relative to this file, or remove the key".to_string()),
            ));
        }
        config.backup_topology = Some(PathBuf::from(value));
        config.backup_topology_span = Some(backup.span());
    }
    for (unc, dir) in raw.options.backup_shares.iter().flatten() {
        if crate::model::evidence::SharePath::parse(unc).is_none() {
            return Err(error(
                format!(
                    "backup-shares: `{}` is not a share",
                    crate::input::text::shown(unc)
                ),
                find_key(text, unc).or_else(|| Some(dir.span())),
                Some("name the share as the worksheets do, `\\\\host\\share` (a TOML literal string in single quotes keeps the backslashes as they are)".to_string()),
            ));
        }
        let value = dir.get_ref().trim();
        if value.is_empty() {
            return Err(error(
                format!(
                    "backup-shares: the folder for `{}` is empty",
                    crate::input::text::shown(unc)
                ),
                Some(dir.span()),
                Some(
                    "name the folder holding a copy or mount of the share, relative to this file"
                        .to_string(),
                ),
            ));
        }
        config
            .backup_shares
            .push((unc.clone(), PathBuf::from(value)));
        config.backup_shares_spans.push(dir.span());
    }
    Ok(config)
}

/// Checks one `[[exemptions]]` entry.
fn exemption(
    raw: &RawExemption,
    rules: Registry,
    error: &dyn Fn(String, Option<std::ops::Range<usize>>, Option<String>) -> Fatal,
) -> Result<Exemption, Fatal> {
    let key = raw.rule.get_ref().trim();
    let Some(rule) = rules.find(key) else {
        let suggestion = rules.suggest(key).map(|s| format!("did you mean `{s}`?"));
        return Err(error(
            format!("unknown rule `{key}` in [[exemptions]]"),
            Some(raw.rule.span()),
            suggestion.or_else(|| Some("run `topolint rules` for the codes and names".into())),
        ));
    };
    let entity = raw.entity.get_ref().trim();
    if entity.is_empty() {
        return Err(error(
            "an exemption needs the entity its finding is about".to_string(),
            Some(raw.entity.span()),
            Some("copy the `entity` of the finding from `--format json` (an FQDN, `fqdn\\instance` or `\\\\host\\share`)".to_string()),
        ));
    }
    let reason = raw.reason.get_ref().trim();
    if reason.is_empty() {
        return Err(error(
            "an exemption needs a reason".to_string(),
            Some(raw.reason.span()),
            Some("say why the finding is accepted, so the next reviewer can judge it".to_string()),
        ));
    }
    let expires_text = match raw.expires.get_ref() {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    };
    let Some(expires) = Date::parse(&expires_text) else {
        return Err(error(
            format!("`{expires_text}` is not a date"),
            Some(raw.expires.span()),
            Some("write the last day the exemption applies as YYYY-MM-DD, for example expires = 2027-03-31".to_string()),
        ));
    };
    Ok(Exemption {
        rule: rule.meta.code,
        entity: entity.to_string(),
        reason: reason.to_string(),
        expires,
        span: Span::new(raw.rule.span().start, raw.rule.span().end),
        expires_span: Span::new(raw.expires.span().start, raw.expires.span().end),
    })
}

/// Known keys of each table, for "did you mean" on an unknown one.
const KNOWN_KEYS: &[(&str, &[&str])] = &[
    ("the top level", &["rules", "options", "exemptions"]),
    (
        "[options]",
        &[
            "max-backup-age-days",
            "expiry-warning-days",
            "product",
            "backup-topology",
            "require-readiness",
            "backup-shares",
        ],
    ),
    ("[[exemptions]]", &["rule", "entity", "reason", "expires"]),
];

/// Help for TOML's "unknown field `x`, expected ..." and "missing field `x`" messages.
fn unknown_field_help(message: &str) -> Option<String> {
    let quoted = |prefix: &str| {
        let rest = message.split(prefix).nth(1)?;
        let rest = rest.strip_prefix('`')?;
        rest.split('`').next().map(str::to_string)
    };
    if let Some(field) = quoted("missing field ") {
        return match field.as_str() {
            "reason" => Some("every exemption needs a reason: why the finding is accepted".into()),
            "expires" => Some("every exemption needs an expiry date (expires = YYYY-MM-DD), so that it is reviewed again".into()),
            _ => Some(format!("add `{field}`")),
        };
    }
    let field = quoted("unknown field ")?;
    let closest = KNOWN_KEYS
        .iter()
        .flat_map(|(table, keys)| keys.iter().map(move |k| (*table, *k)))
        .map(|(table, k)| (strsim::damerau_levenshtein(&field, k), table, k))
        .filter(|(d, _, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _, _)| *d);
    Some(match closest {
        Some((_, table, k)) => format!("did you mean `{k}` (in {table})?"),
        None => "the known tables are [rules], [options] (max-backup-age-days, expiry-warning-days, product, backup-topology, require-readiness, backup-shares) and [[exemptions]] (rule, entity, reason, expires)".to_string(),
    })
}

/// The span of a key in the text, for pointing at it (a plain search: keys are short and
/// the first occurrence is the one that matters).
fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let quoted = format!("\"{key}\"");
    text.find(&quoted)
        .map(|at| at..at + quoted.len())
        .or_else(|| text.find(key).map(|at| at..at + key.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration of `text`, with every rule of the registry.
    fn parse(text: &str, shown: &str) -> Result<Config, Fatal> {
        super::parse(text, shown, crate::rules::REGISTRY)
    }

    fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Config, Fatal> {
        super::load(explicit, cwd, crate::rules::REGISTRY)
    }

    fn message(err: &Fatal) -> String {
        err.to_string()
    }

    #[test]
    fn reads_rules_and_options() {
        let config = parse(
            "[rules]\nBK211 = \"warning\"\n\"mirror-without-witness\" = \"error\"\nTP108 = \"off\"\n\n[options]\nmax-backup-age-days = 2\nexpiry-warning-days = 60\nproduct = \"sfb2015\"\nrequire-readiness = true\n",
            "topolint.toml",
        )
        .expect("valid");
        assert_eq!(config.rules.get("BK211"), Some(&Some(Severity::Warning)));
        assert_eq!(config.rules.get("HA401"), Some(&Some(Severity::Error)));
        assert_eq!(config.rules.get("TP108"), Some(&None));
        let options = config.options(Date::parse("2026-11-21").expect("date"));
        assert_eq!(options.max_backup_age_days, 2);
        assert_eq!(options.expiry_warning_days, 60);
        assert_eq!(options.product, Some(Product::Sfb2015));
        assert!(options.require_readiness);
        let defaults = parse("", "t.toml").expect("empty");
        assert!(
            !defaults
                .options(Date::parse("2026-11-21").expect("date"))
                .require_readiness
        );
    }

    #[test]
    fn unknown_keys_rules_and_values_are_errors_with_places() {
        let err = parse("[options]\nmax-backup-age = 2\n", "t.toml").expect_err("unknown key");
        assert!(
            message(&err).contains("unknown field `max-backup-age`"),
            "{}",
            message(&err)
        );
        let err = parse("[rules]\nBK2011 = \"off\"\n", "t.toml").expect_err("unknown rule");
        let Fatal::Config(config_error) = &err else {
            panic!("config error")
        };
        assert_eq!(config_error.help.as_deref(), Some("did you mean `BK201`?"));
        assert_eq!(config_error.span.map(|s| s.offset()), Some(8));
        let err = parse("[rules]\nTP101 = \"loud\"\n", "t.toml").expect_err("bad level");
        assert_eq!(message(&err), "`loud` is not a severity");
        let err = parse("[options]\nproduct = \"lync2010\"\n", "t.toml").expect_err("product");
        assert_eq!(message(&err), "`lync2010` is not a product");
    }

    #[test]
    fn backup_topology_is_relative_to_the_file_and_must_exist() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("deploy");
        std::fs::create_dir_all(dir.path().join("backups")).expect("mkdir");
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(dir.path().join("backups/topology.xml"), "<x/>").expect("write");
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[options]\nbackup-topology = \"backups/topology.xml\"\n",
        )
        .expect("write");
        // Found from a subfolder, the path still resolves against the file's folder.
        let config = load(None, &sub).expect("valid");
        assert_eq!(
            config.backup_topology,
            Some(dir.path().join("backups/topology.xml"))
        );

        let text = "[options]\nbackup-topology = \"backups/missing.xml\"\n";
        std::fs::write(dir.path().join(FILE_NAME), text).expect("write");
        let err = load(None, &sub).expect_err("missing file");
        let Fatal::Config(config_error) = &err else {
            panic!("config error, got {err:?}")
        };
        assert_eq!(
            message(&err),
            "backup-topology `backups/missing.xml` is not a file"
        );
        assert_eq!(
            config_error.span.map(|s| s.offset()),
            text.find("\"backups/missing.xml\"")
        );
    }

    #[test]
    fn backup_topology_stays_inside_the_folder_of_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join("backups")).expect("mkdir");
        std::fs::write(repo.join("backups/t.xml"), "<x/>").expect("write");
        std::fs::write(dir.path().join("secret.xml"), "<x/>").expect("write");
        let load_with = |value: &str| {
            let text = format!("[options]\nbackup-topology = {value:?}\n");
            std::fs::write(repo.join(FILE_NAME), &text).expect("write");
            (load(None, &repo), text)
        };
        let secret = dir.path().join("secret.xml").display().to_string();
        for (value, says) in [
            (
                secret.as_str(),
                "is an absolute path, not inside the folder of",
            ),
            (
                "/etc/passwd",
                "is an absolute path, not inside the folder of",
            ),
            (
                "C:\\Windows\\win.ini",
                "is an absolute path, not inside the folder of",
            ),
            (
                "\\\\server\\share\\t.xml",
                "is an absolute path, not inside the folder of",
            ),
            ("../secret.xml", "climbs out of the folder of"),
            ("backups/../../secret.xml", "climbs out of the folder of"),
        ] {
            let (result, text) = load_with(value);
            let err = result.expect_err(value);
            assert!(message(&err).contains(says), "{value}: {}", message(&err));
            let Fatal::Config(config_error) = &err else {
                panic!("config error, got {err:?}")
            };
            assert_eq!(
                config_error.span.map(|s| s.offset()),
                text.find(&format!("{value:?}")),
                "{value}"
            );
        }
        let (result, _) = load_with("./backups/../backups/t.xml");
        assert!(result.is_ok(), "a path that stays inside is fine");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.xml"), repo.join("link.xml"))
                .expect("symlink");
            let (result, _) = load_with("link.xml");
            assert!(
                message(&result.expect_err("a link out")).contains("leads (through a link) out of")
            );
        }
    }

    #[test]
    fn backup_topology_must_be_a_non_empty_string() {
        let err = parse("[options]\nbackup-topology = \" \"\n", "t.toml").expect_err("empty");
        assert_eq!(message(&err), "backup-topology is empty");
        let err = parse("[options]\nbackup-topology = 7\n", "t.toml").expect_err("not a string");
        assert!(message(&err).contains("invalid type"), "{}", message(&err));
        let err = parse("[options]\nbackup_topology = \"a.xml\"\n", "t.toml").expect_err("key");
        assert!(message(&err).contains("unknown field `backup_topology`"));
    }

    #[test]
    fn defaults_without_a_file() {
        let options = Config::default().options(Date::parse("2026-11-21").expect("date"));
        assert_eq!(
            options.max_backup_age_days, 0,
            "no grace beyond the schedule"
        );
        assert_eq!(options.expiry_warning_days, 30);
        assert_eq!(options.product, None);
    }
}
