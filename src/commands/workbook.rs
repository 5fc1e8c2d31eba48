//! `worksheet init --format xlsx`: the worksheets as the sheets of one workbook, written
//! with rust_xlsxwriter.
//!
//! Each sheet is named after its kind and laid out from the kind's declaration: the header row
//! bold and frozen, each header cell carrying its column's meaning as a note, each column as
//! wide as its widest value; a column with a closed set of values gets a drop-down list, a date
//! column the `yyyy-mm-dd` format and an input message saying so, a port column a whole-number
//! check, and the other columns the Text format, so that Excel keeps what is typed as it is
//! (`2012`, `1-2`). The pre-filled values are the CSV files' (each passed `worksheet::cell`),
//! and are written as strings: no cell of the workbook is a formula.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, FormatBorder, Note, Workbook, XlsxError,
};

use crate::model::worksheet::{CellForm, Column, Kind};

/// The workbook's file name.
pub const FILE_NAME: &str = "worksheets.xlsx";

/// The last row of a sheet (0-based): validations and formats run to it.
const LAST_ROW: u32 = 1_048_575;
/// Narrowest and widest column, in characters.
const WIDTH: (usize, usize) = (10, 60);

/// The workbook holding one sheet for each kind and its rows (cells in the kind's column order),
/// as bytes.
///
/// # Errors
/// rust_xlsxwriter refuses a value (a string longer than Excel's 32,767 characters).
pub fn workbook(sheets: &[(Kind, &[Vec<String>])]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin)
        .set_background_color(0x00D9_E1F2);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    for &(kind, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(kind.name())?;
        let columns = kind.columns();
        for (c, column) in columns.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, col, column.header, &header)?;
            sheet.insert_note(
                0,
                col,
                &Note::new(note(column))
                    .set_author("topolint")
                    .add_author_prefix(false)
                    .set_width(320)
                    .set_height(120),
            )?;
            let widest = rows
                .iter()
                .filter_map(|row| row.get(c))
                .map(|v| v.chars().count())
                .chain(std::iter::once(column.header.chars().count() + 2))
                .max()
                .unwrap_or(0);
            sheet.set_column_width(
                col,
                u16::try_from(widest.clamp(WIDTH.0, WIDTH.1)).unwrap_or(60),
            )?;
            match column.form {
                CellForm::Date => {
                    sheet.set_column_format(col, &date)?;
                }
                CellForm::Text => {
                    sheet.set_column_format(col, &text)?;
                }
                CellForm::Choice(_) | CellForm::Port => {}
            }
            if let Some(check) = validation(column)? {
                sheet.add_data_validation(1, col, LAST_ROW, col, &check)?;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(LAST_ROW);
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    sheet.write_string(r, u16::try_from(c).unwrap_or(u16::MAX), value)?;
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

/// A column's note: its header, whether it is required, and what to write.
fn note(column: &Column) -> String {
    format!(
        "{} ({}): write {}.",
        column.header,
        if column.required {
            "required"
        } else {
            "optional"
        },
        column.what.replace('`', "")
    )
}

/// The check Excel makes of what is typed in a column, with the message it shows.
fn validation(column: &Column) -> Result<Option<DataValidation>, XlsxError> {
    let title = crate::input::text::cut(column.header, 32).into_owned();
    let check = match column.form {
        CellForm::Text => return Ok(None),
        CellForm::Choice(values) => DataValidation::new()
            .allow_list_strings(values)?
            .set_input_title(title.clone())?
            .set_input_message(format!("Choose from the list: {}.", values.join(", ")))?
            .set_error_title(title)?
            .set_error_message(format!("Write one of: {}.", values.join(", ")))?,
        CellForm::Date => DataValidation::new()
            .allow_any_value()
            .set_input_title(title)?
            .set_input_message("A date: type it as 2026-11-21 (YYYY-MM-DD).")?,
        CellForm::Port => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(1, 65_535))
            .set_input_title(title.clone())?
            .set_input_message("A TCP port, from 1 to 65535.")?
            .set_error_title(title)?
            .set_error_message("Write a TCP port, from 1 to 65535.")?,
    };
    Ok(Some(check))
}
