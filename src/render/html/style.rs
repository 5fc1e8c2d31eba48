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
  --note: #1d5fbf; --note-bg: #e8f0fc; --ok: #2e7d32; --ok-bg: #edf7ee; --link: #6a3fb5;
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

    /// SHA-256 (FIPS 180-4), enough to check the pinned hash without a dependency.
    fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for block in msg.chunks(64) {
            let mut w = [0u32; 64];
            for (i, word) in block.chunks(4).enumerate() {
                w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let mut v = h;
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7]
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [
                    t1.wrapping_add(t2),
                    v[0],
                    v[1],
                    v[2],
                    v[3].wrapping_add(t1),
                    v[4],
                    v[5],
                    v[6],
                ];
            }
            for (x, y) in h.iter_mut().zip(v) {
                *x = x.wrapping_add(y);
            }
        }
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_mut(4).zip(h) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn sha256_matches_known_digests() {
        assert_eq!(
            base64(&sha256(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn the_policy_hash_is_the_script_hash() {
        assert_eq!(
            SCRIPT_HASH,
            format!("sha256-{}", base64(&sha256(SCRIPT.as_bytes()))),
            "update SCRIPT_HASH after changing SCRIPT"
        );
    }

    #[test]
    fn the_script_and_style_hold_no_closing_tags() {
        assert!(!SCRIPT.contains("</"));
        assert!(!CSS.contains("</"));
    }
}
