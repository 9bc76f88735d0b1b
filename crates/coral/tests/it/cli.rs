//! The `coral` binary itself: tenant commands, `migrate` over placements, and `serve`
//! on the managed Postgres from an empty data dir (the README's run command).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::{Connection, PgConnection};

use crate::harness::{cluster, eventually, fresh_database, send, TestApp};
use crate::placements::empty_database;

fn coral(database: &str, data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coral"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CORAL_DATABASE_URL", cluster().coral_url(database))
        .env("CORAL_DATA_DIR", data_dir)
        .env("CORAL_LOG", "warn");
    cmd
}

fn run_json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn help_explains_the_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_coral"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for word in ["serve", "migrate", "tenant", "CORAL_DATA_DIR", "CORAL_DATABASE_URL"] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_coral"))
        .args(["tenant", "create", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("--handle"));
}

#[tokio::test]
async fn tenant_commands_use_the_platform_code_and_reach_a_running_server() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let created = run_json(coral(&app.database, dir.path()).args([
        "tenant",
        "create",
        "--handle",
        "clitest",
        "--name",
        "CLI Store",
        "--currency",
        "eur",
        "--admin-email",
        "ops@cli.test",
        "--admin-password",
        "cli-password",
    ]));
    let key = created["publishable_api_key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("pk_"));
    let seen = eventually(Duration::from_secs(1), || async {
        send(app.get("/store/tenant").header("x-publishable-api-key", &key))
            .await
            .0
            == StatusCode::OK
    })
    .await;
    assert!(seen, "the running server learns the CLI's tenant");

    let listed = run_json(coral(&app.database, dir.path()).args(["tenant", "list"]));
    assert_eq!(listed["count"], 1);
    run_json(coral(&app.database, dir.path()).args(["tenant", "suspend", "clitest"]));
    let shown = run_json(coral(&app.database, dir.path()).args(["tenant", "show", "clitest"]));
    assert_eq!(shown["tenant"]["status"], "suspended");
    let seen = eventually(Duration::from_secs(1), || async {
        send(app.get("/store/tenant").header("x-publishable-api-key", &key))
            .await
            .0
            == StatusCode::FORBIDDEN
    })
    .await;
    assert!(seen);
    run_json(coral(&app.database, dir.path()).args(["tenant", "resume", "clitest"]));

    let out = coral(&app.database, dir.path())
        .args(["tenant", "create", "--handle", "Bad Handle", "--name", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Invalid handle"));
}

#[tokio::test]
async fn migrate_applies_the_schema_to_every_placement() {
    let shared = fresh_database().await;
    let silo = empty_database().await;
    let mut conn = PgConnection::connect_with(&cluster().superuser_options(&shared))
        .await
        .unwrap();
    sqlx::query("INSERT INTO placements (id, name, url) VALUES ('plc_test', 'silo', $1)")
        .bind(cluster().coral_url(&silo))
        .execute(&mut conn)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = coral(&shared, dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 placement(s)"));
    let mut silo_conn = PgConnection::connect_with(&cluster().superuser_options(&silo))
        .await
        .unwrap();
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'regions'")
            .fetch_one(&mut silo_conn)
            .await
            .unwrap();
    assert_eq!(tables, 1, "the silo was migrated");
}

/// Starts `coral serve --demo` on a fresh data dir; returns the child, port and stdout lines
/// up to the ready line, and the time it took.
pub fn start_serve(data_dir: &std::path::Path) -> (std::process::Child, u16, Vec<String>, Duration) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_coral"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CORAL_DATA_DIR", data_dir)
        .env("CORAL_LOG", "warn")
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        let line = line.unwrap();
        let done = line.starts_with("Coral listening");
        lines.push(line);
        if done {
            break;
        }
    }
    (child, port, lines, started.elapsed())
}

pub fn stop(child: &mut std::process::Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "coral exited with {status}");
}

#[tokio::test]
async fn serve_demo_runs_on_the_managed_postgres_and_stops_it() {
    cluster(); // the binary finds the same PostgreSQL binaries
    let base = std::path::PathBuf::from(format!("/tmp/coral-it/serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (mut child, port, lines, _) = start_serve(&base);
    assert!(lines.iter().any(|l| l.starts_with("Coral listening")), "{lines:?}");
    let keys: Vec<String> = lines
        .iter()
        .filter_map(|l| l.trim().strip_prefix("publishable key: ").map(str::to_owned))
        .collect();
    assert_eq!(keys.len(), 2, "{lines:?}");
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}");
    assert_eq!(send(client.get(format!("{url}/ready"))).await.0, StatusCode::OK);
    let names = crate::resolution::region_names;
    let (_, acme) = send(
        client
            .get(format!("{url}/store/regions"))
            .header("x-publishable-api-key", &keys[0]),
    )
    .await;
    let (_, globex) = send(
        client
            .get(format!("{url}/store/regions"))
            .header("x-publishable-api-key", &keys[1]),
    )
    .await;
    assert_eq!(names(&acme), vec!["Europe", "North America"]);
    assert_eq!(names(&globex), vec!["United Kingdom", "Nordics"]);
    // globex carries two of acme's products (the master catalog), priced in pounds.
    let (_, products) = send(
        client
            .get(format!("{url}/store/products?limit=50&country_code=gb"))
            .header("x-publishable-api-key", &keys[1]),
    )
    .await;
    assert_eq!(products["count"], 6, "{products}");
    let tee = products["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Trail Runner Tee")
        .expect("acme's tee in globex's store");
    assert_eq!(tee["variants"][0]["calculated_price"]["currency_code"], "gbp");
    // Its picture is served by Coral itself (no image host needed), at the URL it names.
    let thumbnail = tee["thumbnail"].as_str().expect("a thumbnail");
    let picture = client
        .get(thumbnail.replace("localhost", "127.0.0.1"))
        .send()
        .await
        .unwrap();
    assert_eq!(picture.status(), StatusCode::OK, "{thumbnail}");
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert!(picture.bytes().await.unwrap().starts_with(b"\x89PNG"));
    // Each store has a catalog manager too, printed with the admin: catalog yes, orders no.
    assert!(
        lines.iter().any(|l| l.contains("catalog manager: catalog@acme.test")),
        "{lines:?}"
    );
    let (_, login) = send(
        client
            .post(format!("{url}/auth/user/emailpass"))
            .json(&serde_json::json!({"email": "catalog@acme.test", "password": "coral-demo-1234"})),
    )
    .await;
    let token = login["token"].as_str().expect("the catalog manager signs in");
    let status = |path: &'static str| {
        let req = client.get(format!("{url}{path}")).bearer_auth(token);
        async move { send(req).await.0 }
    };
    assert_eq!(status("/admin/products").await, StatusCode::OK);
    assert_eq!(status("/admin/orders").await, StatusCode::FORBIDDEN);
    stop(&mut child);
    assert!(!base.join("pg/data/postmaster.pid").exists(), "postgres was stopped");

    // A second start reuses the data dir: same stores, same keys.
    let (mut child, _, lines, _) = start_serve(&base);
    let again: Vec<String> = lines
        .iter()
        .filter_map(|l| l.trim().strip_prefix("publishable key: ").map(str::to_owned))
        .collect();
    assert_eq!(again, keys);
    stop(&mut child);
    let _ = std::fs::remove_dir_all(&base);
}

#[tokio::test]
async fn bench_seed_provisions_tenants_with_catalogs_and_writes_their_keys() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let keys_file = dir.path().join("keys.txt");
    for _ in 0..2 {
        // The second run finds everything in place and changes nothing.
        let out = coral(&app.database, dir.path())
            .args(["bench-seed", "--tenants", "2", "--products", "4", "--keys-file"])
            .arg(&keys_file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let keys: Vec<String> = std::fs::read_to_string(&keys_file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
    for key in &keys {
        let seen = eventually(Duration::from_secs(1), || async {
            send(
                app.get("/store/products?limit=100")
                    .header("x-publishable-api-key", key),
            )
            .await
            .1["count"]
                == 4
        })
        .await;
        assert!(seen, "each tenant serves its 4 products");
        let (_, v) = send(
            app.get("/store/products?handle=bench-product-0002")
                .header("x-publishable-api-key", key),
        )
        .await;
        assert_eq!(v["products"][0]["variants"].as_array().unwrap().len(), 3);
    }
}
