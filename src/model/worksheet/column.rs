//! A worksheet column, the typed value its cells hold, and how one row's cells are read.
//!
//! Each value type ([`cells`]) says what a row field of its kind holds, what a readable cell
//! looks like, and how a cell is read: values with a closed vocabulary (dates, yes/no, ports,
//! SQL Server versions...) that cannot be read are IN005 problems; names checked by
//! [`crate::model::valid`] (FQDNs, instance names, `fqdn\instance`) that fail the check are left
//! unread for IN009 to report, and a name holding a template placeholder is read as written,
//! for IN006.

use crate::input::span::Span;
use crate::input::table::{Cell, Record};

/// One column of a worksheet kind: what users see of it, and what its cells hold.
#[derive(Debug, PartialEq, Eq)]
pub struct Column {
    /// The name of the worksheet kind it belongs to (`database`).
    pub sheet: &'static str,
    /// The header as topolint writes it.
    pub header: &'static str,
    /// Other headers accepted for it (Microsoft's own wording).
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// What to write in it, completing "write ...": the help of a blank cell.
    pub what: &'static str,
    /// What a readable value looks like, completing "write ...", for a column whose values
    /// can be unreadable: the help of such a cell.
    pub accepted: Option<&'static str>,
    /// What a spreadsheet can do for the column: a drop-down list, a date format.
    pub form: CellForm,
}

/// What a column's cells hold, as a spreadsheet can help with them: `worksheet init --format
/// xlsx` gives a date column the date format, a column of a few values a drop-down list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellForm {
    /// Text: names, paths, notes.
    Text,
    /// A date (`YYYY-MM-DD`).
    Date,
    /// One of these values, each read back by the column as it is written.
    Choice(&'static [&'static str]),
    /// A TCP port: a whole number from 1 to 65535.
    Port,
}

impl Column {
    /// Whether a header cell (normalised with [`normalise_header`]) names this column.
    #[must_use]
    pub fn matches(&self, normalised: &str) -> bool {
        std::iter::once(self.header)
            .chain(self.aliases.iter().copied())
            .any(|h| normalise_header(h) == normalised)
    }

    /// Whether `other` is the same column: of the same kind, with the same header.
    #[must_use]
    pub fn is(&self, other: &Self) -> bool {
        self.sheet == other.sheet && self.header == other.header
    }
}

/// A header cell normalised for matching: lower-case, spaces collapsed, a trailing `*` removed.
#[must_use]
pub fn normalise_header(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_suffix('*').unwrap_or(t);
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A cell and what it means, when it could be read. `value` is `None` for a blank cell and for
/// one that could not be read (which the reader reports as IN005, or IN009 for a name).
#[derive(Clone, Debug)]
pub struct Typed<T> {
    pub cell: Cell,
    pub value: Option<T>,
}

impl<T> Typed<T> {
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.cell.is_blank()
    }

    #[must_use]
    pub fn span(&self) -> Span {
        self.cell.span
    }
}

/// Where a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub file: crate::input::source::FileId,
    /// The whole record.
    pub span: Span,
}

/// A row of any worksheet: where it is.
pub trait SheetRow {
    /// The row's file and record.
    fn at(&self) -> At;
}

/// A blank required cell: which column, and where.
#[derive(Clone, Debug)]
pub struct BlankCell {
    pub column: &'static Column,
    /// What the row is about: its first two cells, lower-case (`rtcxds@sql01.contoso.com`).
    pub row_key: String,
    pub span: Span,
    /// The record the cell belongs to.
    pub row: Span,
    /// The column's header cell.
    pub header: Span,
}

/// A cell of a required column the worksheet has, blank or not.
#[derive(Clone, Debug)]
pub struct RequiredCell {
    pub column: &'static Column,
    /// What the row is about, as in [`BlankCell::row_key`].
    pub row_key: String,
    /// The record the cell belongs to.
    pub row: Span,
}

/// A problem with a worksheet's content: where, what, and what to do.
#[derive(Clone, Debug)]
pub struct SheetProblem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// What one row's reading records beyond the row itself.
#[derive(Debug, Default)]
pub struct Found {
    pub problems: Vec<SheetProblem>,
    pub blanks: Vec<BlankCell>,
    pub required: Vec<RequiredCell>,
}

/// Reads the cells of one record, column after column in the kind's order, checking values as
/// it goes.
pub struct RowReader<'a> {
    /// The kind's name, for messages.
    pub(super) kind: &'static str,
    pub(super) header: &'a Record,
    pub(super) record: &'a Record,
    /// Which header cell each column of the kind is in.
    pub(super) positions: &'a [Option<usize>],
    pub(super) columns: &'static [&'static Column],
    /// The next column to read.
    pub(super) next: usize,
    /// Whether required cells are recorded ([`Found::required`], [`Found::blanks`]): not for a
    /// listing a tool wrote, whose hundreds of thousands of rows nobody fills in by hand.
    pub(super) records_required: bool,
    pub(super) found: &'a mut Found,
}

impl RowReader<'_> {
    /// The next column's cell; a blank one (pointing at the record) when the column is absent
    /// or the row is short. Each cell of a required column the file has is recorded, and
    /// recorded as blank when it is.
    fn cell(&mut self) -> (&'static Column, Cell) {
        let index = self.next;
        self.next += 1;
        let column = self.columns[index.min(self.columns.len() - 1)];
        let position = self.positions.get(index).copied().flatten();
        let cell = position
            .and_then(|p| self.record.cells.get(p))
            .cloned()
            .unwrap_or_else(|| Cell {
                text: String::new(),
                span: self.record.span,
            });
        if column.required && position.is_some() && self.records_required {
            let row_key = self.row_key();
            if cell.is_blank() {
                let header = position
                    .and_then(|p| self.header.cells.get(p))
                    .map_or(self.header.span, |c| c.span);
                self.found.blanks.push(BlankCell {
                    column,
                    row_key: row_key.clone(),
                    header,
                    span: cell.span,
                    row: self.record.span,
                });
            }
            self.found.required.push(RequiredCell {
                column,
                row_key,
                row: self.record.span,
            });
        }
        (column, cell)
    }

    /// The first two cells of the kind's columns that are not blank, joined by `@`.
    fn row_key(&self) -> String {
        let parts: Vec<String> = self
            .positions
            .iter()
            .take(2)
            .filter_map(|p| p.and_then(|p| self.record.cells.get(p)))
            .filter(|c| !c.is_blank())
            .map(|c| c.text.to_lowercase())
            .collect();
        parts.join("@")
    }

    /// A cell whose value is parsed; one that cannot be read is an IN005 problem.
    fn parsed<T>(&mut self, parse: impl Fn(&str) -> Option<T>) -> Typed<T> {
        let (column, cell) = self.cell();
        if cell.is_blank() {
            return Typed { cell, value: None };
        }
        let value = parse(&cell.text);
        if value.is_none() {
            self.found.problems.push(SheetProblem {
                span: cell.span,
                message: format!(
                    "`{}` is not a valid {} in the {} worksheet",
                    crate::input::text::shown(&cell.text),
                    column.header,
                    self.kind
                ),
                help: column.accepted.map(|a| format!("write {a}")),
            });
        }
        Typed { cell, value }
    }

    /// A cell holding a name [`crate::model::valid`] checks (`parse` checks it). One that fails
    /// the check is not read (`None`) and not reported here: IN009 reports it, saying why. A
    /// cell holding a template placeholder is read as written (`template`): IN006 reports it,
    /// and the rules do not trust what it says.
    fn checked<T>(
        &mut self,
        parse: impl Fn(&str) -> Option<T>,
        template: impl Fn(&str) -> T,
    ) -> Typed<T> {
        let (_, cell) = self.cell();
        let value = if cell.is_blank() {
            None
        } else if crate::model::placeholder::contains(&cell.text) {
            Some(template(&cell.text))
        } else {
            parse(&cell.text)
        };
        Typed { cell, value }
    }
}

/// The value types of worksheet columns. A column declared with one of these reads into the
/// row field [`CellType::Field`].
pub mod cells {
    use super::{CellForm, RowReader, Typed};
    use crate::input::table::Cell;
    use crate::model::valid::What;
    use crate::model::values::{
        self, Db, Replacement as Replacement_, Retained as Retained_, Schedule as Schedule_,
        SqlEdition as SqlEdition_, SqlRef as SqlRef_, SqlVersion as SqlVersion_,
    };
    use crate::model::{Fqdn as Fqdn_, date, stamp};

    /// A value type of a column: the row field it fills, what a readable cell looks like (for
    /// values that can be unreadable) and how a cell is read.
    pub trait CellType {
        /// The row's field.
        type Field;
        /// What a readable value looks like, completing "write ...".
        const ACCEPTED: Option<&'static str>;
        /// What a spreadsheet can do for the column.
        const FORM: CellForm = CellForm::Text;
        /// Reads the next cell of the row.
        fn read(row: &mut RowReader<'_>) -> Self::Field;
    }

    /// Text, kept as written.
    pub enum Text {}
    /// The databases a `Database` cell names, as whole words (`LcsCdr and QoEMetrics`).
    pub enum Databases {}
    /// An FQDN ([`What::Fqdn`]).
    pub enum Fqdn {}
    /// A SQL Server instance name ([`What::Instance`]), lower-case; `""` for the default.
    pub enum Instance {}
    /// `fqdn\instance`, or the FQDN alone for a default instance ([`What::SqlInstance`]).
    pub enum SqlRef {}
    /// How often a backup runs.
    pub enum Schedule {}
    /// An ISO 8601 date.
    pub enum Date {}
    /// yes or no.
    pub enum YesNo {}
    /// `ready`, `planned` or `none`.
    pub enum Replacement {}
    /// yes, no or n/a.
    pub enum Retained {}
    /// A SQL Server release.
    pub enum SqlVersion {}
    /// A SQL Server edition.
    pub enum SqlEdition {}
    /// A TCP port.
    pub enum Port {}
    /// A file's size in bytes.
    pub enum Size {}
    /// A file's last write time, ISO 8601 or in the culture of the machine that wrote it; a
    /// culture form is settled once the whole file is read
    /// ([`crate::model::worksheet::listing`]).
    pub enum WriteTime {}

    impl CellType for Text {
        type Field = Cell;
        const ACCEPTED: Option<&'static str> = None;
        fn read(row: &mut RowReader<'_>) -> Cell {
            row.cell().1
        }
    }

    impl CellType for Databases {
        type Field = Typed<Vec<Db>>;
        const ACCEPTED: Option<&'static str> = None;
        fn read(row: &mut RowReader<'_>) -> Typed<Vec<Db>> {
            let (_, cell) = row.cell();
            let value = Some(Db::find_all(&cell.text));
            Typed { cell, value }
        }
    }

    impl CellType for Fqdn {
        type Field = Typed<Fqdn_>;
        const ACCEPTED: Option<&'static str> = None;
        fn read(row: &mut RowReader<'_>) -> Typed<Fqdn_> {
            row.checked(
                |t| What::Fqdn.check(t).ok().map(|()| Fqdn_::new(t)),
                Fqdn_::new,
            )
        }
    }

    impl CellType for Instance {
        type Field = Typed<String>;
        const ACCEPTED: Option<&'static str> = None;
        fn read(row: &mut RowReader<'_>) -> Typed<String> {
            row.checked(values::instance_name, |t| t.trim().to_lowercase())
        }
    }

    impl CellType for SqlRef {
        type Field = Typed<SqlRef_>;
        const ACCEPTED: Option<&'static str> = None;
        fn read(row: &mut RowReader<'_>) -> Typed<SqlRef_> {
            row.checked(SqlRef_::parse, |t| {
                let (server, instance) = t.trim().split_once('\\').unwrap_or((t, ""));
                SqlRef_ {
                    server: Fqdn_::new(server),
                    instance: instance.trim().to_lowercase(),
                }
            })
        }
    }

    impl CellType for Schedule {
        type Field = Typed<Schedule_>;
        const ACCEPTED: Option<&'static str> = None;
        fn read(row: &mut RowReader<'_>) -> Typed<Schedule_> {
            let (_, cell) = row.cell();
            let value = (!cell.is_blank()).then(|| Schedule_::parse(&cell.text));
            Typed { cell, value }
        }
    }

    /// Value types whose cells are parsed, an unreadable one being an IN005 problem.
    macro_rules! parsed {
        ($($marker:ident => $field:ty, $parse:expr, $form:expr, $accepted:literal;)*) => {
            $(
                impl CellType for $marker {
                    type Field = Typed<$field>;
                    const ACCEPTED: Option<&'static str> = Some($accepted);
                    const FORM: CellForm = $form;
                    fn read(row: &mut RowReader<'_>) -> Typed<$field> {
                        row.parsed($parse)
                    }
                }
            )*
        };
    }

    parsed! {
        Date => date::Date, date::Date::parse, CellForm::Date,
            "the date as YYYY-MM-DD (ISO 8601), for example 2026-11-21: other forms are ambiguous between countries";
        YesNo => bool, values::yes_no, CellForm::Choice(&["yes", "no"]),
            "yes or no (also y/n, true/false)";
        Replacement => Replacement_, Replacement_::parse,
            CellForm::Choice(&["ready", "planned", "none"]), "`ready`, `planned` or `none`";
        Retained => Retained_, Retained_::parse, CellForm::Choice(&["yes", "no", "n/a"]),
            "yes or no (also y/n, true/false), or `n/a` for a server outside the domain such as an Edge Server";
        SqlVersion => SqlVersion_, SqlVersion_::parse, CellForm::Text,
            "a release such as `2012`, `SQL Server 2008 R2` or `2016 SP2`";
        SqlEdition => SqlEdition_, SqlEdition_::parse,
            CellForm::Choice(&[
                "Standard", "Enterprise", "Express", "Datacenter", "Developer", "Web", "Workgroup",
            ]),
            "Standard, Enterprise, Express, Datacenter, Developer, Web or Workgroup";
        Port => u16, values::port, CellForm::Port, "a TCP port from 1 to 65535";
        Size => u64, values::size, CellForm::Text, "the file's size in bytes, a whole number";
        WriteTime => stamp::Culture, |t: &str| stamp::parse(t, stamp::Zone::Local), CellForm::Text,
            "the time as ISO 8601 (`2026-11-20T22:14:05Z`, what `ToString('o')` writes), or as Export-Csv writes it in the culture of the machine (`11/20/2026 10:14:05 PM`)";
    }
}
