//! Integration tests: Coral's real router against a real PostgreSQL (see `harness`).

mod harness;

mod audit;
mod catalog;
mod catalog_admin;
mod catalog_sources;
mod checkout;
mod checkout_errors;
mod cli;
mod compat;
mod contract;
mod crash;
mod customers;
mod default_fields;
mod fake_nmi;
mod handles;
mod http_basics;
mod input_bytes;
mod limits;
mod observability;
mod payments;
mod placements;
mod price_lists;
mod promotions;
mod quotas;
mod references;
mod resolution;
mod roles;
mod schema;
mod staff;
mod stale_orders;
mod starter;
mod store_variants;
mod tenants;
mod webhook_receiver;
mod webhooks;
