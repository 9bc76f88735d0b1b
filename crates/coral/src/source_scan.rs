//! Helpers of the source guard tests (layers, tenant statements, Citus shapes): they read
//! Coral's own `.rs` files as text. Tests only.

use std::path::{Path, PathBuf};

/// Every `.rs` file at or below `path` (none if it does not exist), sorted, so findings come out in a stable order.
pub fn rust_files(path: &Path) -> Vec<PathBuf> {
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).expect("read source dir") {
                walk(&entry.expect("dir entry").path(), out);
            }
        } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_owned());
        }
    }
    let mut out = Vec::new();
    walk(path, &mut out);
    out.sort();
    out
}
