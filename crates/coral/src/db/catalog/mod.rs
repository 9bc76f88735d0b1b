//! Catalog repository: products and everything hanging off them, and the taxonomy
//! (collections, categories, tags, types). Reads load whole product sets in one query
//! per table (no N+1); writes take the open `TenantTx` of the use case.

pub mod mirror;
pub mod read;
pub mod rows;
pub mod taxonomy;
pub mod write;
