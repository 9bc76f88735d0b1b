//! Placements: a tenant placed in another database lives, and is served, entirely there.

use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::harness::{cluster, send, TestApp};

/// An empty database (not from the migrated template): registration must migrate it.
pub async fn empty_database() -> String {
    let name = format!("p_{}", ulid::Ulid::new().to_string().to_lowercase());
    cluster().create_database(&name, None).await;
    name
}

async fn count(db: &str, table: &str, tenant_id: &str) -> i64 {
    let mut conn = PgConnection::connect_with(&cluster().superuser_options(db))
        .await
        .unwrap();
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE tenant_id = $1"))
        .bind(tenant_id)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_placed_tenant_lives_and_is_served_in_its_own_database() {
    let app = TestApp::spawn().await;
    let silo = empty_database().await;
    let (s, v) = app
        .platform(
            Method::POST,
            "/platform/placements",
            Some(json!({"name": "silo-1", "url": cluster().coral_url(&silo)})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let placement = v["placement"]["id"].as_str().unwrap().to_owned();
    assert!(placement.starts_with("plc_"));

    let shared = app.tenant("pooled").await;
    let placed = app.tenant_with("siloed", json!({"placement_id": placement})).await;
    let (_, v) = app.platform(Method::GET, "/platform/tenants/siloed", None).await;
    assert_eq!(v["tenant"]["placement_id"], placement);

    for table in ["sales_channels", "api_keys", "staff_users", "regions"] {
        assert_eq!(
            count(&silo, table, &placed.id).await,
            1,
            "{table} of the placed tenant is in its placement"
        );
        assert_eq!(
            count(&app.database, table, &placed.id).await,
            0,
            "{table} of the placed tenant is not in shared"
        );
        assert_eq!(
            count(&silo, table, &shared.id).await,
            0,
            "{table} of the pooled tenant is not in the silo"
        );
    }

    // Served from its placement: store reads, staff login and the admin API all work.
    let (s, v) = app.store_get(&placed, "/store/regions").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["regions"][0]["name"], "siloed Europe");
    let (_, v) = app.store_get(&shared, "/store/regions").await;
    assert_eq!(v["regions"][0]["name"], "pooled Europe");
    let token = app.admin_token(&placed).await;
    let (s, v) = send(app.get("/admin/users/me").bearer_auth(token)).await;
    assert_eq!(
        (s, v["user"]["email"].as_str()),
        (StatusCode::OK, Some(placed.admin_email.as_str()))
    );

    // A restarted instance finds it again through the directory.
    let again = TestApp::spawn_on(&app.database, |_| {}).await;
    assert_eq!(again.store_get(&placed, "/store/regions").await.0, StatusCode::OK);
}

#[tokio::test]
async fn bad_placements_are_refused() {
    let app = TestApp::spawn().await;
    let (s, v) = app
        .platform(
            Method::POST,
            "/platform/placements",
            Some(json!({"name": "x", "url": "not a url"})),
        )
        .await;
    assert_eq!((s, v["type"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_data")));
    let url = format!("postgres://coral@localhost/does_not_exist?host={}", "/nonexistent");
    let (s, _) = app
        .platform(
            Method::POST,
            "/platform/placements",
            Some(json!({"name": "x", "url": url})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app
        .platform(Method::POST, "/platform/placements", Some(json!({"name": "x"})))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = send(
        app.post("/platform/placements")
            .json(&json!({"name": "x", "url": "postgres://a@b/c"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let mut conn = app.owner_conn().await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM placements")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
