//! Multi-row `VALUES` lists for a tenant's bulk inserts.
//!
//! Citus runs `INSERT … SELECT … FROM unnest(…)` on a distributed table as a COPY, which
//! row level security refuses ("COPY FROM not supported with row-level security"; issue 22,
//! docs/citus-findings.md). A plain `INSERT … VALUES (…), (…)` is routed as an insert, so bulk
//! inserts list their rows, at most [`MAX_ROWS`] per statement.

use crate::core::Result;
use crate::db::TenantTx;

/// Rows per statement: keeps the bind parameters far below PostgreSQL's 65535.
pub const MAX_ROWS: usize = 500;

/// `($1, $2, $3), ($1, $4, $5)`: `rows` tuples, each the tenant id (`$1`, bound by
/// [`TenantTx::query`](crate::db::TenantTx::query)) followed by `per_row` placeholders
/// numbered on from `$2`, row by row. Bind the rows' values in that order.
pub fn tenant_rows(rows: usize, per_row: usize) -> String {
    let mut next = 2;
    let tuples: Vec<String> = (0..rows)
        .map(|_| {
            let mut cells = vec!["$1".to_owned()];
            for _ in 0..per_row {
                cells.push(format!("${next}"));
                next += 1;
            }
            format!("({})", cells.join(", "))
        })
        .collect();
    tuples.join(", ")
}

/// Links one row to many: inserts `(tenant, owner, id)` for each of `ids` into `into`, a
/// table with its three columns, the tenant's first, e.g.
/// `"variant_option_values (tenant_id, variant_id, option_value_id)"`. [`MAX_ROWS`] rows
/// per statement.
pub async fn insert_links(tx: &mut TenantTx, into: &str, owner: &str, ids: &[String]) -> Result<()> {
    for chunk in ids.chunks(MAX_ROWS) {
        let sql = format!("INSERT INTO {into} VALUES {}", tenant_rows(chunk.len(), 2));
        let mut q = tx.query(&sql);
        for id in chunk {
            q = q.bind(owner).bind(id);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::tenant_rows;

    #[test]
    fn placeholders_follow_the_tenant_row_by_row() {
        assert_eq!(tenant_rows(2, 2), "($1, $2, $3), ($1, $4, $5)");
        assert_eq!(tenant_rows(1, 0), "($1)");
        assert_eq!(tenant_rows(0, 3), "");
    }
}
