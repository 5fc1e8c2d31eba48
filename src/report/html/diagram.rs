//! The topology diagram: a fixed-width layout of an [`Estate`] drawn as inline SVG.
//!
//! Sites are panels stacked top to bottom. A site with few pools shows each pool as a box
//! holding its machines, SQL instances (with their stores) and file stores; a site with many
//! pools shows compact tiles, one per pool, whose hover text lists what is inside. Text keeps
//! one size whatever the estate: a large estate makes a taller picture, never smaller letters.
//!
//! The layout is worked out here into a list of [`Item`]s; `templates/diagram.svg` draws them.

use askama::Template;

use super::estate::{Estate, Kind, LinkKind};
use crate::input::text::cut;
use crate::lint::draft::Severity;

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

/// The diagram of one deployment, laid out, ready for its template.
#[derive(Template)]
#[template(path = "diagram.svg", config = "src/report/html/askama.toml")]
pub struct Diagram<'a> {
    id: &'a str,
    title: &'a str,
    width: u32,
    height: u32,
    items: Vec<Item>,
    links: Vec<(&'static str, String)>,
}

/// One thing drawn, in drawing order.
enum Item {
    /// A site's panel: its box, in a group of its own that the overview links to.
    Panel { anchor: String, boxed: Boxed },
    /// A box (a pool, a machine, a SQL instance...), linked to its findings when it has any.
    Box(Boxed),
    /// The frame and heading of the overview of sites.
    Overview {
        frame: Rect,
        x: u32,
        sites: usize,
        pools: usize,
    },
    /// One site in the overview, linking to its panel.
    SiteTile {
        anchor: String,
        severity: &'static str,
        title: [String; 2],
        shapes: Vec<Shape>,
    },
    /// The panel of the hosts outside every pool.
    Outside { frame: Rect, text: Shape },
    /// The machines of a pool beyond those listed, in a hover text.
    More { names: Vec<String>, text: Shape },
}

/// A box: what it links to, its classes, its hover text and what it is drawn with.
struct Boxed {
    link: Option<String>,
    class: &'static str,
    severity: &'static str,
    anchor: String,
    /// The lines of its hover text.
    title: Vec<String>,
    shapes: Vec<Shape>,
}

enum Shape {
    Rect {
        frame: bool,
        r: Rect,
        rx: u32,
    },
    Text {
        x: u32,
        y: u32,
        class: &'static str,
        value: String,
    },
    /// A site's heading: its name, then its detail.
    Head {
        x: u32,
        y: u32,
        name: String,
        detail: String,
    },
}

/// Lays out the diagram of one deployment.
#[must_use]
pub fn layout<'a>(estate: &'a Estate, id: &'a str) -> Diagram<'a> {
    let mut rects: Vec<Option<Rect>> = vec![None; estate.nodes.len()];
    let mut items = Vec::new();
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
        y = overview(&mut items, estate, inner);
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
                items.push(site_panel(estate, *s, panel, members.len(), expanded));
            }
            None => items.push(outside_panel(panel)),
        }
        for (&m, &r) in members.iter().zip(&placed) {
            rects[m] = Some(r);
            if expanded {
                pool_box(&mut items, estate, m, r, &mut rects);
            } else {
                items.push(Item::Box(tile(estate, m, r)));
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
    let mut links = Vec::new();
    for link in &estate.links {
        if let (Some(a), Some(b)) = (rects[link.from], rects[link.to])
            && a != b
        {
            links.push(link_path(a, b, link.kind));
        }
    }
    Diagram {
        id,
        title: &estate.title,
        width: WIDTH,
        height,
        items,
        links,
    }
}

/// Longest line of a box's hover text (a hostile 32 MB name is not repeated in full).
const HOVER_LINE: usize = 300;

/// A box: a link to its findings when it has any, a group with its classes and hover text,
/// drawn with `shapes`.
fn boxed(estate: &Estate, node: usize, class: &'static str, shapes: Vec<Shape>) -> Boxed {
    let n = &estate.nodes[node];
    let mut title = vec![format!("{}: {}", n.kind.noun(), cut(&n.label, HOVER_LINE))];
    if !n.detail.is_empty() {
        title.push(cut(&n.detail, HOVER_LINE).into_owned());
    }
    for line in n.more.iter().take(60) {
        title.push(format!("  {}", cut(line, HOVER_LINE)));
    }
    if n.more.len() > 60 {
        title.push(format!("  … {} more", n.more.len() - 60));
    }
    if let Some(worst) = n.worst {
        title.push(format!("worst finding: {}", worst.as_str()));
    }
    Boxed {
        link: estate.link_target(node).map(ToString::to_string),
        class,
        severity: severity_class(n.worst),
        anchor: n.anchor.clone(),
        title,
        shapes,
    }
}

fn text(x: u32, y: u32, class: &'static str, value: &str, max: usize) -> Shape {
    Shape::Text {
        x,
        y,
        class,
        value: cut(value, max).into_owned(),
    }
}

fn site_panel(estate: &Estate, site: usize, r: Rect, pools: usize, expanded: bool) -> Item {
    let n = &estate.nodes[site];
    let mut head = format!(
        "{} · {pools} pool{}",
        n.detail,
        if pools == 1 { "" } else { "s" }
    );
    if !expanded {
        head.push_str(" · shown as tiles: hover for machines");
    }
    let shapes = vec![
        Shape::Rect {
            frame: true,
            r,
            rx: 8,
        },
        Shape::Head {
            x: r.x + PAD,
            y: r.y + 22,
            name: cut(&n.label, 48).into_owned(),
            detail: cut(&head, 110).into_owned(),
        },
    ];
    Item::Panel {
        anchor: n.anchor.clone(),
        boxed: boxed(estate, site, "site", shapes),
    }
}

/// One tile per site, with its pool count and findings, linking to the site's panel; returns
/// the height used.
fn overview(items: &mut Vec<Item>, estate: &Estate, inner: u32) -> u32 {
    let sizes = vec![(TILE_W, TILE_H); estate.sites.len()];
    let (placed, used) = shelves(&sizes, PAD + PAD, SITE_HEAD, inner - 2 * PAD);
    let panel = Rect {
        x: PAD,
        y: 0,
        w: inner,
        h: SITE_HEAD + used + PAD,
    };
    items.push(Item::Overview {
        frame: panel,
        x: panel.x + PAD,
        sites: estate.sites.len(),
        pools: estate.sites.iter().map(|&s| estate.pools_of(s).len()).sum(),
    });
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
        let mut shapes = outer_frame(r, 8, 20, &n.label);
        shapes.push(text(
            r.x + 8,
            r.y + 38,
            "detail",
            &detail,
            fits(r.w - 16, SMALL_CHAR),
        ));
        items.push(Item::SiteTile {
            anchor: n.anchor.clone(),
            severity: severity_class(n.worst),
            title: [format!("site {}", n.label), detail],
            shapes,
        });
    }
    panel.h + GAP
}

fn outside_panel(r: Rect) -> Item {
    Item::Outside {
        frame: r,
        text: text(
            r.x + PAD,
            r.y + 22,
            "site-name",
            "Outside every pool: backup share hosts and SQL partners the topology does not declare",
            120,
        ),
    }
}

fn pool_box(
    items: &mut Vec<Item>,
    estate: &Estate,
    pool: usize,
    r: Rect,
    rects: &mut [Option<Rect>],
) {
    let n = &estate.nodes[pool];
    let mut shapes = outer_frame(r, 10, 19, &n.label);
    shapes.push(text(
        r.x + 10,
        r.y + 36,
        "detail",
        &n.detail,
        fits(r.w - 20, SMALL_CHAR),
    ));
    items.push(Item::Box(boxed(estate, pool, "pool", shapes)));

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
                items.push(member(estate, i, cr, "machine", &child.label, &[]));
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
                items.push(member(estate, i, cr, "sql", &label, &lines));
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
                items.push(member(estate, i, cr, "store", &label, &[]));
                y += ROW;
            }
        }
    }
    if machines.len() > MACHINES_SHOWN {
        let hidden = &machines[MACHINES_SHOWN..];
        items.push(Item::More {
            names: hidden
                .iter()
                .map(|&m| estate.nodes[m].label.clone())
                .collect(),
            text: text(
                x + 8,
                y + 13,
                "detail",
                &format!("+{} more machines (hover)", hidden.len()),
                60,
            ),
        });
    }
}

/// One box inside a pool (a machine, a SQL instance, a file share): its frame, its label and
/// any detail lines under it, linked to its findings.
fn member(
    estate: &Estate,
    node: usize,
    r: Rect,
    class: &'static str,
    label: &str,
    lines: &[String],
) -> Item {
    let mut shapes = vec![
        Shape::Rect {
            frame: false,
            r,
            rx: 4,
        },
        text(r.x + 8, r.y + 14, "label", label, fits(r.w - 16, CHAR)),
    ];
    let mut line_y = r.y + 29;
    for line in lines {
        shapes.push(text(
            r.x + 8,
            line_y,
            "detail",
            line,
            fits(r.w - 16, SMALL_CHAR),
        ));
        line_y += STORE_LINE;
    }
    Item::Box(boxed(estate, node, class, shapes))
}

/// The frame of a pool or tile and its title, `pad` in from the left and `baseline` down.
fn outer_frame(r: Rect, pad: u32, baseline: u32, title: &str) -> Vec<Shape> {
    vec![
        Shape::Rect {
            frame: false,
            r,
            rx: 6,
        },
        text(
            r.x + pad,
            r.y + baseline,
            "label strong",
            title,
            fits(r.w - 2 * pad, CHAR + 0.5),
        ),
    ]
}

fn tile(estate: &Estate, node: usize, r: Rect) -> Boxed {
    let n = &estate.nodes[node];
    let class = match n.kind {
        Kind::Pool => "pool tile",
        Kind::BackupHost => "backup tile",
        _ => "sql outside-sql tile",
    };
    let mut shapes = outer_frame(r, 8, 20, &n.label);
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
    shapes.push(text(
        r.x + 8,
        r.y + 38,
        "detail",
        detail.trim_start_matches(" · "),
        fits(r.w - 16, SMALL_CHAR),
    ));
    boxed(estate, node, class, shapes)
}

/// A curve between two boxes: between the facing sides of neighbours in a row, below the row
/// for boxes further apart in it, and from the bottom of the upper box to the top of the lower
/// one otherwise; with its class.
fn link_path(a: Rect, b: Rect, kind: LinkKind) -> (&'static str, String) {
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
    let class = match kind {
        LinkKind::Mirror => "link mirror",
        LinkKind::Witness => "link witness",
        LinkKind::Pair => "link pair",
    };
    (class, d)
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
