//! Writes the input shapes `bench/run.sh` measures growth on: shapes real files can take (a
//! minified export, a baseline on one line) or a hostile file can, where a step that is not
//! linear in the input would show.
//!
//! ```text
//! cargo run --release --example gen-shapes -- --shape long-line --size 20000 --out dir
//! topolint check dir/topology.xml
//! ```
//!
//! `--size` counts the repeated part of each shape:
//!
//! - `long-line`: a published topology on one line with SIZE pools, each with a single-label
//!   FQDN and a machine with another (two TP104 findings per pool, all on that line).
//! - `namespaces`: a topology whose root declares SIZE namespace prefixes, with SIZE pools.
//! - `attributes`: a topology whose site element has SIZE attributes.
//! - `baseline`: a one-pool topology and `baseline.json`, a baseline on one line of SIZE entries
//!   that match no finding (an IN007 finding each, all on that line).
//! - `big-attribute`: a topology whose one machine has an FQDN of SIZE kilobytes.
//!
//! The output depends only on the arguments.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Shape {
    LongLine,
    Namespaces,
    Attributes,
    Baseline,
    BigAttribute,
}

#[derive(Parser, Debug)]
#[command(about = "Write an input shape for the benchmark's growth measurements")]
struct Args {
    #[arg(long, value_enum)]
    shape: Shape,
    /// How many times the repeated part occurs (kilobytes for `big-attribute`).
    #[arg(long)]
    size: usize,
    /// Output directory (created; existing files are overwritten).
    #[arg(long)]
    out: PathBuf,
}

const NS: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";

fn main() -> io::Result<()> {
    let args = Args::parse();
    fs::create_dir_all(&args.out)?;
    let mut w = BufWriter::new(File::create(args.out.join("topology.xml"))?);
    let n = args.size;
    match args.shape {
        Shape::LongLine => {
            write!(w, "<Topology xmlns=\"{NS}\">{SITE}<Clusters>")?;
            for i in 1..=n {
                pool(&mut w, i, &format!("pool{i}"), &format!("fe{i}"))?;
            }
            writeln!(w, "</Clusters></Topology>")?;
        }
        Shape::Namespaces => {
            write!(w, "<Topology xmlns=\"{NS}\"")?;
            for i in 0..n {
                write!(w, " xmlns:p{i}=\"urn:example:p{i}\"")?;
            }
            writeln!(w, ">\n{SITE}\n<Clusters>")?;
            for i in 1..=n {
                pool(
                    &mut w,
                    i,
                    &format!("pool{i}.contoso.com"),
                    &format!("fe{i}.contoso.com"),
                )?;
                writeln!(w)?;
            }
            writeln!(w, "</Clusters>\n</Topology>")?;
        }
        Shape::Attributes => {
            write!(
                w,
                "<Topology xmlns=\"{NS}\">\n<Sites><CentralSite SiteId=\"1\""
            )?;
            for i in 0..n {
                write!(w, " a{i}=\"{i}\"")?;
            }
            writeln!(
                w,
                "><Name>Redmond</Name></CentralSite></Sites>\n</Topology>"
            )?;
        }
        Shape::Baseline => {
            writeln!(w, "<Topology xmlns=\"{NS}\">{SITE}<Clusters>")?;
            pool(&mut w, 1, "pool01.contoso.com", "fe01.contoso.com")?;
            writeln!(w, "</Clusters></Topology>")?;
            let mut b = BufWriter::new(File::create(args.out.join("baseline.json"))?);
            write!(
                b,
                "{{\"schema_version\":1,\"tool\":\"topolint\",\"findings\":["
            )?;
            for i in 0..n {
                let comma = if i == 0 { "" } else { "," };
                write!(
                    b,
                    "{comma}{{\"fingerprint\":\"{i:016x}\",\"code\":\"TP101\",\"entity\":\"pool{i}.contoso.com\",\"message\":\"pool{i}.contoso.com is declared twice\"}}"
                )?;
            }
            writeln!(b, "]}}")?;
            b.flush()?;
        }
        Shape::BigAttribute => {
            writeln!(w, "<Topology xmlns=\"{NS}\">\n{SITE}\n<Clusters>")?;
            write!(
                w,
                "<Cluster Fqdn=\"pool01.contoso.com\"><ClusterId SiteId=\"1\" Number=\"1\" />\n<Machine OrdinalInCluster=\"1\" Fqdn=\""
            )?;
            let kilobyte = [b'a'; 1024];
            for _ in 0..n {
                w.write_all(&kilobyte)?;
            }
            writeln!(w, ".contoso.com\" /></Cluster>\n</Clusters>\n</Topology>")?;
        }
    }
    w.flush()
}

const SITE: &str = "<Sites><CentralSite SiteId=\"1\"><Name>Redmond</Name></CentralSite></Sites>";

/// A one-machine pool, cluster `number` of site 1.
fn pool(w: &mut impl Write, number: usize, fqdn: &str, machine: &str) -> io::Result<()> {
    write!(
        w,
        "<Cluster Fqdn=\"{fqdn}\"><ClusterId SiteId=\"1\" Number=\"{number}\" /><Machine OrdinalInCluster=\"1\" Fqdn=\"{machine}\" /></Cluster>"
    )
}
