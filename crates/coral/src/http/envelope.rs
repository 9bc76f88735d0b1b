//! The envelopes of `/admin` and `/platform` answers, Medusa's shapes: one resource under
//! its name (`{ product }`), a page of them (`{ products, count, offset, limit }`), and
//! what a delete answers (`{ id, object, deleted }`).
//!
//! [`one!`] and [`page!`] declare a named envelope struct (utoipa names the schema after
//! it: `AdminProductResponse`, `AdminProductListResponse`), so each route's body is a
//! typed, documented schema without a hand-written struct per route.

use serde::Serialize;
use utoipa::ToSchema;

/// Declares `struct $name { $key: $ty }`: one resource under its name.
macro_rules! one {
    ($(#[$meta:meta])* $name:ident { $(#[$field_meta:meta])* $key:ident: $ty:ty $(,)? }) => {
        $(#[$meta])*
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            $(#[$field_meta])*
            pub $key: $ty,
        }
    };
}

/// Declares `struct $name { $key: Vec<$ty>, count, offset, limit }`: one page of a list.
macro_rules! page {
    ($(#[$meta:meta])* $name:ident { $(#[$field_meta:meta])* $key:ident: $ty:ty $(,)? }) => {
        $(#[$meta])*
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            $(#[$field_meta])*
            pub $key: Vec<$ty>,
            /// How many match, over all pages.
            pub count: i64,
            pub offset: i64,
            pub limit: i64,
        }
    };
}

pub(crate) use {one, page};

/// What deleting (or deactivating) a resource answers, Medusa's `DeleteResponse`.
#[derive(Serialize, ToSchema)]
pub struct AdminDeleteResponse {
    pub id: String,
    /// The resource's kind: `product`, `user`, ...
    pub object: &'static str,
    pub deleted: bool,
}

impl AdminDeleteResponse {
    pub fn new(id: impl Into<String>, object: &'static str) -> Self {
        Self {
            id: id.into(),
            object,
            deleted: true,
        }
    }
}
