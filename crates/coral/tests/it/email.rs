//! Transactional email end to end, against a real SMTP server in the test
//! (`smtp_sink`): an order placed in store A sends one confirmation carrying A's sender,
//! reply-to and overridden template, never B's; a 550 suppresses the address for the
//! next send (in that store only); a 451 is retried. Plus the admin API's isolation and
//! bad input.

use std::time::Duration;

use coral::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::checkout::store;
use crate::harness::{eventually, Admin, TestApp, TestTenant};
use crate::smtp_sink::Sink;
use crate::webhooks::place_order;

/// Fast retries and polls, and the sink as the relay.
fn with_sink(url: String) -> impl FnOnce(&mut Config) {
    move |cfg| {
        cfg.jobs.workers = 4;
        cfg.jobs.retry_base = Duration::from_millis(200);
        cfg.jobs.retry_max = Duration::from_secs(1);
        cfg.jobs.poll = Duration::from_millis(100);
        cfg.jobs.webhook_timeout = Duration::from_secs(2);
        cfg.jobs.lease = Duration::from_secs(4);
        cfg.jobs.smtp_url = Some(url);
        cfg.jobs.email_from = "Platform <platform@coral.test>".into();
    }
}

/// The states of the store's email jobs, oldest first.
async fn email_jobs(app: &TestApp, t: &TestTenant) -> Vec<String> {
    let mut conn = app.owner_conn().await;
    sqlx::query_scalar("SELECT state FROM jobs WHERE tenant_id = $1 AND kind = 'email' ORDER BY created_at, id")
        .bind(&t.id)
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

fn header<'a>(data: &'a str, name: &str) -> &'a str {
    data.lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .unwrap_or("")
}

#[tokio::test]
async fn an_order_email_carries_its_own_stores_sender_and_template() {
    let sink = Sink::start().await;
    let app = TestApp::spawn_with(with_sink(sink.url.clone())).await;
    let (a, va, sa) = store(&app, "mail-a", 10).await;
    let (b, vb, sb) = store(&app, "mail-b", 10).await;
    let (aa, ab) = (Admin::of(&app, &a).await, Admin::of(&app, &b).await);
    aa.ok(
        Method::POST,
        "/admin/email-settings",
        json!({ "from_name": "Acme Shop", "from_address": "orders@acme.test", "reply_to": "help@acme.test" }),
    )
    .await;
    ab.ok(
        Method::POST,
        "/admin/email-settings",
        json!({ "from_name": "Globex", "from_address": "sales@globex.test", "reply_to": "care@globex.test" }),
    )
    .await;
    aa.ok(
        Method::POST,
        "/admin/email-templates/order_confirmation",
        json!({
            "subject": "Acme order #{{ order.display_id }}",
            "html": "<p>ACME-HTML {{ order.email }}</p>",
            "text": "ACME-TEXT {{ store.name }} {% for i in order.items %}{{ i.quantity }}{% endfor %}",
        }),
    )
    .await;
    let workers = coral::app::jobs::spawn(app.app.clone());

    place_order(&app, &a, &va, &sa).await;
    assert!(
        eventually(Duration::from_secs(10), || async { !sink.mails().is_empty() }).await,
        "no email arrived; jobs: {:?}",
        email_jobs(&app, &a).await
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "exactly one email: {mails:?}");
    let m = &mails[0];
    assert_eq!(m.from, "orders@acme.test");
    assert_eq!(m.to, vec!["guest@example.com".to_owned()]);
    assert!(header(&m.data, "From").contains("Acme Shop"), "{}", m.data);
    assert!(header(&m.data, "From").contains("<orders@acme.test>"), "{}", m.data);
    assert!(header(&m.data, "Reply-To").contains("help@acme.test"), "{}", m.data);
    assert!(
        header(&m.data, "Subject").starts_with("Subject: Acme order #"),
        "{}",
        m.data
    );
    let text = m.data.lines().find(|l| l.starts_with("ACME-TEXT ")).unwrap_or_default();
    assert!(text.ends_with(" 1"), "A's text part with its item quantity: {}", m.data);
    assert!(
        m.data.contains("ACME-HTML guest@example.com"),
        "A's html part: {}",
        m.data
    );
    assert!(m.data.contains("multipart/alternative"), "{}", m.data);
    assert!(
        !m.data.to_lowercase().contains("globex"),
        "B leaked into A's email: {}",
        m.data
    );
    // The sink answers before the worker marks the job done.
    assert!(
        eventually(Duration::from_secs(10), || async {
            email_jobs(&app, &a).await == ["done"]
        })
        .await,
        "{:?}",
        email_jobs(&app, &a).await
    );

    // B's order: B's sender, the platform template (B overrode none), nothing of A's.
    place_order(&app, &b, &vb, &sb).await;
    assert!(eventually(Duration::from_secs(10), || async { sink.mails().len() == 2 }).await);
    let m = &sink.mails()[1];
    assert_eq!(m.from, "sales@globex.test");
    assert!(header(&m.data, "Reply-To").contains("care@globex.test"), "{}", m.data);
    assert!(
        m.data.contains("Thank you for your order"),
        "default template: {}",
        m.data
    );
    assert!(!m.data.contains("ACME"), "A's template in B's email: {}", m.data);
    assert!(!m.data.contains("acme.test"), "A's sender in B's email: {}", m.data);
    workers.stop().await;
}

#[tokio::test]
async fn a_bounce_suppresses_the_next_send_in_that_store_only() {
    let sink = Sink::start().await;
    let app = TestApp::spawn_with(with_sink(sink.url.clone())).await;
    let (a, va, sa) = store(&app, "bounce-a", 10).await;
    let (b, vb, sb) = store(&app, "bounce-b", 10).await;
    let workers = coral::app::jobs::spawn(app.app.clone());

    sink.refuse_next(&["550 5.1.1 <guest@example.com>: no such user"]);
    place_order(&app, &a, &va, &sa).await;
    assert!(
        eventually(Duration::from_secs(10), || async {
            email_jobs(&app, &a).await == ["dead"]
        })
        .await,
        "{:?}",
        email_jobs(&app, &a).await
    );
    assert_eq!(sink.rcpts().len(), 1, "a 550 is not retried");
    let mut conn = app.owner_conn().await;
    let reason: String =
        sqlx::query_scalar("SELECT reason FROM email_suppressions WHERE tenant_id = $1 AND address = $2")
            .bind(&a.id)
            .bind("guest@example.com")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(reason.contains("550") || reason.contains("no such user"), "{reason}");

    // The next order of A to the same address is not sent at all.
    place_order(&app, &a, &va, &sa).await;
    assert!(
        eventually(Duration::from_secs(10), || async {
            email_jobs(&app, &a).await == ["dead", "done"]
        })
        .await,
        "{:?}",
        email_jobs(&app, &a).await
    );
    assert_eq!(sink.rcpts().len(), 1, "the suppressed address was asked for again");
    assert!(sink.mails().is_empty());

    // B never bounced that address: its order is sent, after a transient 451 is retried.
    sink.refuse_next(&["451 4.3.0 try again later"]);
    place_order(&app, &b, &vb, &sb).await;
    assert!(
        eventually(Duration::from_secs(10), || async { sink.mails().len() == 1 }).await,
        "{:?}",
        email_jobs(&app, &b).await
    );
    assert_eq!(sink.rcpts().len(), 3, "one 451, then the retry");
    assert!(
        eventually(Duration::from_secs(10), || async {
            email_jobs(&app, &b).await == ["done"]
        })
        .await,
        "{:?}",
        email_jobs(&app, &b).await
    );
    workers.stop().await;
}

#[tokio::test]
async fn email_admin_refuses_bad_input_and_other_stores() {
    let app = TestApp::spawn().await;
    let a = app.tenant("mailadm-a").await;
    let b = app.tenant("mailadm-b").await;
    let (aa, ab) = (Admin::of(&app, &a).await, Admin::of(&app, &b).await);
    let tpl = "/admin/email-templates/order_confirmation";

    // Unset: the platform default sender and template.
    let s = aa.ok(Method::GET, "/admin/email-settings", json!(null)).await;
    assert_eq!(s["email_settings"]["from_address"], Value::Null, "{s}");
    assert!(
        s["email_settings"]["default_from"].as_str().unwrap().contains('@'),
        "{s}"
    );
    let t = aa.ok(Method::GET, tpl, json!(null)).await;
    assert_eq!(t["email_template"]["overridden"], false, "{t}");

    for (path, body, needle) in [
        (
            "/admin/email-settings",
            json!({ "from_address": "not-an-address" }),
            "from_address",
        ),
        ("/admin/email-settings", json!({ "reply_to": "x@" }), "reply_to"),
        (
            "/admin/email-settings",
            json!({ "from_name": "a\r\nBcc: x@evil.test" }),
            "from_name",
        ),
        ("/admin/email-settings", json!({ "colour": "red" }), "colour"),
        (
            tpl,
            json!({ "subject": "s", "html": "{% for x in order.items %}", "text": "t" }),
            "does not render",
        ),
        (
            tpl,
            json!({ "subject": "s", "html": "{{ 1 | no_such_filter }}", "text": "t" }),
            "does not render",
        ),
        (tpl, json!({ "subject": " ", "html": "h", "text": "t" }), "subject"),
        (tpl, json!({ "subject": "s", "html": "h" }), "text"),
        (
            &format!("{tpl}/preview"),
            json!({ "text": "{% if %}" }),
            "does not render",
        ),
    ] {
        let (s, v) = aa.call(Method::POST, path, Some(body.clone())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["type"], "invalid_data", "{v}");
        assert!(v["message"].as_str().unwrap().contains(needle), "{needle}: {v}");
    }
    let (s, v) = aa.call(Method::GET, "/admin/email-templates/nope", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = aa
        .call(
            Method::POST,
            "/admin/email-templates/nope",
            Some(json!({"subject": "s", "html": "h", "text": "t"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Bad input changed nothing.
    let s = aa.ok(Method::GET, "/admin/email-settings", json!(null)).await;
    assert_eq!(s["email_settings"]["from_address"], Value::Null, "{s}");
    assert_eq!(
        aa.ok(Method::GET, tpl, json!(null)).await["email_template"]["overridden"],
        false
    );

    // A sets its sender and template; the preview escapes HTML in the html part only.
    aa.ok(
        Method::POST,
        "/admin/email-settings",
        json!({ "from_name": "Acme", "from_address": "shop@acme.test" }),
    )
    .await;
    aa.ok(
        Method::POST,
        tpl,
        json!({ "subject": "A {{ order.display_id }}", "html": "<b>{{ '<i>' }}</b>", "text": "T {{ '<i>' }}" }),
    )
    .await;
    let p = aa.ok(Method::POST, &format!("{tpl}/preview"), json!({})).await;
    assert_eq!(p["preview"]["subject"], "A 1001", "{p}");
    assert_eq!(p["preview"]["html"], "<b>&lt;i&gt;</b>", "{p}");
    assert_eq!(p["preview"]["text"], "T <i>", "{p}");

    // B sees none of it and changes none of it.
    let s = ab.ok(Method::GET, "/admin/email-settings", json!(null)).await;
    assert_eq!(s["email_settings"]["from_address"], Value::Null, "{s}");
    assert_eq!(
        ab.ok(Method::GET, tpl, json!(null)).await["email_template"]["overridden"],
        false
    );
    let d = ab.ok(Method::DELETE, tpl, json!(null)).await;
    assert_eq!(d["deleted"], false, "{d}");
    let p = ab.ok(Method::POST, &format!("{tpl}/preview"), json!({})).await;
    assert!(
        p["preview"]["subject"].as_str().unwrap().contains("#1001"),
        "B previews the default: {p}"
    );
    let t = aa.ok(Method::GET, tpl, json!(null)).await;
    assert_eq!(t["email_template"]["overridden"], true, "{t}");
    assert_eq!(t["email_template"]["subject"], "A {{ order.display_id }}");

    // A removes its override: the default applies again.
    let d = aa.ok(Method::DELETE, tpl, json!(null)).await;
    assert_eq!(d["deleted"], true, "{d}");
    assert_eq!(
        aa.ok(Method::GET, tpl, json!(null)).await["email_template"]["overridden"],
        false
    );
}
