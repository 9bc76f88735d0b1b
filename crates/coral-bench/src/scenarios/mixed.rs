//! `mixed-tenants`: the `reads` mix where every request goes to a tenant picked at random
//! among all the keys given, so per-tenant caches and connection routing are exercised
//! the way a shared multi-tenant deployment sees them.

use std::sync::Arc;

use anyhow::Result;

use crate::scenarios::reads::{self, ReadLoad};
use crate::scenarios::Ctx;

/// Loads every key's region and catalogue; the runs themselves are `reads::measure`.
pub async fn prepare(ctx: &Ctx) -> Result<Arc<ReadLoad>> {
    if ctx.keys.len() < 2 {
        eprintln!("mixed-tenants: only one key given, so this is `reads` under another name");
    }
    reads::load_for(ctx, &ctx.keys).await
}
