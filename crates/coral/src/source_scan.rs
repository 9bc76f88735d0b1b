//! Helpers of the source guard tests (layers, tenant statements, Citus shapes): they read
//! Coral's own `.rs` files as text. Tests only.

use std::path::{Path, PathBuf};

/// A fresh directory holding `files` (`(relative path, text)`, parents created), removed
/// when dropped: the planted samples the guard tests show their scans failing on.
pub fn sample(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a file in the dir")).expect("sample dir");
        std::fs::write(path, text).expect("sample file");
    }
    dir
}

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
