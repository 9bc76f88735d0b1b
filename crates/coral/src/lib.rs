//! Coral: a multi-tenant headless commerce engine whose storefront API is wire-compatible
//! with the Medusa v2 Store API. Layers, top to bottom (DESIGN.md section 2):
//! `http` → `app` → `tenancy` → `db` → `core`; dependencies point down only.

pub mod adapters;
pub mod app;
pub mod cli;
pub mod config;
pub mod core;
pub mod db;
pub mod http;
pub mod seed;
pub mod server;
#[cfg(test)]
mod source_scan;
pub mod tenancy;
