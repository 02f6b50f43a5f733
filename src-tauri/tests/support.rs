//! The test app shared by the command tests: the real app on Tauri's mock runtime, over a real
//! SQLite file in a temporary folder, with the keyring mock store.

#![allow(dead_code)] // each test binary uses a different part

use std::cell::RefCell;
use std::sync::Arc;

use kickstart_app::{build_app, specta_builder, AppOptions};
use kickstart_core::auth::PasswordParams;
use kickstart_core::secrets::KeyringStore;
use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    pub dir: tempfile::TempDir,
    /// Every response and error body the commands returned, as the UI received it.
    pub transcript: RefCell<Vec<String>>,
}

impl TestApp {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = AppOptions {
            data_dir: Some(dir.path().to_owned()),
            password_params: PasswordParams::fast_for_tests(),
            secret_store: Arc::new(KeyringStore::mock()),
            start_hidden: false,
        };
        let app = build_app(mock_builder(), mock_context(noop_assets()), specta_builder!(MockRuntime), options)
            .expect("the app builds on the mock runtime");
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
        Self { window, _app: app, dir, transcript: RefCell::default() }
    }

    /// Invokes a command as the UI would; `Err` carries the serialized `IpcError`.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let result =
            get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().expect("JSON response"));
        self.transcript.borrow_mut().push(match &result {
            Ok(value) | Err(value) => value.to_string(),
        });
        result
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).unwrap_or_else(|error| panic!("{cmd} should succeed, got {error}"))
    }

    /// Asserts the command fails with `code`, and returns the whole error.
    pub fn error(&self, cmd: &str, args: Value, code: &str) -> Value {
        match self.invoke(cmd, args) {
            Ok(value) => panic!("{cmd} should fail with {code}, got {value}"),
            Err(error) => {
                assert_eq!(error["code"], code, "{cmd}: {error}");
                assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "a message for people: {error}");
                error
            }
        }
    }

    /// Opens another window of the app (the quick chat's is `quick`).
    pub fn open_window(&self, label: &str) -> WebviewWindow<MockRuntime> {
        tauri::WebviewWindowBuilder::new(&self._app, label, Default::default()).build().expect("window")
    }

    pub fn register(&self, username: &str) -> Value {
        self.ok("auth_register", json!({ "input": { "username": username, "displayName": "", "password": PASSWORD } }))
    }
}
