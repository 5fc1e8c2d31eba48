//! Opening an Export-Cs* archive into the workspace: the archive as a file findings can point
//! at, its `DocItemSet.xml` as a text file of its own (`CsConfiguration.zip!DocItemSet.xml`,
//! so that positions inside it are lines and columns of that member), and the topology inside,
//! read as a topology but never a deployment.

use std::path::Path;

use super::evidence::Archive;
use super::workspace::Workspace;
use crate::input::archive::{self, Opened, Problem};
use crate::input::source::{self, Encoding, FileId, size_in_words};
use crate::input::span::Span;

/// Who the archive is for, as the caller knows it.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    /// The cmdlet that wrote it, as the worksheets say.
    pub cmdlet: Option<&'static str>,
    /// The worksheet cell that names it.
    pub named_at: Option<(FileId, Span)>,
    /// The deployment whose backup run holds it.
    pub deployment: Option<usize>,
}

/// Opens the archive at `path` (shown as `shown`) and adds it to [`Workspace::archives`];
/// returns its index there.
pub fn read(ws: &mut Workspace, path: &Path, shown: String, origin: Origin) -> usize {
    let opened = archive::open_file(path);
    add(ws, path, shown, &opened, origin)
}

/// Adds an archive already opened.
pub fn add(
    ws: &mut Workspace,
    path: &Path,
    shown: String,
    opened: &Opened,
    origin: Origin,
) -> usize {
    let file = ws.files.add(
        path.to_path_buf(),
        shown.clone(),
        String::new(),
        Encoding::Binary,
    );
    let climbing: Vec<String> = opened
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::Climbs(name) => Some(format!("`{}`", crate::input::text::shown(name))),
            _ => None,
        })
        .collect();
    let mut problems: Vec<String> = opened
        .problems
        .iter()
        .filter(|p| !matches!(p, Problem::Climbs(_)))
        .map(describe)
        .collect();
    match climbing.as_slice() {
        [] => {}
        [one] => problems.push(format!(
            "its member {one} names a path out of the archive, which no Export-Cs* cmdlet writes"
        )),
        many => problems.push(format!(
            "its members {} name paths out of the archive, which no Export-Cs* cmdlet writes",
            crate::input::text::and_list(many)
        )),
    }
    let mut member = None;
    let mut problem_span = None;
    let mut topology = None;
    if let Some(bytes) = &opened.doc_item_set {
        let decoded = source::decode(bytes.clone());
        let id = ws.files.add(
            path.to_path_buf(),
            format!("{shown}!{}", archive::DOC_ITEM_SET),
            decoded.text,
            decoded.encoding,
        );
        member = Some(id);
        if let Some(p) = decoded.problem {
            problems.push(format!(
                "its {} cannot be decoded: {}",
                archive::DOC_ITEM_SET,
                p.message
            ));
            problem_span = Some(p.span);
        } else {
            let text = std::sync::Arc::clone(&ws.files.get(id).text);
            match super::read_embedded(&text, id) {
                Ok(found) => topology = found,
                Err(err) => {
                    problems.push(format!(
                        "its {} is not well-formed XML: {}",
                        archive::DOC_ITEM_SET,
                        err.message
                    ));
                    problem_span = Some(err.span);
                }
            }
        }
    }
    ws.archives.push(Archive {
        file,
        member,
        cmdlet: origin.cmdlet,
        named_at: origin.named_at,
        problems,
        problem_span,
        has_topology: topology.is_some(),
        topology,
        deployment: origin.deployment,
    });
    ws.archives.len() - 1
}

/// A problem of an archive, in words.
fn describe(problem: &Problem) -> String {
    match problem {
        Problem::NotZip(why) => {
            format!("it is no ZIP archive, or one whose central directory is damaged ({why})")
        }
        Problem::TooManyMembers(n) => format!(
            "it lists {n} members, more than the {} an export holds and topolint reads",
            archive::MAX_MEMBERS
        ),
        // Gathered into one problem by `add`.
        Problem::Climbs(name) => format!("its member `{}`", crate::input::text::shown(name)),
        Problem::Member { name, why } => format!(
            "its member `{}` cannot be read ({why})",
            crate::input::text::shown(name)
        ),
        Problem::TooLarge { name, declared } if *declared > archive::MAX_MEMBER_BYTES => format!(
            "its {name} declares {} uncompressed, more than the {} topolint inflates: it was not inflated (a ZIP bomb declares such sizes)",
            size_in_words(*declared),
            size_in_words(archive::MAX_MEMBER_BYTES)
        ),
        Problem::TooLarge { name, declared } => format!(
            "its {name} declares {} uncompressed but inflates to more than {}: inflating stopped there (a ZIP bomb lies so about its size)",
            size_in_words(*declared),
            size_in_words(archive::MAX_MEMBER_BYTES)
        ),
    }
}
