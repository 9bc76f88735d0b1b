//! The event catalogue: every event Coral emits, with the version of its payload and the
//! payload's fields. An event is born only as an outbox row written in the transaction
//! that made the change (`db::orders::record_event`); webhooks deliver it as
//! `{ "id", "type", "version", "timestamp", "data" }` where `data` is the payload below.
//!
//! Versioning: a payload only gains fields within a version; removing or changing a
//! field makes a new version, and the old one stays documented while it is still sent.

/// One event type of the catalogue.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct EventType {
    /// The name webhooks subscribe to, e.g. `order.placed`.
    pub name: &'static str,
    /// The version of `data` this Coral sends.
    pub version: u32,
    pub description: &'static str,
    /// The fields of `data`, as `name: type`.
    pub fields: &'static [&'static str],
}

/// Every event Coral emits today.
pub const CATALOGUE: &[EventType] = &[
    EventType {
        name: "order.placed",
        version: 1,
        description: "A cart was completed into an order (payment authorised).",
        fields: &[
            "id: order id",
            "cart_id: string",
            "total: decimal string",
            "currency_code: string",
        ],
    },
    EventType {
        name: "order.payment_captured",
        version: 1,
        description: "The order's authorised payment was captured.",
        fields: &["id: order id"],
    },
    EventType {
        name: "order.refunded",
        version: 1,
        description: "Part or all of the order's captured payment was refunded.",
        fields: &["id: order id", "amount: decimal string", "note: string | null"],
    },
    EventType {
        name: "order.fulfillment_created",
        version: 1,
        description: "Items of the order were fulfilled.",
        fields: &["id: order id", "fulfillment_id: string"],
    },
    EventType {
        name: "order.canceled",
        version: 1,
        description: "The order was canceled (payment voided or refunded, stock released).",
        fields: &["id: order id"],
    },
    EventType {
        name: "product.created",
        version: 1,
        description: "A product was created by the store's staff.",
        fields: &["id: product id", "handle: string", "title: string", "status: string"],
    },
    EventType {
        name: "product.updated",
        version: 1,
        description: "A product's own fields (title, handle, status, …) were changed.",
        fields: &["id: product id", "handle: string", "title: string", "status: string"],
    },
    EventType {
        name: "product.deleted",
        version: 1,
        description: "A product was deleted.",
        fields: &["id: product id"],
    },
    EventType {
        name: "customer.created",
        version: 1,
        description: "A storefront customer account was created.",
        fields: &["id: customer id", "email: string", "has_account: bool"],
    },
];

/// The catalogue entry of `name`, if Coral emits it.
pub fn find(name: &str) -> Option<&'static EventType> {
    CATALOGUE.iter().find(|e| e.name == name)
}

/// The payload version of `name` (1 for anything not catalogued, which cannot be emitted).
pub fn version_of(name: &str) -> u32 {
    find(name).map_or(1, |e| e.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_dotted() {
        for (i, e) in CATALOGUE.iter().enumerate() {
            assert!(e.name.contains('.'), "{}", e.name);
            assert!(CATALOGUE[i + 1..].iter().all(|o| o.name != e.name), "{} twice", e.name);
        }
        assert_eq!(version_of("order.placed"), 1);
        assert!(find("order.exploded").is_none());
    }
}
