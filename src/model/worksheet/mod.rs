//! The backup and restoration worksheets: eight kinds, each declared once ([`kinds`]),
//! recognised by their header row and read into typed rows whose every cell keeps its span
//! ([`read`]).

pub mod column;
mod declare;
pub mod kinds;
mod listing;
pub mod read;
pub mod rows;

pub use column::{At, BlankCell, CellForm, Column, RequiredCell, SheetProblem, SheetRow, Typed};
pub use kinds::{
    BackupRunRow, CertificateRow, DatabaseRow, FileStoreRow, Kind, PoolPairRow, Rows, ServerRow,
    SettingsRow, Sheets, SqlInstanceRow, Worksheet,
};
pub use read::{Closest, NearMiss, Read, closest, lower, recognise};
pub use rows::one_database_subject;
