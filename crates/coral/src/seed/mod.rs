//! Seeding: the demo stores of `coral serve --demo` (catalog, pictures, promotions) and
//! the benchmark tenants of `coral bench-seed`. Above `app`: it creates data only
//! through the use cases, like any client would.

pub mod bench;
pub mod demo;
pub mod demo_images;
pub mod promotions;
