//! The layers hold: the core depends on nothing of the shell, the shell's
//! top-level modules point one way only, and only the write path opens a
//! write. Read from the source itself, so a wrong arrow fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The top-level module a file of `src/` belongs to.
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(root().join("src")).unwrap();
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// The names following `prefix` in `text`: `crate::store::…` gives `store`.
fn referenced(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(at, _)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Module → the modules it names, for the shell's top-level modules.
fn shell_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(&root().join("src")) {
        let module = module_of(&file);
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(
            referenced(&text, "crate::")
                .into_iter()
                .filter(|m| *m != module),
        );
    }
    graph
}

/// A cycle in the graph, if there is one, as the path around it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_shells_top_level_modules_have_no_cycle() {
    let graph = shell_graph();
    assert!(graph.contains_key("ops") && graph.contains_key("store"));
    assert_eq!(cycle(&graph), None, "{graph:#?}");
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let graph = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

#[test]
fn lower_layers_never_point_up() {
    // Each module and what it must never name.
    let forbidden: &[(&str, &[&str])] = &[
        (
            "store",
            &[
                "ops", "commands", "tui", "import", "notify", "config", "cli",
            ],
        ),
        ("import", &["ops", "commands", "tui", "notify", "cli"]),
        ("notify", &["ops", "commands", "tui", "store", "import"]),
        ("ops", &["commands", "tui", "cli", "notify"]),
        ("tui", &["commands", "store"]),
        ("config", &["store", "ops", "commands", "tui"]),
    ];
    let graph = shell_graph();
    for (module, never) in forbidden {
        let uses = &graph[*module];
        for up in *never {
            assert!(!uses.contains(*up), "{module} must not use {up}: {uses:?}");
        }
    }
}

#[test]
fn the_core_depends_only_on_its_four_crates_and_never_on_the_shell() {
    let manifest = std::fs::read_to_string(root().join("crates/core/Cargo.toml")).unwrap();
    let section = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    let names: BTreeSet<&str> = section
        .lines()
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["chrono", "rust_decimal", "serde", "thiserror"])
    );
    for file in sources(&root().join("crates/core/src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for shell in [
            "rusqlite",
            "ratatui",
            "std::fs",
            "std::env",
            "dun::",
            "Utc::now",
            "Local::now",
        ] {
            assert!(!text.contains(shell), "{} uses {shell}", file.display());
        }
    }
}

/// True when `needle` occurs not as the tail of a longer name (`Tx<'` is
/// not found in `ImportTx<'`).
fn contains_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[test]
fn only_the_write_path_opens_a_write() {
    for file in sources(&root().join("src")) {
        let module = module_of(&file);
        if matches!(module.as_str(), "ops" | "store") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for opener in [".write(|", "store::Tx", "Tx<'", ".bulk(|", "Transaction"] {
            assert!(
                !contains_word(&text, opener),
                "{} opens a write ({opener}) outside ops/",
                file.display()
            );
        }
    }
}
