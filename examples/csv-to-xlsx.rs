//! Copies a deployment folder with its CSV worksheets gathered into one Excel workbook, a sheet
//! per file (every cell written as text), for the benchmark's workbook runs:
//!
//! ```text
//! cargo run --release --example csv-to-xlsx -- --from big --out big-xlsx
//! topolint check big-xlsx --as-of 2026-11-21
//! ```

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(about = "Gather a deployment's CSV worksheets into one workbook")]
struct Args {
    /// The deployment folder: a topology and CSV worksheets.
    #[arg(long)]
    from: PathBuf,
    /// Output directory (created): the other files copied, `worksheets.xlsx` written.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    fs::create_dir_all(&args.out)?;
    let mut paths: Vec<PathBuf> = fs::read_dir(&args.from)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut rows = 0usize;
    for path in paths {
        let is_csv = path.extension().is_some_and(|e| e == "csv");
        let Some(name) = path.file_name() else {
            continue;
        };
        if !is_csv {
            fs::copy(&path, args.out.join(name))?;
            continue;
        }
        let sheet = book.add_worksheet();
        sheet.set_name(
            path.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        )?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(&path)?;
        for (r, record) in reader.records().enumerate() {
            let record = record?;
            for (c, value) in record.iter().enumerate() {
                if !value.is_empty() {
                    sheet.write_string(u32::try_from(r)?, u16::try_from(c)?, value)?;
                }
            }
            rows += 1;
        }
    }
    book.save(args.out.join("worksheets.xlsx"))?;
    writeln!(
        std::io::stderr(),
        "wrote {} ({rows} rows)",
        args.out.join("worksheets.xlsx").display()
    )?;
    Ok(())
}
