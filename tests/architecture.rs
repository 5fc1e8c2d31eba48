//! The crate's shape, read from its source: the folders of `src/` are the stages of the
//! pipeline, each file depends only on files of its own stage or of the stages below it, and no
//! two files depend on each other, however indirectly. Unit tests (`#[cfg(test)]` items and the
//! modules declared under `#[cfg(test)]`) are left out: they may reach anywhere.
//!
//! A dependency is a path that names something of the crate: a `use` declaration, or a path
//! written in code (`crate::model::Workspace`, `super::Fqdn`, `worksheet::Kind` after
//! `use crate::model::worksheet`, `$crate::...` in a macro). It counts against the file that
//! declares the item: a `pub use` re-export is followed to where the item is declared, and is no
//! dependency of the re-exporting file itself (but it may not reach up a stage either).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The stages, lowest first: a file may use its own stage and those listed before it.
const STAGES: &[&str] = &[
    "input", "model", "analysis", "lint", "rules", "report", "commands",
];

/// Files `src/` may hold at its top level, above every stage.
const MAX_TOP_LEVEL_FILES: usize = 8;

#[test]
fn stages_only_depend_downwards_and_no_files_form_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = Crate::read(&src).graph();
    assert!(
        graph.edges.len() > 200,
        "only {} dependencies found: the reader of paths is broken",
        graph.edges.len()
    );
    // A few dependencies that must be seen, so that a reader finding nothing cannot pass.
    for (from, to) in [
        ("lint/engine.rs", "lint/rule.rs"),
        ("rules/tp101_duplicate_fqdn.rs", "lint/draft.rs"),
        ("report/html/mod.rs", "lint/engine.rs"),
        ("model/worksheet/read.rs", "input/table.rs"),
    ] {
        assert!(
            graph.edges.contains(&(from.to_string(), to.to_string())),
            "{from} -> {to} not found"
        );
    }
    let mut problems = graph.upward();
    problems.extend(graph.cycles().into_iter().map(|c| {
        format!(
            "cycle: {} -> {}",
            c.join(" -> "),
            c.first().map_or("", String::as_str)
        )
    }));
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_top_level_holds_the_stages_and_at_most_eight_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type().unwrap().is_dir() {
            dirs.push(name);
        } else {
            files.push(name);
        }
    }
    files.sort();
    dirs.sort();
    assert!(
        files.len() <= MAX_TOP_LEVEL_FILES,
        "{} files at the top of src/: {files:?}",
        files.len()
    );
    let mut stages: Vec<String> = STAGES.iter().map(ToString::to_string).collect();
    stages.sort();
    assert_eq!(dirs, stages, "the folders of src/ are the stages");
}

#[test]
fn the_reader_sees_cycles_upward_uses_and_reexports() {
    let graph = Crate::from_sources(&[
        ("lib.rs", "pub mod input; pub mod model; pub mod lint;"),
        ("input/mod.rs", "pub mod a; pub use a::Spanned;"),
        (
            "input/a.rs",
            "// crate::lint::Nothing in a comment\nconst S: &str = \"crate::lint::X\";\n\
             pub struct Spanned; fn f() { let c = '\"'; crate::model::b::g(); }",
        ),
        ("model/mod.rs", "pub mod b; pub mod c;"),
        (
            "model/b.rs",
            "use crate::input::Spanned; use super::c;\npub fn g<'a>(x: &'a str) { c::h(); }",
        ),
        (
            "model/c.rs",
            "pub fn h() {}\n#[cfg(test)]\nmod tests { use crate::lint::Z; }\n\
             #[cfg(test)]\nmod fixtures;",
        ),
        ("model/c/fixtures.rs", "use crate::lint::Z;"),
        (
            "lint/mod.rs",
            "pub mod e; pub use crate::model::b::g as later;\npub struct L; fn f() { e::x(); }",
        ),
        ("lint/e.rs", "use super::L; pub fn x() {}"),
        ("input/d.rs", "pub use crate::lint::later;"),
    ])
    .graph();
    let edges: Vec<(&str, &str)> = graph
        .edges
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        edges,
        [
            ("input/a.rs", "model/b.rs"),
            ("lint/e.rs", "lint/mod.rs"),
            ("lint/mod.rs", "lint/e.rs"),
            ("model/b.rs", "input/a.rs"),
            ("model/b.rs", "model/c.rs"),
        ]
    );
    assert_eq!(
        graph.upward(),
        [
            "input/a.rs (input) uses model/b.rs (model)",
            "input/d.rs (input) re-exports model/b.rs (model)",
        ]
    );
    assert_eq!(
        graph.cycles(),
        [
            vec!["input/a.rs", "model/b.rs"],
            vec!["lint/e.rs", "lint/mod.rs"]
        ]
    );
}

// ---- the graph ----------------------------------------------------------------------------

/// The dependencies between files, and the re-exports (which are no dependencies, but must not
/// reach up a stage either).
struct Graph {
    edges: BTreeSet<(String, String)>,
    reexports: BTreeSet<(String, String)>,
}

/// The rank of the stage a file belongs to; the files at the top of `src/` are above all.
fn stage(file: &str) -> (usize, &str) {
    match file.split_once('/') {
        Some((dir, _)) => STAGES
            .iter()
            .position(|s| *s == dir)
            .map_or((usize::MAX, dir), |i| (i, dir)),
        None => (STAGES.len(), "top level"),
    }
}

impl Graph {
    /// Every dependency or re-export that reaches a stage above the file's own.
    fn upward(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (verb, pairs) in [("uses", &self.edges), ("re-exports", &self.reexports)] {
            for (from, to) in pairs {
                let ((a, sa), (b, sb)) = (stage(from), stage(to));
                if b > a {
                    found.push(format!("{from} ({sa}) {verb} {to} ({sb})"));
                }
            }
        }
        found
    }

    /// The files that depend on each other, each group in name order (Tarjan's strongly
    /// connected components, iteratively).
    fn cycles(&self) -> Vec<Vec<String>> {
        let names: Vec<&String> = self
            .edges
            .iter()
            .flat_map(|(a, b)| [a, b])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index: BTreeMap<&String, usize> =
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for (a, b) in &self.edges {
            next[index[a]].push(index[b]);
        }
        let n = names.len();
        let (mut order, mut low) = (vec![usize::MAX; n], vec![0; n]);
        let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
        let mut counter = 0;
        let mut groups = Vec::new();
        for root in 0..n {
            if order[root] != usize::MAX {
                continue;
            }
            let mut work = vec![(root, 0usize)];
            while let Some(&mut (v, ref mut child)) = work.last_mut() {
                if *child == 0 {
                    order[v] = counter;
                    low[v] = counter;
                    counter += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = next[v].get(*child) {
                    *child += 1;
                    if order[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(order[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == order[v] {
                    let mut group = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        group.push(names[w].clone());
                        if w == v {
                            break;
                        }
                    }
                    if group.len() > 1 {
                        group.sort();
                        groups.push(group);
                    }
                }
            }
        }
        groups.sort();
        groups
    }
}

// ---- reading the crate --------------------------------------------------------------------

/// One source file: where it is, its module path, and its code as tokens.
struct File {
    /// Relative to `src/`, with `/` (`model/topology.rs`).
    name: String,
    /// `["model", "topology"]`; the crate root is `[]`.
    module: Vec<String>,
    tokens: Vec<String>,
    /// Its `use` declarations.
    uses: Vec<Use>,
}

struct Crate {
    files: Vec<File>,
}

impl Crate {
    fn read(src: &Path) -> Self {
        let mut sources = Vec::new();
        collect(src, src, &mut sources);
        let refs: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Self::from_sources(&refs)
    }

    fn from_sources(sources: &[(&str, &str)]) -> Self {
        let mut files = Vec::new();
        let mut test_only: Vec<Vec<String>> = Vec::new();
        for (name, text) in sources {
            let module = module_of(name);
            let (tokens, test_modules) = without_tests(&tokenize(&strip(text)));
            for m in test_modules {
                let mut path = module.clone();
                path.push(m);
                test_only.push(path);
            }
            let uses = uses(&tokens);
            files.push(File {
                name: (*name).to_string(),
                module,
                tokens,
                uses,
            });
        }
        // A file under a test-only module is test code.
        files.retain(|f| {
            !test_only
                .iter()
                .any(|t| f.module.len() >= t.len() && f.module[..t.len()] == t[..])
        });
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Self { files }
    }

    /// The file of a module (never the binary's `main.rs`).
    fn file_of_module(&self, module: &[String]) -> Option<usize> {
        self.files
            .iter()
            .position(|f| f.module == module && f.name != "main.rs")
    }

    /// `path` (segments as written) made absolute from the module of file `from`; `None` for a
    /// path into another crate.
    fn absolute(&self, from: usize, path: &[String]) -> Option<Vec<String>> {
        let file = &self.files[from];
        let (first, rest) = path.split_first()?;
        let mut out = match first.as_str() {
            "crate" | "$crate" => Vec::new(),
            "topolint" if file.name == "main.rs" => Vec::new(),
            "self" => file.module.clone(),
            "super" => {
                let mut m = file.module.clone();
                m.pop()?;
                let mut rest = rest;
                while rest.first().is_some_and(|s| s == "super") {
                    m.pop()?;
                    rest = &rest[1..];
                }
                m.extend(rest.iter().cloned());
                return Some(m);
            }
            // A child module named without `self::` (2018 paths).
            name => {
                let mut m = file.module.clone();
                m.push(name.to_string());
                self.file_of_module(&m)?;
                m
            }
        };
        out.extend(rest.iter().cloned());
        Some(out)
    }

    /// The files an absolute path leads to: the module file it names, or the file declaring
    /// the item it names, re-exports followed.
    fn locate(&self, path: &[String]) -> BTreeSet<usize> {
        let mut found = BTreeSet::new();
        self.locate_into(path, 0, &mut found);
        found
    }

    fn locate_into(&self, path: &[String], depth: usize, found: &mut BTreeSet<usize>) {
        if depth > 16 {
            return;
        }
        // The longest prefix that is a module.
        let Some((len, file)) = (0..=path.len())
            .rev()
            .find_map(|n| self.file_of_module(&path[..n]).map(|f| (n, f)))
        else {
            return;
        };
        let Some(item) = path.get(len) else {
            found.insert(file);
            return;
        };
        let mut followed = false;
        for u in self.files[file].uses.iter().filter(|u| u.public) {
            let Some(target) = self.absolute(file, &u.path) else {
                continue;
            };
            if u.glob {
                // An item of a glob re-export: wherever the glob leads to such a name.
                let mut deeper = target;
                deeper.extend(path[len..].iter().cloned());
                let before = found.len();
                self.locate_into(&deeper, depth + 1, found);
                followed |= found.len() > before;
            } else if u.name() == item {
                let mut deeper = target;
                deeper.extend(path[len + 1..].iter().cloned());
                self.locate_into(&deeper, depth + 1, found);
                followed = true;
            }
        }
        if !followed {
            found.insert(file);
        }
    }

    fn graph(&self) -> Graph {
        let mut edges = BTreeSet::new();
        let mut reexports = BTreeSet::new();
        for (i, file) in self.files.iter().enumerate() {
            // Modules in scope by name (the file's own child modules, and those brought in by a
            // `use`): what counts is what is used through them.
            let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for name in child_modules(&file.tokens) {
                let mut path = file.module.clone();
                path.push(name.clone());
                aliases.insert(name, path);
            }
            let mut targets = BTreeSet::new();
            for u in &file.uses {
                let Some(path) = self.absolute(i, &u.path) else {
                    continue;
                };
                let found = if u.glob {
                    // Everything the module declares or re-exports.
                    let mut found = BTreeSet::new();
                    if let Some(m) = self.file_of_module(&path) {
                        found.insert(m);
                        for r in self.files[m].uses.iter().filter(|r| r.public) {
                            if let Some(p) = self.absolute(m, &r.path) {
                                found.extend(self.locate(&p));
                            }
                        }
                    }
                    found
                } else if !u.public && self.file_of_module(&path).is_some() {
                    aliases.insert(u.name().to_string(), path);
                    continue;
                } else {
                    self.locate(&path)
                };
                for t in found.into_iter().filter(|t| *t != i) {
                    let pair = (file.name.clone(), self.files[t].name.clone());
                    if u.public {
                        reexports.insert(pair);
                    } else {
                        targets.insert(pair);
                    }
                }
            }
            for path in inline_paths(&file.tokens, &aliases, file.name == "main.rs") {
                let absolute = match aliases.get(&path[0]) {
                    Some(module) => {
                        let mut p = module.clone();
                        p.extend(path[1..].iter().cloned());
                        Some(p)
                    }
                    None => self.absolute(i, &path),
                };
                if let Some(p) = absolute {
                    for t in self.locate(&p).into_iter().filter(|t| *t != i) {
                        targets.insert((file.name.clone(), self.files[t].name.clone()));
                    }
                }
            }
            edges.extend(targets);
        }
        Graph { edges, reexports }
    }
}

/// Every `.rs` file under `dir`, as (name relative to `src`, text).
fn collect(src: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The module path of a file: `model/topology.rs` is `model::topology`, `model/mod.rs` is
/// `model`, `lib.rs` and `main.rs` are the crate roots.
fn module_of(name: &str) -> Vec<String> {
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    let mut parts: Vec<String> = stem.split('/').map(ToString::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

// ---- tokens -------------------------------------------------------------------------------

/// The code with comments, string literals and character literals blanked out.
fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            continue;
        }
        let after_ident = i > 0 && ident(chars[i - 1]);
        // Raw strings: r"..", r#".."#, br"..".
        if !after_ident && (c == 'r' || (c == 'b' && next == Some('r'))) {
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) == Some(&'"') {
                j += 1;
                loop {
                    match chars.get(j) {
                        None => break,
                        Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                            j += 1 + hashes;
                            break;
                        }
                        Some(_) => j += 1,
                    }
                }
                out.push_str(" \"\" ");
                i = j;
                continue;
            }
        }
        if c == '"' || (c == 'b' && next == Some('"') && !after_ident) {
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            out.push_str(" \"\" ");
            i = j + 1;
            continue;
        }
        if c == '\'' {
            // A character literal ('a', '\n', '\u{1f}'), not a lifetime ('a, 'static).
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                out.push_str(" ' ");
                i = j + 1;
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                out.push_str(" ' ");
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Identifiers (with a leading `$` for `$crate`), `::`, and single punctuation characters.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || (c == '$' && chars.get(i + 1) == Some(&'c')) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_string());
            i += 2;
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

/// The tokens without the items under `#[cfg(test)]` (or a `cfg` naming `test` without `not`),
/// and the names of the modules declared that way (`mod test_util;`).
fn without_tests(tokens: &[String]) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut modules = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(end) = test_attribute(tokens, i) {
            // Further attributes, then the item: to its `;` or its balanced braces.
            let mut j = end;
            while tokens.get(j).is_some_and(|t| t == "#") {
                j = attribute_end(tokens, j);
            }
            let item_start = j;
            while j < tokens.len() && tokens[j] != ";" && tokens[j] != "{" {
                j += 1;
            }
            if tokens.get(j).is_some_and(|t| t == ";") {
                let head = &tokens[item_start..j];
                if let Some(p) = head.iter().position(|t| t == "mod") {
                    if let Some(name) = head.get(p + 1) {
                        modules.push(name.clone());
                    }
                }
                i = j + 1;
            } else {
                let mut depth = 0;
                while j < tokens.len() {
                    if tokens[j] == "{" {
                        depth += 1;
                    } else if tokens[j] == "}" {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    j += 1;
                }
                i = j + 1;
            }
            continue;
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    (out, modules)
}

/// Where a `#[cfg(...test...)]` attribute starting at `i` ends, if one does.
fn test_attribute(tokens: &[String], i: usize) -> Option<usize> {
    if tokens.get(i)? != "#" || tokens.get(i + 1)? != "[" || tokens.get(i + 2)? != "cfg" {
        return None;
    }
    let end = attribute_end(tokens, i);
    let inside = &tokens[i..end];
    (inside.iter().any(|t| t == "test") && !inside.iter().any(|t| t == "not")).then_some(end)
}

/// The token after the attribute starting at `i` (`#`, `[`, ..., `]`).
fn attribute_end(tokens: &[String], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i + 1;
    while j < tokens.len() {
        match tokens[j].as_str() {
            "[" => depth += 1,
            "]" => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    j
}

/// The modules a file declares (`mod x;`, `pub mod x;`), outside tests.
fn child_modules(tokens: &[String]) -> Vec<String> {
    tokens
        .windows(3)
        .filter(|w| w[0] == "mod" && w[2] == ";")
        .map(|w| w[1].clone())
        .collect()
}

// ---- paths --------------------------------------------------------------------------------

/// One leaf of a `use` tree.
#[derive(Clone, Debug)]
struct Use {
    /// The path as written (`crate`, `model`, `Workspace`).
    path: Vec<String>,
    /// The name it is known by, when renamed with `as`.
    alias: Option<String>,
    /// `use path::*`.
    glob: bool,
    /// A `pub` (or `pub(crate)`...) use: a re-export.
    public: bool,
}

impl Use {
    fn name(&self) -> &str {
        self.alias
            .as_deref()
            .or_else(|| self.path.last().map(String::as_str))
            .unwrap_or("")
    }
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
}

/// Every `use` declaration's leaves.
fn uses(tokens: &[String]) -> Vec<Use> {
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        if tokens[i] != "use" {
            continue;
        }
        let public = i > 0
            && (tokens[i - 1] == "pub"
                || (tokens[i - 1] == ")" && {
                    let open = tokens[..i - 1].iter().rposition(|t| t == "(");
                    open.is_some_and(|o| o > 0 && tokens[o - 1] == "pub")
                }));
        let end = tokens[i..]
            .iter()
            .position(|t| t == ";")
            .map_or(tokens.len(), |p| i + p);
        let mut at = i + 1;
        if tokens.get(at).is_some_and(|t| t == "::") {
            continue; // An absolute path into another crate.
        }
        tree(&tokens[..end], &mut at, &[], public, &mut out);
    }
    out
}

/// Reads a use tree at `at`, with `prefix` before it.
fn tree(tokens: &[String], at: &mut usize, prefix: &[String], public: bool, out: &mut Vec<Use>) {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(*at).map(String::as_str) {
            Some("{") => {
                *at += 1;
                loop {
                    match tokens.get(*at).map(String::as_str) {
                        Some("}") => {
                            *at += 1;
                            return;
                        }
                        Some(",") => *at += 1,
                        None => return,
                        Some(_) => tree(tokens, at, &path, public, out),
                    }
                }
            }
            Some("*") => {
                *at += 1;
                out.push(Use {
                    path,
                    alias: None,
                    glob: true,
                    public,
                });
                return;
            }
            Some("self") if !path.is_empty() => {
                *at += 1;
                let alias = rename(tokens, at);
                out.push(Use {
                    path,
                    alias,
                    glob: false,
                    public,
                });
                return;
            }
            Some(t) if is_ident(t) => {
                path.push(t.to_string());
                *at += 1;
                if tokens.get(*at).is_some_and(|t| t == "::") {
                    *at += 1;
                    continue;
                }
                let alias = rename(tokens, at);
                out.push(Use {
                    path,
                    alias,
                    glob: false,
                    public,
                });
                return;
            }
            _ => {
                *at += 1;
                return;
            }
        }
    }
}

fn rename(tokens: &[String], at: &mut usize) -> Option<String> {
    if tokens.get(*at).is_some_and(|t| t == "as") {
        let alias = tokens.get(*at + 1).cloned();
        *at += 2;
        alias
    } else {
        None
    }
}

/// Paths written in code, outside `use` declarations: those starting with `crate`, `$crate`,
/// `self`, `super`, `topolint` (in the binary) or a module brought into scope (`aliases`),
/// and going on with `::`.
fn inline_paths(
    tokens: &[String],
    aliases: &BTreeMap<String, Vec<String>>,
    binary: bool,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "use" {
            while i < tokens.len() && tokens[i] != ";" {
                i += 1;
            }
            continue;
        }
        let t = tokens[i].as_str();
        let starts = matches!(t, "crate" | "$crate" | "self" | "super")
            || (binary && t == "topolint")
            || aliases.contains_key(t);
        let after_path = i > 0 && tokens[i - 1] == "::";
        if starts && !after_path && tokens.get(i + 1).is_some_and(|n| n == "::") {
            let mut path = vec![t.to_string()];
            let mut j = i + 1;
            while tokens.get(j).is_some_and(|n| n == "::")
                && tokens.get(j + 1).is_some_and(|n| is_ident(n))
            {
                path.push(tokens[j + 1].clone());
                j += 2;
            }
            out.push(path);
            i = j;
            continue;
        }
        i += 1;
    }
    out
}
