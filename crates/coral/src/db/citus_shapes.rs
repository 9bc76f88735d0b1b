//! Source guard (tests only): statement shapes Citus refuses on distributed tables under row
//! level security stay out of `src/db` (issue 22 item 3; docs/citus-findings.md, "Fixed in
//! item 3"). Plain PostgreSQL accepts them all, so only this scan catches a new one.

use std::path::Path;

use crate::source_scan::{rust_files, sample};

/// Files whose bulk `INSERT … SELECT unnest(…)` is allowed, with the reason.
const UNNEST_ALLOWED: &[(&str, &str)] = &[("tenants.rs", "tenant_domains is not a row-level-secured tenant table")];

/// The rest of the string literal from `at` (a statement runs until its closing quote).
fn literal_from(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    &rest[..rest.find('"').unwrap_or(rest.len())]
}

/// The expression list of a `RETURNING` clause that starts `s`: up to the `)` closing the
/// enclosing CTE, or the end of the statement.
fn returning_list(s: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return &s[..i],
            ')' => depth -= 1,
            _ => {}
        }
    }
    s
}

/// `file: problem` for every refused shape in the Rust files under `dir`.
fn offenders(dir: &Path) -> Vec<String> {
    let files = rust_files(dir);
    let mut found = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "citus_shapes.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        if text.contains("JOIN LATERAL") {
            found.push(format!("{name}: outer join LATERAL (use scalar subqueries)"));
        }
        for (at, _) in text.match_indices("DO UPDATE") {
            if literal_from(&text, at).contains("()") {
                found.push(format!("{name}: a function in DO UPDATE SET (use EXCLUDED or a bind)"));
            }
        }
        // Citus: "non-IMMUTABLE functions are not allowed in the RETURNING clause" (and a
        // subquery counts as one). Return columns; build JSON in a CTE's outer SELECT.
        for (at, _) in text.match_indices("RETURNING ") {
            let list = returning_list(literal_from(&text, at + "RETURNING ".len()));
            if list.contains('(') || list.contains('{') {
                found.push(format!("{name}: an expression in RETURNING ({})", list.trim()));
            }
        }
        // Citus routes a statement to one shard only when each table in it, subqueries
        // included, is pinned to the tenant: `x.tenant_id = $1`, not `= y.tenant_id` (a
        // correlated subquery on `y`'s tenant runs on all 32 shards).
        for (at, _) in text.match_indices(".tenant_id = ") {
            let rest = &text[at + ".tenant_id = ".len()..];
            let next: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            if next.ends_with(".tenant_id") {
                found.push(format!(
                    "{name}: tenant_id compared with another table's (pin it: = $1)"
                ));
            }
        }
        // Citus: "non-IMMUTABLE functions are not allowed in CASE or COALESCE statements"
        // of a distributed UPDATE/INSERT. Bind the time instead.
        for needle in ["THEN now()", "ELSE now()", ", now())"] {
            if text.contains(needle) {
                found.push(format!("{name}: now() inside CASE or coalesce (bind the time)"));
            }
        }
        if UNNEST_ALLOWED.iter().any(|(f, _)| *f == name) {
            continue;
        }
        for (at, _) in text.match_indices("INSERT INTO") {
            let statement = literal_from(&text, at);
            if statement.contains("unnest(") && !statement.contains("ON CONFLICT") {
                found.push(format!("{name}: INSERT … SELECT unnest(…) (use db::values)"));
            }
        }
    }
    found
}

#[test]
fn src_db_has_no_shape_citus_refuses() {
    let found = offenders(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db"));
    assert!(found.is_empty(), "shapes Citus refuses:\n{}", found.join("\n"));
}

#[test]
fn the_guard_sees_each_refused_shape() {
    let fine = sample(&[(
        "fine.rs",
        "const A: &str = \"INSERT INTO t (tenant_id, x) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING\";\n\
         const B: &str = \"INSERT INTO t (tenant_id, x) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE \\\n\
         SET x = EXCLUDED.x, updated_at = EXCLUDED.updated_at\"; const C: &str = \"SELECT now()\";\n\
         const D: &str = \"WITH e AS (INSERT INTO t VALUES ($1) RETURNING id, x) SELECT json_build_object('id', e.id) FROM e\";\n",
    )]);
    assert!(offenders(fine.path()).is_empty(), "{:?}", offenders(fine.path()));
    let bad = sample(&[(
        "bad.rs",
        "const A: &str = \"SELECT * FROM a LEFT JOIN LATERAL (SELECT 1) b ON true\";\n\
         const B: &str = \"INSERT INTO t (tenant_id, x) SELECT $1, unnest($2::text[])\";\n\
         const C: &str = \"INSERT INTO t VALUES ($1) ON CONFLICT (tenant_id) DO UPDATE SET updated_at = now()\";\n\
         const D: &str = \"UPDATE t SET x = $2 RETURNING json_build_object('x', x)\";\n\
         const E: &str = \"UPDATE t SET at = CASE WHEN $2 THEN now() ELSE at END\";\n\
         const F: &str = \"SELECT (SELECT 1 FROM b WHERE b.tenant_id = a.tenant_id) FROM a WHERE a.tenant_id = $1\";\n",
    )]);
    let found = offenders(bad.path());
    assert_eq!(found.len(), 6, "{found:?}");
}

/// The first migration written after `coral citus distribute` existed: from it on, a
/// migration may run on a distributed database (earlier ones all run before
/// `distribute`, which migrates first).
const FIRST_AFTER_DISTRIBUTE: u32 = 17;

/// `file: line` for each statement Citus forwards to the workers as the whole migration
/// file's query string — `ALTER TABLE … ROW LEVEL SECURITY`, `DROP TRIGGER` — which
/// fails there ("cannot insert multiple commands into a prepared statement"); run through
/// `EXECUTE` in a `DO` block, it is one command (docs/citus.md, "Migrations").
fn forwarded_ddl(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let version: u32 = name.split('_').next().and_then(|v| v.parse().ok()).unwrap_or(0);
        if version < FIRST_AFTER_DISTRIBUTE {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read migration");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start().to_ascii_uppercase();
            if (code.starts_with("ALTER TABLE") && code.contains("ROW LEVEL SECURITY"))
                || code.starts_with("DROP TRIGGER")
            {
                found.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn later_migrations_run_forwarded_ddl_through_execute() {
    let found = forwarded_ddl(&Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"));
    assert!(
        found.is_empty(),
        "wrap in DO $$ BEGIN EXECUTE '…'; END $$:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_migration_guard_sees_forwarded_ddl() {
    let dir = sample(&[
        ("0011_old.sql", "ALTER TABLE a FORCE ROW LEVEL SECURITY;\n"),
        (
            "0017_new.sql",
            "DO $$ BEGIN EXECUTE 'ALTER TABLE a NO FORCE ROW LEVEL SECURITY'; END $$;\n\
             ALTER TABLE b FORCE ROW LEVEL SECURITY;\ndrop trigger coral_audit ON c;\n",
        ),
    ]);
    let found = forwarded_ddl(dir.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("0017_new.sql:2:"), "{found:?}");
}
