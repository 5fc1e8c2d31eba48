//! The first stage: files as they are found, read and parsed, each value keeping where it is
//! written.
//!
//! `table` is a worksheet's grid of cells, whatever the file format; `csv` reads one from CSV
//! text in the dialects Windows tools write, `workbook` the cells of an Excel workbook's sheets,
//! which `grid` lays out as text so that they have spans too. `share` reads a backup share's
//! folders and `archive` the ZIP archives the Export-Cs* cmdlets write, both without trusting
//! what they find.

pub mod archive;
pub mod csv;
pub mod dialect;
pub mod discover;
pub mod grid;
pub mod identity;
pub mod paths;
pub mod problem;
pub mod share;
pub mod source;
pub mod span;
pub mod table;
pub mod text;
pub mod workbook;
pub mod xml;
