//! A bare Tauri 2 app: the floor our start-up time and memory are measured against.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("the floor app runs");
}
