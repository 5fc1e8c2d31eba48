//! The report's fixed parts: its style sheet and its filter script. Neither ever holds input.

/// The filter: shows the form (without scripts it stays hidden and every finding shows), reads
/// `?severity=error,warning,exempted&q=text` from the address to start filtered, and hides
/// findings whose severity is unticked (or that are exempted, when `exempted` is unticked) or
/// whose text lacks the search words.
pub const SCRIPT: &str = r#"(function () {
  var form = document.getElementById("filter");
  if (!form) return;
  form.hidden = false;
  var boxes = form.querySelectorAll("input[name=severity]");
  var q = form.querySelector("input[name=q]");
  var params = new URLSearchParams(location.search);
  if (params.has("severity")) {
    var want = params.get("severity").split(",");
    boxes.forEach(function (b) { b.checked = want.indexOf(b.value) >= 0; });
  }
  if (params.has("q")) q.value = params.get("q");
  function apply() {
    var on = {}, words = q.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    document.querySelectorAll(".finding, .ref").forEach(function (el) {
      var text = el.textContent.toLowerCase();
      var keep = on[el.dataset.severity] && (!el.dataset.exempt || on.exempted) && words.every(function (w) { return text.indexOf(w) >= 0; });
      el.hidden = !keep;
      if (keep && el.classList.contains("finding")) shown++;
    });
    document.querySelectorAll(".group, .rulegroup").forEach(function (g) {
      g.hidden = !g.querySelector(".finding:not([hidden]), .ref:not([hidden])");
    });
    document.getElementById("shown").textContent = shown;
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();"#;

/// The Content-Security-Policy source that allows [`SCRIPT`] and nothing else: `sha256-` and
/// the base64 SHA-256 of the script's bytes (`tests/html.rs` checks it).
pub const SCRIPT_HASH: &str = "sha256-C9pbRl6o7YTQM+6HSLJbvX/NwHZ7DV8xH6Un2M/82XQ=";

/// Screen and print styles. Severity colours: error red, warning amber, note blue, clean green.
pub const CSS: &str = r#":root {
  --ink: #1b1f24; --muted: #56606d; --line: #d5dae1; --paper: #ffffff; --panel: #f6f7f9;
  --error: #c62828; --error-bg: #fdecea; --warning: #d97a00; --warning-bg: #fff3df;
  --note: #1d5fbf; --note-bg: #e8f0fc; --ok: #2e7d32; --ok-bg: #edf7ee; --link: #6a3fb5; --pair: #0f7c86;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; color: var(--ink);
  background: var(--paper); font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, pre, .loc { font-family: ui-monospace, "Cascadia Mono", Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
a { color: #1a56b3; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 22px 0 8px; }
h4 { font-size: 15px; margin: 0 0 8px; }
.kicker { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .04em; text-transform: uppercase; }
.verdict { margin: 6px 0 4px; font-size: 34px; letter-spacing: .02em; padding: 10px 18px; border-radius: 8px;
  display: inline-block; color: #fff; }
.verdict.ready { background: var(--ok); }
.verdict.not-ready { background: var(--error); }
.verdict.structure-only { background: var(--warning); }
.lead { margin: 6px 0 14px; font-size: 16px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0 0 14px; }
.facts div { min-width: 120px; }
.facts dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.facts dd { margin: 0; font-weight: 600; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; }
.count { display: inline-block; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--line);
  text-decoration: none; color: var(--ink); background: var(--panel); }
.count b { font-size: 20px; margin-right: 4px; }
.count.error { border-color: var(--error); background: var(--error-bg); }
.count.warning { border-color: var(--warning); background: var(--warning-bg); }
.count.note { border-color: var(--note); background: var(--note-bg); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.deployment-line, .warning-line { margin: 8px 0 0; }
.warning-line { color: #8a4b00; }
.empty { color: var(--muted); }
.legend { list-style: none; padding: 0; margin: 0 0 10px; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend .hint { color: var(--muted); }
.swatch { width: 16px; height: 12px; border-radius: 3px; border: 2px solid; display: inline-block; }
.swatch.sev-error { border-color: var(--error); background: var(--error-bg); }
.swatch.sev-warning { border-color: var(--warning); background: var(--warning-bg); }
.swatch.sev-note { border-color: var(--note); background: var(--note-bg); }
.swatch.sev-ok { border-color: var(--ok); background: var(--ok-bg); }
.line { width: 28px; height: 0; border-top: 2px solid var(--link); display: inline-block; }
.line.witness { border-top-style: dashed; }
.line.pair { border-top: 3px dotted var(--pair); }
.scroll { overflow-x: auto; margin-bottom: 12px; }
.deployment { font-weight: 600; }
svg.diagram { display: block; }
svg.diagram text { font: 13px system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; fill: var(--ink); }
svg.diagram .detail { font-size: 11px; font-weight: normal; fill: var(--muted); }
svg.diagram text.strong { font-weight: 600; }
svg.diagram .site-name { font-size: 15px; font-weight: 700; }
svg.diagram rect { stroke-width: 1.5; }
svg.diagram .site > rect { fill: var(--panel); stroke-width: 2; }
svg.diagram .overview > rect { fill: #fff; stroke: var(--line); stroke-width: 2; }
svg.diagram .outside > rect { fill: none; stroke: #8a93a0; stroke-dasharray: 6 4; }
svg.diagram .sev-ok > rect { fill: var(--ok-bg); stroke: var(--ok); }
svg.diagram .sev-note > rect { fill: var(--note-bg); stroke: var(--note); }
svg.diagram .sev-warning > rect { fill: var(--warning-bg); stroke: var(--warning); }
svg.diagram .sev-error > rect { fill: var(--error-bg); stroke: var(--error); }
svg.diagram .site.sev-ok > rect, svg.diagram .site.sev-note > rect,
svg.diagram .site.sev-warning > rect, svg.diagram .site.sev-error > rect { fill: var(--panel); }
svg.diagram .machine > rect, svg.diagram .sql > rect, svg.diagram .store > rect { stroke-width: 1; }
svg.diagram .pool.sev-ok:not(.tile) > rect { fill: #fbfdfb; }
svg.diagram .backup > rect { stroke-dasharray: 5 3; }
svg.diagram a:hover rect, svg.diagram a:focus rect { stroke-width: 3; }
svg.diagram .link { fill: none; stroke: var(--link); stroke-width: 2; opacity: .85; }
svg.diagram .link.witness { stroke-dasharray: 6 4; }
svg.diagram .link.pair { stroke: var(--pair); stroke-width: 3; stroke-dasharray: 2 5; stroke-linecap: round; }
.filter { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; padding: 8px 12px;
  background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.filter .search input { margin-left: 6px; padding: 3px 6px; width: 240px; font: inherit; }
.shown { color: var(--muted); font-size: 13px; }
.group, .rulegroup { margin: 0 0 18px; }
.place { font-weight: normal; color: var(--muted); font-size: 13px; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 6px;
  padding: 8px 12px; margin: 0 0 10px; break-inside: avoid; }
.finding.error { border-left-color: var(--error); }
.finding.warning { border-left-color: var(--warning); }
.finding.note { border-left-color: var(--note); }
.finding p { margin: 3px 0; }
.finding .head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.finding .head .loc { margin-left: auto; color: var(--muted); }
.finding .msg { font-weight: 600; }
.finding .related { margin: 3px 0; padding-left: 18px; font-size: 14px; color: var(--muted); }
.finding .entity { font-size: 13px; color: var(--muted); }
.badge { display: inline-block; min-width: 62px; text-align: center; padding: 0 6px; border-radius: 4px;
  font-size: 12px; font-weight: 700; text-transform: uppercase; color: #fff; }
.badge.error { background: var(--error); }
.badge.warning { background: var(--warning); }
.badge.note { background: var(--note); }
.badge.exempt { background: #6b7380; }
.finding.exempt { border-left-color: #9aa3ae; background: #fafbfc; }
.finding.exempt .msg { font-weight: normal; }
.exempt-note { color: #4a5260; font-style: italic; }
.note-line { color: var(--muted); margin: 0 0 8px; }
.code { font-weight: 700; }
.refs { list-style: none; padding: 0; margin: 6px 0; font-size: 14px; }
.refs li { padding: 3px 0; border-bottom: 1px solid #eceff3; }
.refs .loc { color: var(--muted); }
.summary { margin: 0 0 4px; }
pre.doc { white-space: pre-wrap; background: var(--panel); border: 1px solid var(--line); padding: 10px; border-radius: 6px; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .filter, .shown, details { display: none !important; }
  .scroll { overflow: visible; }
  svg.diagram { width: 100%; height: auto; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  .group h4, .rulegroup h4 { break-after: avoid; }
  tr, .refs li { break-inside: avoid; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The base64 of the SHA-256 of `bytes`, as a Content-Security-Policy source writes it.
    fn sha256_base64(bytes: &[u8]) -> String {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(bytes))
    }

    #[test]
    fn sha256_matches_known_digests() {
        assert_eq!(
            sha256_base64(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            sha256_base64(b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn the_policy_hash_is_the_script_hash() {
        assert_eq!(
            SCRIPT_HASH,
            format!("sha256-{}", sha256_base64(SCRIPT.as_bytes())),
            "update SCRIPT_HASH after changing SCRIPT"
        );
    }

    #[test]
    fn the_script_and_style_hold_no_closing_tags() {
        assert!(!SCRIPT.contains("</"));
        assert!(!CSS.contains("</"));
    }
}
