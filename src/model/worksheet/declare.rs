//! How a worksheet kind is declared: [`worksheets!`] turns one declaration per kind into
//! everything else the kind needs.
//!
//! A declaration names the kind, its file name (`sql-instances`), its typed row and the
//! columns, each with its field, value type ([`super::column::cells`]), header and aliases,
//! whether it is required, and what to write in it. From that the macro makes:
//!
//! - the row struct (`SqlInstanceRow`), one field per column typed by its value type, and the
//!   columns as data (`SqlInstanceRow::COLUMNS.witness`), which rules and `worksheet init` name
//!   instead of header strings;
//! - the [`Kind`](super::Kind) enum with each kind's name and columns;
//! - [`Rows`](super::Rows) (one file's rows) and [`Sheets`](super::Sheets) (a deployment's rows
//!   by kind), and the reading of a record into the row of its kind.

/// Declares every worksheet kind (see the module documentation).
macro_rules! worksheets {
    (
        $(
            $(#[doc = $doc:literal])*
            $kind:ident = $name:literal, $sheets_field:ident: $row:ident, $columns:ident {
                $(
                    $(#[doc = $fdoc:literal])*
                    $field:ident: $cells:ident = $required:ident $header:literal
                        $(| $alias:literal)* => $what:expr
                ),* $(,)?
            }
        )*
    ) => {
        /// The kind of a worksheet, recognised by its header row.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Kind {
            $( $(#[doc = $doc])* $kind, )*
        }

        impl Kind {
            /// Every kind, in the order `worksheet init` writes them.
            pub const ALL: [Self; [ $( stringify!($kind) ),* ].len()] = [ $( Self::$kind, )* ];

            /// The kind's name (`sql-instances`), also its file name without `.csv`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $( Self::$kind => $name, )* }
            }

            /// The columns, in the order `worksheet init` writes them.
            #[must_use]
            pub fn columns(self) -> &'static [&'static $crate::model::worksheet::column::Column] {
                match self { $( Self::$kind => $row::LIST, )* }
            }
        }

        $(
            #[doc = concat!("A row of the `", $name, "` worksheet.")]
            #[derive(Clone, Debug)]
            pub struct $row {
                pub at: $crate::model::worksheet::column::At,
                $(
                    $(#[doc = $fdoc])*
                    pub $field: <$crate::model::worksheet::column::cells::$cells
                        as $crate::model::worksheet::column::cells::CellType>::Field,
                )*
            }

            #[doc = concat!("The columns of the `", $name, "` worksheet, by row field.")]
            #[derive(Debug)]
            pub struct $columns {
                $( pub $field: $crate::model::worksheet::column::Column, )*
            }

            impl $row {
                /// The kind of worksheet this row is read from.
                pub const KIND: Kind = Kind::$kind;

                /// The columns, by row field.
                pub const COLUMNS: $columns = $columns {
                    $(
                        $field: $crate::model::worksheet::column::Column {
                            sheet: $name,
                            header: $header,
                            aliases: &[ $( $alias ),* ],
                            required: worksheets!(@required $required),
                            what: $what,
                            accepted: <$crate::model::worksheet::column::cells::$cells
                                as $crate::model::worksheet::column::cells::CellType>::ACCEPTED,
                            form: <$crate::model::worksheet::column::cells::$cells
                                as $crate::model::worksheet::column::cells::CellType>::FORM,
                        },
                    )*
                };

                /// The columns in the order they are declared and written.
                pub const LIST: &'static [&'static $crate::model::worksheet::column::Column] =
                    &[ $( &Self::COLUMNS.$field, )* ];

                /// Reads a record, every column in order.
                fn read(
                    at: $crate::model::worksheet::column::At,
                    reader: &mut $crate::model::worksheet::column::RowReader<'_>,
                ) -> Self {
                    Self {
                        at,
                        $(
                            $field: <$crate::model::worksheet::column::cells::$cells
                                as $crate::model::worksheet::column::cells::CellType>::read(reader),
                        )*
                    }
                }
            }

            impl $crate::model::worksheet::column::SheetRow for $row {
                fn at(&self) -> $crate::model::worksheet::column::At {
                    self.at
                }
            }
        )*

        /// The rows of one worksheet file.
        #[derive(Clone, Debug)]
        pub enum Rows {
            $( $kind(Vec<$row>), )*
        }

        impl Rows {
            /// No rows of `kind` yet.
            #[must_use]
            pub fn empty(kind: Kind) -> Self {
                match kind { $( Kind::$kind => Self::$kind(Vec::new()), )* }
            }

            #[must_use]
            pub fn len(&self) -> usize {
                match self { $( Self::$kind(r) => r.len(), )* }
            }

            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Reads a record into a row of the kind.
            pub(crate) fn push(
                &mut self,
                at: $crate::model::worksheet::column::At,
                reader: &mut $crate::model::worksheet::column::RowReader<'_>,
            ) {
                match self { $( Self::$kind(r) => r.push($row::read(at, reader)), )* }
            }
        }

        /// The worksheets of one deployment, merged by kind (a kind may be split over several
        /// files).
        #[derive(Clone, Debug, Default)]
        pub struct Sheets {
            $( pub $sheets_field: Vec<$row>, )*
            /// Each file's kind and header record, in path order.
            pub headers: Vec<(Kind, $crate::input::source::FileId, $crate::input::span::Span)>,
        }

        impl Sheets {
            /// Adds one file's rows, moving them out of the worksheet (a worksheet joins one
            /// deployment at most), so that rows are never copied.
            pub fn add(&mut self, sheet: &mut Worksheet) {
                /// Appends `more` to `rows`, taking the vector as it is when `rows` is empty.
                fn append<T>(rows: &mut Vec<T>, mut more: Vec<T>) {
                    if rows.is_empty() {
                        *rows = more;
                    } else {
                        rows.append(&mut more);
                    }
                }
                self.headers.push((sheet.kind, sheet.file, sheet.header));
                match std::mem::replace(&mut sheet.rows, Rows::empty(sheet.kind)) {
                    $( Rows::$kind(r) => append(&mut self.$sheets_field, r), )*
                }
            }
        }
    };
    (@required required) => { true };
    (@required optional) => { false };
}

pub(crate) use worksheets;
