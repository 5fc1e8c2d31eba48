//! The topology diagram: a fixed-width layout of an [`Estate`] drawn as inline SVG.
//!
//! Sites are panels stacked top to bottom. A site with few pools shows each pool as a box
//! holding its machines, SQL instances (with their stores) and file stores; a site with many
//! pools shows compact tiles, one per pool, whose hover text lists what is inside. Text keeps
//! one size whatever the estate: a large estate makes a taller picture, never smaller letters.

use std::fmt::Write as _;

use super::escape::{Esc, cut};
use super::estate::{Estate, Kind};
use crate::finding::Severity;

/// Width of the drawing, in CSS pixels.
pub const WIDTH: u32 = 1040;
/// Sites with more pools than this show them as tiles.
const EXPANDED_MAX: usize = 12;
/// Estates with at least this many sites start with an overview: one tile per site.
const OVERVIEW_SITES: usize = 4;
/// Machines listed in an expanded pool before a `+N more` line.
const MACHINES_SHOWN: usize = 8;

const PAD: u32 = 12;
const GAP: u32 = 12;
const SITE_HEAD: u32 = 34;
const POOL_W: u32 = 236;
const POOL_HEAD: u32 = 46;
const ROW: u32 = 24;
/// An SQL instance row: its name, then up to [`STORE_LINES`] lines of stores.
const SQL_ROW: u32 = 26;
const STORE_LINE: u32 = 14;
const STORE_LINES: usize = 3;
const MORE_ROW: u32 = 20;
const TILE_W: u32 = 188;
const TILE_H: u32 = 50;
/// Average advance of one character at the label size (13px) and at the detail size (11px).
const CHAR: f32 = 7.3;
const SMALL_CHAR: f32 = 5.8;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Rect {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

/// How many characters fit in `width` pixels.
fn fits(width: u32, char_width: f32) -> usize {
    // Widths are small whole numbers; the quotient is never negative.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (width as f32 / char_width) as usize;
    n.max(4)
}

fn severity_class(worst: Option<Severity>) -> &'static str {
    match worst {
        Some(Severity::Error) => "sev-error",
        Some(Severity::Warning) => "sev-warning",
        Some(Severity::Note) => "sev-note",
        None => "sev-ok",
    }
}

/// Places items of the given sizes left to right in rows `inner` pixels wide, starting at
/// `(x0, y0)`; returns their positions and the height used.
fn shelves(sizes: &[(u32, u32)], x0: u32, y0: u32, inner: u32) -> (Vec<Rect>, u32) {
    let mut out = Vec::with_capacity(sizes.len());
    let (mut x, mut y, mut row_h) = (x0, y0, 0);
    for &(w, h) in sizes {
        if x > x0 && x + w > x0 + inner {
            x = x0;
            y += row_h + GAP;
            row_h = 0;
        }
        out.push(Rect { x, y, w, h });
        x += w + GAP;
        row_h = row_h.max(h);
    }
    (out, if sizes.is_empty() { 0 } else { y + row_h - y0 })
}

/// The store names of an instance broken into lines that fit an expanded pool box.
fn store_lines(stores: &str) -> Vec<String> {
    let max = fits(POOL_W - 32, SMALL_CHAR);
    let mut lines: Vec<String> = Vec::new();
    for word in stores.split(", ") {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 2 + word.chars().count() <= max => {
                line.push_str(", ");
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.len() > STORE_LINES {
        let rest = lines.len() - STORE_LINES + 1;
        lines.truncate(STORE_LINES - 1);
        lines.push(format!("… {rest} more lines (hover)"));
    }
    lines
}

fn sql_height(stores: &str) -> u32 {
    #[allow(clippy::cast_possible_truncation)]
    let lines = store_lines(stores).len() as u32;
    SQL_ROW + STORE_LINE * lines
}

/// The height of an expanded pool box.
fn pool_height(estate: &Estate, pool: usize) -> u32 {
    let mut h = POOL_HEAD;
    let mut machines = 0;
    for i in estate.inside(pool) {
        match estate.nodes[i].kind {
            Kind::Machine => {
                machines += 1;
                if machines <= MACHINES_SHOWN {
                    h += ROW;
                }
            }
            Kind::Sql => h += sql_height(&estate.nodes[i].detail),
            _ => h += ROW,
        }
    }
    if machines > MACHINES_SHOWN {
        h += MORE_ROW;
    }
    h + 6
}

/// Writes the diagram of one deployment.
pub fn render(out: &mut String, estate: &Estate, id: &str) {
    let mut rects: Vec<Option<Rect>> = vec![None; estate.nodes.len()];
    let mut body = String::new();
    let inner = WIDTH - 2 * PAD;
    let mut y = 0;

    let mut panels: Vec<(Option<usize>, Vec<usize>)> = estate
        .sites
        .iter()
        .map(|&s| (Some(s), estate.pools_of(s)))
        .collect();
    if !estate.outside.is_empty() {
        panels.push((None, estate.outside.clone()));
    }
    if estate.sites.len() >= OVERVIEW_SITES {
        y = overview(&mut body, estate, inner);
    }
    for (site, members) in &panels {
        let expanded = site.is_some() && members.len() <= EXPANDED_MAX;
        let sizes: Vec<(u32, u32)> = members
            .iter()
            .map(|&m| {
                if expanded {
                    (POOL_W, pool_height(estate, m))
                } else {
                    (TILE_W, TILE_H)
                }
            })
            .collect();
        let (placed, used) = shelves(&sizes, PAD + PAD, y + SITE_HEAD, inner - 2 * PAD);
        let panel = Rect {
            x: PAD,
            y,
            w: inner,
            h: SITE_HEAD + used.max(ROW) + PAD,
        };
        match site {
            Some(s) => {
                rects[*s] = Some(panel);
                site_panel(&mut body, estate, *s, panel, members.len(), expanded);
            }
            None => outside_panel(&mut body, panel),
        }
        for (&m, &r) in members.iter().zip(&placed) {
            rects[m] = Some(r);
            if expanded {
                pool_box(&mut body, estate, m, r, &mut rects);
            } else {
                tile(&mut body, estate, m, r);
            }
        }
        y += panel.h + GAP;
    }
    let height = y.max(GAP) - GAP + 2;

    // Inner boxes of a tile share the tile's place, for the links to start from.
    for i in 0..rects.len() {
        if rects[i].is_none()
            && let Some(parent) = estate.nodes[i].parent
        {
            rects[i] = rects[parent];
        }
    }
    let mut lines = String::new();
    for link in &estate.links {
        if let (Some(a), Some(b)) = (rects[link.from], rects[link.to])
            && a != b
        {
            link_path(&mut lines, a, b, link.witness);
        }
    }

    let _ = writeln!(
        out,
        "<svg class=\"diagram\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"Topology diagram of {}\">",
        Esc(&estate.title)
    );
    out.push_str(&body);
    out.push_str(&lines);
    out.push_str("</svg>\n");
}

/// Longest line of a box's hover text (a hostile 32 MB name is not repeated in full).
const HOVER_LINE: usize = 300;

/// Opens a box: a link to its findings when it has any, a group with its classes and hover
/// text.
fn open(out: &mut String, estate: &Estate, node: usize, class: &str) {
    let n = &estate.nodes[node];
    if let Some(target) = estate.link_target(node) {
        let _ = write!(out, "<a href=\"#{target}\">");
    }
    let _ = write!(
        out,
        "<g class=\"box {class} {}\" data-anchor=\"{}\"><title>{}: {}",
        severity_class(n.worst),
        n.anchor,
        n.kind.noun(),
        Esc(&cut(&n.label, HOVER_LINE))
    );
    if !n.detail.is_empty() {
        let _ = write!(out, "\n{}", Esc(&cut(&n.detail, HOVER_LINE)));
    }
    for line in n.more.iter().take(60) {
        let _ = write!(out, "\n  {}", Esc(&cut(line, HOVER_LINE)));
    }
    if n.more.len() > 60 {
        let _ = write!(out, "\n  … {} more", n.more.len() - 60);
    }
    if let Some(worst) = n.worst {
        let _ = write!(out, "\nworst finding: {}", worst.as_str());
    }
    out.push_str("</title>");
}

fn close(out: &mut String, estate: &Estate, node: usize) {
    out.push_str("</g>");
    if estate.link_target(node).is_some() {
        out.push_str("</a>");
    }
    out.push('\n');
}

fn text(out: &mut String, x: u32, y: u32, class: &str, value: &str, max: usize) {
    let _ = write!(
        out,
        "<text x=\"{x}\" y=\"{y}\" class=\"{class}\">{}</text>",
        Esc(&cut(value, max))
    );
}

fn site_panel(
    out: &mut String,
    estate: &Estate,
    site: usize,
    r: Rect,
    pools: usize,
    expanded: bool,
) {
    let n = &estate.nodes[site];
    let _ = write!(out, "<g id=\"{}-panel\">", n.anchor);
    open(out, estate, site, "site");
    let _ = write!(
        out,
        "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
        r.x, r.y, r.w, r.h
    );
    let mut head = format!(
        "{} · {pools} pool{}",
        n.detail,
        if pools == 1 { "" } else { "s" }
    );
    if !expanded {
        head.push_str(" · shown as tiles: hover for machines");
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\"><tspan class=\"site-name\">{}</tspan><tspan class=\"detail\" dx=\"12\">{}</tspan></text>",
        r.x + PAD,
        r.y + 22,
        Esc(&cut(&n.label, 48)),
        Esc(&cut(&head, 110))
    );
    close(out, estate, site);
    out.push_str("</g>\n");
}

/// One tile per site, with its pool count and findings, linking to the site's panel; returns
/// the height used.
fn overview(out: &mut String, estate: &Estate, inner: u32) -> u32 {
    let sizes = vec![(TILE_W, TILE_H); estate.sites.len()];
    let (placed, used) = shelves(&sizes, PAD + PAD, SITE_HEAD, inner - 2 * PAD);
    let panel = Rect {
        x: PAD,
        y: 0,
        w: inner,
        h: SITE_HEAD + used + PAD,
    };
    let pools: usize = estate.sites.iter().map(|&s| estate.pools_of(s).len()).sum();
    let _ = write!(
        out,
        "<g class=\"overview\"><rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
        panel.x, panel.y, panel.w, panel.h
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"22\"><tspan class=\"site-name\">Sites at a glance</tspan><tspan class=\"detail\" dx=\"12\">{} sites · {pools} pools · each site is drawn below</tspan></text></g>",
        panel.x + PAD,
        estate.sites.len()
    );
    for (&site, r) in estate.sites.iter().zip(placed) {
        let n = &estate.nodes[site];
        let mut counts = [0usize; 3];
        for i in site..n.end {
            for &f in &estate.nodes[i].findings {
                if let Some(sev) = estate.severity_of(f) {
                    counts[sev as usize] += 1;
                }
            }
        }
        let pools = estate.pools_of(site).len();
        let mut detail = format!("{pools} pool{}", if pools == 1 { "" } else { "s" });
        for (count, word) in [
            (counts[2], "error"),
            (counts[1], "warning"),
            (counts[0], "note"),
        ] {
            if count > 0 {
                detail.push_str(&format!(
                    " · {count} {word}{}",
                    if count == 1 { "" } else { "s" }
                ));
            }
        }
        let _ = write!(
            out,
            "<a href=\"#{}-panel\"><g class=\"box site-tile {}\"><title>site {}\n{}</title>",
            n.anchor,
            severity_class(n.worst),
            Esc(&n.label),
            Esc(&detail)
        );
        outer_frame(out, r, 8, 20, &n.label);
        text(
            out,
            r.x + 8,
            r.y + 38,
            "detail",
            &detail,
            fits(r.w - 16, SMALL_CHAR),
        );
        out.push_str("</g></a>\n");
    }
    panel.h + GAP
}

fn outside_panel(out: &mut String, r: Rect) {
    let _ = write!(
        out,
        "<g class=\"outside\"><rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
        r.x, r.y, r.w, r.h
    );
    text(
        out,
        r.x + PAD,
        r.y + 22,
        "site-name",
        "Outside every pool: backup share hosts and SQL partners the topology does not declare",
        120,
    );
    out.push_str("</g>\n");
}

fn pool_box(out: &mut String, estate: &Estate, pool: usize, r: Rect, rects: &mut [Option<Rect>]) {
    let n = &estate.nodes[pool];
    open(out, estate, pool, "pool");
    outer_frame(out, r, 10, 19, &n.label);
    text(
        out,
        r.x + 10,
        r.y + 36,
        "detail",
        &n.detail,
        fits(r.w - 20, SMALL_CHAR),
    );
    close(out, estate, pool);

    let mut y = r.y + POOL_HEAD;
    let x = r.x + 8;
    let w = r.w - 16;
    let mut machines = Vec::new();
    for i in estate.inside(pool) {
        let child = &estate.nodes[i];
        match child.kind {
            Kind::Machine => {
                machines.push(i);
                if machines.len() > MACHINES_SHOWN {
                    continue;
                }
                let cr = Rect {
                    x,
                    y,
                    w,
                    h: ROW - 4,
                };
                rects[i] = Some(cr);
                member(out, estate, i, cr, "machine", &child.label, &[]);
                y += ROW;
            }
            Kind::Sql => {
                let lines = store_lines(&child.detail);
                let h = sql_height(&child.detail);
                let cr = Rect { x, y, w, h: h - 4 };
                rects[i] = Some(cr);
                let label = child.label.rsplit_once('\\').map_or_else(
                    || "SQL default instance".to_string(),
                    |(_, i)| format!("SQL \\{i}"),
                );
                member(out, estate, i, cr, "sql", &label, &lines);
                y += h;
            }
            _ => {
                let cr = Rect {
                    x,
                    y,
                    w,
                    h: ROW - 4,
                };
                rects[i] = Some(cr);
                let label = format!("file share {}", child.detail);
                member(out, estate, i, cr, "store", &label, &[]);
                y += ROW;
            }
        }
    }
    if machines.len() > MACHINES_SHOWN {
        let hidden = &machines[MACHINES_SHOWN..];
        let _ = write!(out, "<g class=\"more\"><title>");
        for &m in hidden {
            let _ = writeln!(out, "{}", Esc(&estate.nodes[m].label));
        }
        out.push_str("</title>");
        text(
            out,
            x + 8,
            y + 13,
            "detail",
            &format!("+{} more machines (hover)", hidden.len()),
            60,
        );
        out.push_str("</g>\n");
    }
}

/// One box inside a pool (a machine, a SQL instance, a file share): its frame, its label and
/// any detail lines under it, linked to its findings.
fn member(
    out: &mut String,
    estate: &Estate,
    node: usize,
    r: Rect,
    class: &str,
    label: &str,
    lines: &[String],
) {
    open(out, estate, node, class);
    inner_rect(out, r);
    text(out, r.x + 8, r.y + 14, "label", label, fits(r.w - 16, CHAR));
    let mut line_y = r.y + 29;
    for line in lines {
        text(
            out,
            r.x + 8,
            line_y,
            "detail",
            line,
            fits(r.w - 16, SMALL_CHAR),
        );
        line_y += STORE_LINE;
    }
    close(out, estate, node);
}

/// The frame of a pool or tile and its title, `pad` in from the left and `baseline` down.
fn outer_frame(out: &mut String, r: Rect, pad: u32, baseline: u32, title: &str) {
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
        r.x, r.y, r.w, r.h
    );
    text(
        out,
        r.x + pad,
        r.y + baseline,
        "label strong",
        title,
        fits(r.w - 2 * pad, CHAR + 0.5),
    );
}

fn inner_rect(out: &mut String, r: Rect) {
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>",
        r.x, r.y, r.w, r.h
    );
}

fn tile(out: &mut String, estate: &Estate, node: usize, r: Rect) {
    let n = &estate.nodes[node];
    let class = match n.kind {
        Kind::Pool => "pool tile",
        Kind::BackupHost => "backup tile",
        _ => "sql outside-sql tile",
    };
    open(out, estate, node, class);
    outer_frame(out, r, 8, 20, &n.label);
    let mut detail = n.detail.clone();
    if n.kind == Kind::Pool {
        let inside = estate.inside(node);
        let sql = inside
            .clone()
            .filter(|&i| estate.nodes[i].kind == Kind::Sql)
            .count();
        let stores = inside
            .filter(|&i| estate.nodes[i].kind == Kind::FileStore)
            .count();
        if sql > 0 {
            detail.push_str(&format!(" · {sql} SQL"));
        }
        if stores > 0 {
            detail.push_str(&format!(" · {stores} share"));
        }
    }
    text(
        out,
        r.x + 8,
        r.y + 38,
        "detail",
        detail.trim_start_matches(" · "),
        fits(r.w - 16, SMALL_CHAR),
    );
    close(out, estate, node);
}

/// A curve between two boxes: between the facing sides of neighbours in a row, below the row
/// for boxes further apart in it, and from the bottom of the upper box to the top of the lower
/// one otherwise.
fn link_path(out: &mut String, a: Rect, b: Rect, witness: bool) {
    let cx = |r: Rect| r.x + r.w / 2;
    let cy = |r: Rect| r.y + r.h / 2;
    let bottom = |r: Rect| r.y + r.h;
    let same_row = a.y < bottom(b) && b.y < bottom(a);
    let (left, right) = if a.x <= b.x { (a, b) } else { (b, a) };
    let d = if same_row && right.x >= left.x + left.w && right.x - (left.x + left.w) <= 3 * GAP + 8
    {
        let (x1, x2) = (left.x + left.w, right.x);
        let mid = x1 + (x2 - x1) / 2;
        format!(
            "M{x1},{} C{mid},{} {mid},{} {x2},{}",
            cy(left),
            cy(left),
            cy(right),
            cy(right)
        )
    } else if same_row {
        let under = bottom(a).max(bottom(b)) + 26;
        format!(
            "M{},{} C{},{under} {},{under} {},{}",
            cx(a),
            bottom(a),
            cx(a),
            cx(b),
            cx(b),
            bottom(b)
        )
    } else {
        let (upper, lower) = if a.y <= b.y { (a, b) } else { (b, a) };
        let (y1, y2) = (bottom(upper), lower.y);
        let bend = y2.saturating_sub(y1) / 2 + 10;
        format!(
            "M{},{y1} C{},{} {},{} {},{y2}",
            cx(upper),
            cx(upper),
            y1 + bend,
            cx(lower),
            y2.saturating_sub(bend),
            cx(lower)
        )
    };
    let class = if witness {
        "link witness"
    } else {
        "link mirror"
    };
    let _ = writeln!(out, "<path class=\"{class}\" d=\"{d}\"/>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shelves_wrap_rows_and_report_height() {
        let (placed, used) = shelves(&[(100, 20), (100, 40), (100, 10)], 0, 0, 230);
        assert_eq!(
            placed[0],
            Rect {
                x: 0,
                y: 0,
                w: 100,
                h: 20
            }
        );
        assert_eq!(placed[1].x, 100 + GAP);
        assert_eq!(
            placed[2],
            Rect {
                x: 0,
                y: 40 + GAP,
                w: 100,
                h: 10
            }
        );
        assert_eq!(used, 40 + GAP + 10);
        assert_eq!(shelves(&[], 0, 0, 100).1, 0);
    }

    #[test]
    fn four_pools_or_five_tiles_fit_a_row() {
        let inner = WIDTH - 4 * PAD;
        let (pools, _) = shelves(&[(POOL_W, 10); 5], 0, 0, inner);
        assert_eq!(pools[3].y, 0);
        assert!(pools[4].y > 0);
        let (tiles, _) = shelves(&[(TILE_W, 10); 6], 0, 0, inner);
        assert_eq!(tiles[4].y, 0);
        assert!(tiles[5].y > 0);
    }
}
