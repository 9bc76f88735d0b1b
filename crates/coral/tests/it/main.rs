//! Integration tests: Coral's real router against a real PostgreSQL (see `harness`).

mod harness;

mod catalog;
mod cli;
mod compat;
mod http_basics;
mod placements;
mod resolution;
mod schema;
mod staff;
mod tenants;
