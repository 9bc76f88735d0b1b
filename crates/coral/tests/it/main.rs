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
mod customers;
mod fake_nmi;
mod http_basics;
mod limits;
mod observability;
mod payments;
mod placements;
mod quotas;
mod resolution;
mod roles;
mod schema;
mod staff;
mod tenants;
mod webhook_receiver;
mod webhooks;
