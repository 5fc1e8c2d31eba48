//! Reading a table into a worksheet: its kind recognised by its header row, then each record
//! into the typed row of that kind, every cell keeping its span. A header that matches no kind
//! is compared with each, to say which it comes closest to and which cells differ.

use super::column::{At, Column, Found, RowReader, SheetProblem, normalise_header};
use super::kinds::{Kind, Rows, Worksheet};
use crate::input::source::FileId;
use crate::input::span::{Span, Spanned};
use crate::input::table::{Cell, Record, Table};
use crate::input::text::shown;
use crate::model::placeholder;

/// The kind a header row belongs to: the kind with the largest share of its required columns
/// present, if that is more than half of them. `None` when no kind comes close.
#[must_use]
pub fn recognise(header: &[Cell]) -> Option<Kind> {
    let names: Vec<String> = header.iter().map(|c| normalise_header(&c.text)).collect();
    let mut best: Option<(Kind, usize, usize)> = None;
    for kind in Kind::ALL {
        let required: Vec<&Column> = kind
            .columns()
            .iter()
            .copied()
            .filter(|c| c.required)
            .collect();
        let found = required
            .iter()
            .filter(|c| names.iter().any(|n| c.matches(n)))
            .count();
        if found * 2 <= required.len() {
            continue;
        }
        // Compare found/required as fractions; on a tie prefer the kind matching more columns.
        let better = best.is_none_or(|(_, f, r)| {
            found * r > f * required.len() || (found * r == f * required.len() && found > f)
        });
        if better {
            best = Some((kind, found, required.len()));
        }
    }
    best.map(|(k, _, _)| k)
}

/// A header cell that looks like a column it does not match: a misspelling, or the column's
/// name cut short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    /// The header cell as written, and where.
    pub written: String,
    pub span: Span,
    /// The column it is probably meant to be.
    pub column: &'static str,
}

/// The worksheet kind a header row comes closest to, and the cells that differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closest {
    pub kind: Kind,
    /// Required columns matched exactly.
    pub found: usize,
    /// Required columns of the kind.
    pub required: usize,
    /// Header cells that nearly match a required column the header lacks.
    pub near: Vec<NearMiss>,
    /// Required columns neither matched nor nearly matched.
    pub absent: Vec<&'static str>,
}

/// How alike a header cell is to a column's header (both normalised), from 0 to 1: the
/// edit-distance similarity, or 0.8 when one holds the other whole (`Server name` and
/// `Server name (FQDN)`). A cell much longer than any column header is no near miss, and is
/// not compared (edit distance costs the product of the lengths).
fn likeness(cell: &str, column: &str) -> f64 {
    if cell.len() > 2 * column.len() + 16 {
        return 0.0;
    }
    let edit = strsim::normalized_damerau_levenshtein(cell, column);
    let (short, long) = if cell.len() <= column.len() {
        (cell, column)
    } else {
        (column, cell)
    };
    let contained = short.len() >= 4 && long.contains(short);
    if contained { edit.max(0.8) } else { edit }
}

/// The least likeness that counts as a near miss.
const NEAR: f64 = 0.7;

/// Pairs the header cells no column matched with the required columns of `kind` the header
/// lacks, most alike first, each cell and column once.
fn near_misses(
    header: &[Cell],
    names: &[String],
    kind: Kind,
) -> (Vec<NearMiss>, Vec<&'static str>) {
    let columns: Vec<Vec<String>> = kind
        .columns()
        .iter()
        .map(|c| {
            std::iter::once(c.header)
                .chain(c.aliases.iter().copied())
                .map(normalise_header)
                .collect()
        })
        .collect();
    // Which header cells some column of the kind matches, and which required columns no cell
    // matches: each cell compared once with each column.
    let mut matched = vec![false; names.len()];
    let mut found = vec![false; columns.len()];
    for (hi, name) in names.iter().enumerate() {
        for (ci, accepted) in columns.iter().enumerate() {
            if accepted.iter().any(|a| a == name) {
                matched[hi] = true;
                found[ci] = true;
            }
        }
    }
    let missing: Vec<&Column> = kind
        .columns()
        .iter()
        .zip(&found)
        .filter(|(c, found)| c.required && !**found)
        .map(|(c, _)| *c)
        .collect();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, col) in missing.iter().enumerate() {
        let wanted = normalise_header(col.header);
        for (hi, name) in names.iter().enumerate() {
            if name.is_empty() || matched[hi] {
                continue;
            }
            let score = likeness(name, &wanted);
            if score >= NEAR {
                pairs.push((score, hi, ci));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_cells = vec![false; names.len()];
    let mut used_columns = vec![false; missing.len()];
    let mut near = Vec::new();
    for (_, hi, ci) in pairs {
        if used_cells[hi] || used_columns[ci] {
            continue;
        }
        used_cells[hi] = true;
        used_columns[ci] = true;
        near.push(NearMiss {
            written: header[hi].text.clone(),
            span: header[hi].span,
            column: missing[ci].header,
        });
    }
    near.sort_by_key(|n| n.span.start);
    let absent = missing
        .iter()
        .zip(&used_columns)
        .filter(|(_, used)| !**used)
        .map(|(c, _)| c.header)
        .collect();
    (near, absent)
}

/// The kind a header row that [`recognise`] rejects comes closest to: the one with the largest
/// share of its required columns matched exactly or nearly, when that is at least half of them.
#[must_use]
pub fn closest(header: &[Cell]) -> Option<Closest> {
    // A header row of a thousand cells is no worksheet: comparing each cell with each column
    // would only cost time.
    if header.len() > 64 {
        return None;
    }
    let names: Vec<String> = header.iter().map(|c| normalise_header(&c.text)).collect();
    let mut best: Option<Closest> = None;
    for kind in Kind::ALL {
        let required = kind.columns().iter().filter(|c| c.required).count();
        let found = kind
            .columns()
            .iter()
            .filter(|c| c.required && names.iter().any(|n| c.matches(n)))
            .count();
        let (near, absent) = near_misses(header, &names, kind);
        let score = found + near.len();
        if score * 2 < required || near.is_empty() && found == 0 {
            continue;
        }
        let better = best.as_ref().is_none_or(|b| {
            let best_score = b.found + b.near.len();
            score * b.required > best_score * required
                || (score * b.required == best_score * required && found > b.found)
        });
        if better {
            best = Some(Closest {
                kind,
                found,
                required,
                near,
                absent,
            });
        }
    }
    best
}

/// The outcome of reading a CSV file.
#[derive(Debug)]
pub enum Read {
    Worksheet(Box<Worksheet>, Vec<SheetProblem>),
    /// The header matches no worksheet kind.
    Unrecognized {
        header: Span,
        /// The kind it comes closest to, if any comes close.
        closest: Option<Closest>,
    },
}

/// Lowers a table into a worksheet.
#[must_use]
pub fn lower(table: Table, file: FileId) -> Read {
    let mut found = Found {
        problems: table
            .problems
            .iter()
            .map(|p| SheetProblem {
                span: p.span,
                message: p.message.clone(),
                help: Some(p.help.clone()),
            })
            .collect(),
        ..Found::default()
    };
    let Some(header) = table.header else {
        return Read::Unrecognized {
            header: Span::default(),
            closest: None,
        };
    };
    let Some(kind) = recognise(&header.cells) else {
        return Read::Unrecognized {
            header: header.span,
            closest: closest(&header.cells),
        };
    };
    // Which header cell each column of the kind is in.
    let positions: Vec<Option<usize>> = kind
        .columns()
        .iter()
        .map(|col| {
            // A column's own header wins over an alias: a whole Get-ChildItem export has both
            // LastWriteTimeUtc and LastWriteTime.
            let own = normalise_header(col.header);
            let names = || header.cells.iter().map(|c| normalise_header(&c.text));
            names()
                .position(|n| n == own)
                .or_else(|| names().position(|n| col.matches(&n)))
        })
        .collect();
    missing_columns(kind, &header, &positions, &mut found.problems);
    let mut sheet = Worksheet {
        file,
        kind,
        layout: table.layout,
        header: header.span,
        rows: Rows::empty(kind),
        row_count: 0,
        blanks: Vec::new(),
        required: Vec::new(),
        placeholders: Vec::new(),
    };
    for record in table.rows {
        if record.cells.iter().all(Cell::is_blank) {
            continue;
        }
        for cell in &record.cells {
            for range in placeholder::find(&cell.text) {
                let start = cell.span.start as usize;
                sheet.placeholders.push(Spanned::new(
                    cell.text[range.clone()].to_string(),
                    // Cells are trimmed and unquoted: point at the cell when offsets differ.
                    if cell.span.len() == cell.text.len() {
                        Span::new(start + range.start, start + range.end)
                    } else {
                        cell.span
                    },
                ));
            }
        }
        let at = At {
            file,
            span: record.span,
        };
        sheet.rows.push(
            at,
            &mut RowReader {
                kind: kind.name(),
                header: &header,
                record: &record,
                positions: &positions,
                columns: kind.columns(),
                next: 0,
                records_required: kind != Kind::BackupListing,
                found: &mut found,
            },
        );
    }
    if let Rows::BackupListing(rows) = &mut sheet.rows {
        let time = kind
            .columns()
            .iter()
            .position(|c| c.is(&super::kinds::BackupListingRow::COLUMNS.written))
            .and_then(|i| positions[i]);
        super::listing::settle(rows, &header, time, &mut found.problems);
    }
    sheet.row_count = sheet.rows.len();
    sheet.blanks = found.blanks;
    sheet.required = found.required;
    Read::Worksheet(Box::new(sheet), found.problems)
}

/// A problem for each required column of `kind` the header lacks: pointing at the header cell
/// that nearly names it, or at the header row.
fn missing_columns(
    kind: Kind,
    header: &Record,
    positions: &[Option<usize>],
    problems: &mut Vec<SheetProblem>,
) {
    let missing: Vec<&Column> = kind
        .columns()
        .iter()
        .zip(positions)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| *c)
        .collect();
    if missing.is_empty() {
        return;
    }
    let names: Vec<String> = header
        .cells
        .iter()
        .map(|c| normalise_header(&c.text))
        .collect();
    let near = near_misses(&header.cells, &names, kind).0;
    for col in missing {
        let problem = match near.iter().find(|n| n.column == col.header) {
            Some(n) => SheetProblem {
                span: n.span,
                message: format!(
                    "the {} worksheet has no `{}` column: did you mean it by `{}`?",
                    kind.name(),
                    col.header,
                    shown(&n.written)
                ),
                help: Some(format!(
                    "rename the header cell to `{}` (case, surrounding spaces and a trailing `*` do not matter)",
                    col.header
                )),
            },
            None => SheetProblem {
                span: header.span,
                message: format!(
                    "the {} worksheet has no `{}` column",
                    kind.name(),
                    col.header
                ),
                help: Some(format!(
                    "add the column to the header row; a {} worksheet needs: {}",
                    kind.name(),
                    kind.columns()
                        .iter()
                        .filter(|c| c.required)
                        .map(|c| c.header)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        };
        problems.push(problem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::csv as table;
    use crate::model::Fqdn;

    fn read(text: &str) -> (Worksheet, Vec<SheetProblem>) {
        match lower(table::parse(text), FileId(0)) {
            Read::Worksheet(sheet, problems) => (*sheet, problems),
            Read::Unrecognized { .. } => panic!("not recognised"),
        }
    }

    #[test]
    fn every_choice_a_workbook_offers_is_read_back() {
        use crate::model::worksheet::CellForm;
        let mut choices = 0;
        for kind in Kind::ALL {
            for column in kind.columns() {
                let CellForm::Choice(values) = column.form else {
                    continue;
                };
                for value in values {
                    let header: Vec<&str> = kind.columns().iter().map(|c| c.header).collect();
                    let row: Vec<&str> = kind
                        .columns()
                        .iter()
                        .map(|c| if c.is(column) { *value } else { "" })
                        .collect();
                    let (_, problems) = read(&format!("{}\n{}\n", header.join(","), row.join(",")));
                    assert!(
                        problems.is_empty(),
                        "{} {value}: {problems:?}",
                        column.header
                    );
                    choices += 1;
                }
            }
        }
        // Replacement server, yes/no (twice), Computer account retained and Edition.
        assert_eq!(choices, 3 + 2 * 2 + 3 + 7);
    }

    #[test]
    fn kinds_are_recognised_by_header_in_any_order_and_case() {
        let header = |t: &str| table::parse(t).header.expect("header").cells;
        assert_eq!(
            recognise(&header(
                "server name (FQDN), DATABASE ,Backup schedule,Database backup tool,Backup destination"
            )),
            Some(Kind::Database)
        );
        assert_eq!(
            recognise(&header(
                "Content,Server name (FQDN),Backup schedule,File system backup tool,File share to be backed up *,Backup destination,Notes"
            )),
            Some(Kind::FileStore)
        );
        assert_eq!(
            recognise(&header(
                "Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file (.xml) name,Backup location,Notes"
            )),
            Some(Kind::Settings)
        );
        assert_eq!(
            recognise(&header("Date,Backup share")),
            Some(Kind::BackupRuns)
        );
        assert_eq!(recognise(&header("Name,Address,Phone")), None);
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let (_, problems) =
            read("Server FQDN,Role,Replacement server\nfe01.contoso.com,FE,ready\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`Computer account retained`"));
    }

    #[test]
    fn a_missing_column_written_nearly_right_is_pointed_at_with_a_did_you_mean() {
        let text = "Server FQDN,Role,Replacement server,Computer acount retained\nfe01.contoso.com,FE,ready,yes\n";
        let (_, problems) = read(text);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "the servers worksheet has no `Computer account retained` column: did you mean it by `Computer acount retained`?"
        );
        assert_eq!(&text[problems[0].span.range()], "Computer acount retained");
        // Nothing alike: the header row is pointed at, with the columns the kind needs.
        let (_, problems) = read("Server FQDN,Role,Replacement server,Notes\nfe01,FE,ready,\n");
        assert_eq!(
            problems[0].message,
            "the servers worksheet has no `Computer account retained` column"
        );
    }

    #[test]
    fn the_closest_kind_of_an_unknown_header() {
        let header = |t: &str| table::parse(t).header.expect("header").cells;
        let found = closest(&header(
            "Datbase,Server name,Backup schedule,Backup tool,Configuration file,Notes",
        ))
        .expect("close to settings");
        assert_eq!(found.kind, Kind::Settings);
        assert_eq!((found.found, found.required), (2, 6));
        let near: Vec<(&str, &str)> = found
            .near
            .iter()
            .map(|n| (n.written.as_str(), n.column))
            .collect();
        assert_eq!(
            near,
            [
                ("Datbase", "Database"),
                ("Server name", "Server name (FQDN)"),
                ("Configuration file", "Configuration file name")
            ]
        );
        assert_eq!(found.absent, ["Backup location"]);
        assert_eq!(closest(&header("Name,Address,Phone")), None);
    }

    #[test]
    fn values_are_typed_and_bad_ones_reported() {
        let (sheet, problems) = read(
            "Server FQDN,Certificate,Expires,Private key exportable,Backup location,Re-enroll from internal CA\n\
             FE01.contoso.com,Default,21/11/2027,maybe,,yes\n",
        );
        let Rows::Certificates(rows) = &sheet.rows else {
            panic!("certificates")
        };
        assert_eq!(rows[0].server.value, Some(Fqdn::new("fe01.contoso.com")));
        assert_eq!(rows[0].reenroll.value, Some(true));
        assert_eq!(rows[0].expires.value, None);
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "`21/11/2027` is not a valid Expires in the certificates worksheet",
                "`maybe` is not a valid Private key exportable in the certificates worksheet",
            ]
        );
        assert_eq!(sheet.blanks.len(), 1);
        assert_eq!(sheet.blanks[0].column.header, "Backup location");
    }

    #[test]
    fn a_listing_is_read_with_its_times_settled_and_no_cell_to_fill_in() {
        let (sheet, problems) = read(
            "\"FullName\",\"Length\",\"LastWriteTime\",\"LastWriteTimeUtc\"\n\
             \"\\\\\\\\b\\\\s\\\\a.zip\",\"5\",\"1/2/2026 1:00 AM\",\"2026-02-01T00:00:00Z\"\n\
             \"D:\\\\b\\\\a.zip\",\"\",\"\",\"13/2/2026 10:00\"\n",
        );
        let Rows::BackupListing(rows) = &sheet.rows else {
            panic!("a listing")
        };
        // LastWriteTimeUtc is read, though LastWriteTime comes first; its day-first cell
        // settles nothing for the other column.
        let time = rows[0]
            .written
            .value
            .and_then(crate::model::stamp::Culture::known);
        assert_eq!(
            time.map(|t| t.to_string()).as_deref(),
            Some("2026-02-01 00:00:00 UTC")
        );
        assert_eq!(
            rows[1]
                .written
                .value
                .and_then(crate::model::stamp::Culture::known)
                .map(|t| t.date.to_string())
                .as_deref(),
            Some("2026-02-13")
        );
        assert_eq!(rows[0].length.value, Some(5));
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`D:\\\\b\\\\a.zip` is not a path on a share: the listing's files cannot be matched with the worksheets' `\\\\host\\share` locations"
            ]
        );
        assert!(sheet.required.is_empty() && sheet.blanks.is_empty());
    }

    #[test]
    fn placeholders_in_cells_are_found() {
        let (sheet, _) = read("Date,Backup share\n2026-11-20,\\\\$BackupHost\\lync\n");
        assert_eq!(sheet.placeholders[0].value, "$BackupHost");
    }
}
