//! `topolint inspect`: what was understood of the inputs, and how two topologies differ.

use std::io::Write;
use std::path::PathBuf;

use super::args::{InspectArgs, InspectFormat};
use super::setup::{Env, read_backups, read_workspace_with, share_folders, write};
use crate::lint::error::Fatal;
use crate::model::Workspace;
use crate::model::load;
use crate::report::inspect;

pub(super) fn inspect_cmd(args: &InspectArgs, env: &Env, out: &mut dyn Write) -> Result<u8, Fatal> {
    if let Some(sides) = &args.diff {
        return inspect_diff(sides, args.format, env, out);
    }
    let none = crate::lint::config::Config::default();
    let skip = share_folders(&args.backup_share, &none, env)?;
    let mut ws = read_workspace_with(&args.paths, args.no_ignore, None, &skip, env)?;
    read_backups(&mut ws, &args.backup_share, &none, args.read_backups, env)?;
    let inventory = inspect::inventory(&ws);
    let text = args.format == InspectFormat::Text;
    if text && !env.console.unicode {
        let mut buffer = Vec::new();
        inspect::render_text(&mut buffer, &inventory).map_err(|e| Fatal::Io {
            message: e.to_string(),
        })?;
        write_text(out, &buffer, args.format, env)?;
        return Ok(0);
    }
    // Written as it is rendered: the inventory shows every name in full, however long.
    let mut out = std::io::BufWriter::new(out);
    let result = if text {
        inspect::render_text(&mut out, &inventory)
    } else {
        inspect::render_json(&mut out, &inventory)
    };
    result.and_then(|()| out.flush()).map_err(|e| Fatal::Io {
        message: format!("cannot write to standard output: {e}"),
    })?;
    Ok(0)
}
/// `inspect --diff OLD NEW`.
fn inspect_diff(
    sides: &[PathBuf],
    format: InspectFormat,
    env: &Env,
    out: &mut dyn Write,
) -> Result<u8, Fatal> {
    let [old, new] = sides else {
        return Err(Fatal::Usage {
            message: "--diff takes two topology files, OLD and NEW".to_string(),
            help: None,
        });
    };
    let mut ws = Workspace::default();
    let mut read = |given: &PathBuf| -> Result<(crate::model::Topology, String), Fatal> {
        let path = env.cwd.join(given);
        crate::input::source::check_regular(&path).map_err(|reason| Fatal::PathNotFound {
            path: given.display().to_string(),
            reason,
        })?;
        let before = ws.problems.len();
        let topology = load::load_topology_file(&mut ws, &path, &env.cwd);
        let shown = crate::input::source::display_path(&path, &env.cwd);
        topology.map(|t| (t, shown.clone())).ok_or_else(|| {
            let why = ws
                .problems
                .get(before)
                .map_or_else(|| "not a topology document".to_string(), |p| p.message.clone());
            Fatal::Usage {
                message: format!("`{shown}` cannot be compared: {why}"),
                help: Some(
                    "compare two exports of `Get-CsTopology -AsXml` (or Topology Builder files); `topolint check FILE` shows what is wrong with one"
                        .to_string(),
                ),
            }
        })
    };
    let (old, old_name) = read(old)?;
    let (new, new_name) = read(new)?;
    let view = inspect::diff_view(&old, &new, &old_name, &new_name);
    let mut buffer = Vec::new();
    let result = match format {
        InspectFormat::Text => inspect::render_diff_text(&mut buffer, &view),
        InspectFormat::Json => inspect::render_diff_json(&mut buffer, &view),
    };
    result.map_err(|e| Fatal::Io {
        message: e.to_string(),
    })?;
    write_text(out, &buffer, format, env)?;
    Ok(0)
}
/// Writes `inspect` output: the text form's symbols in ASCII when the console's code page is not
/// UTF-8; JSON as it is.
fn write_text(
    out: &mut dyn Write,
    bytes: &[u8],
    format: InspectFormat,
    env: &Env,
) -> Result<(), Fatal> {
    if env.console.unicode || format == InspectFormat::Json {
        return write(out, bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    write(out, crate::report::console::ascii_symbols(&text).as_bytes())
}
