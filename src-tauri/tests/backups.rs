//! Settings → Data's commands on the mock runtime: the backup made at start, "Back up now",
//! how many are kept, and what restore refuses (an unknown name, a member). The restore itself
//! restarts the app; it is tested in kickstart-core (tests/backups.rs).

mod support;

use serde_json::{json, Value};
use support::TestApp;

fn names(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|b| b["name"].as_str().expect("name").to_owned()).collect()
}

#[test]
fn backups_are_made_listed_kept_and_refused_to_members() {
    let app = TestApp::new();
    app.error("backups_list", json!({}), "Unauthenticated");
    app.register("ada");

    let made = app.ok("backups_create", json!({}));
    assert_eq!(made["reason"], "manual");
    assert!(made["sizeBytes"].as_f64().is_some_and(|size| size > 0.0), "{made}");
    let list = app.ok("backups_list", json!({}));
    assert!(names(&list).contains(&made["name"].as_str().expect("name").to_owned()), "{list}");

    assert_eq!(app.ok("backups_settings", json!({})), json!({ "keep": 10 }));
    let error = app.error("backups_settings_set", json!({ "settings": { "keep": 0 } }), "Validation");
    assert_eq!(error["field"], "keep");
    app.ok("backups_settings_set", json!({ "settings": { "keep": 1 } }));
    assert_eq!(names(&app.ok("backups_list", json!({}))).len(), 1, "only the newest is kept");

    for stranger in ["../kickstart.db", "kickstart.db"] {
        app.error("backups_restore", json!({ "name": stranger }), "NotFound");
    }

    app.ok("auth_logout", json!({}));
    app.register("bob");
    app.error("backups_list", json!({}), "Forbidden");
    app.error("backups_create", json!({}), "Forbidden");
    app.error("backups_restore", json!({ "name": made["name"] }), "Forbidden");
}
