use std::path::Path;
use std::process::Command;

fn main() {
    pack_relative_relocations();
    order_startup_code();
    tauri_build::build();
}

/// On Linux, asks the linker to pack the app's relative relocations (about 80 000 of them, one
/// per pointer in its read-only tables) into a bitmap, DT_RELR, instead of a 24-byte entry each.
/// The dynamic loader reads the whole table at every start, so it stays mapped: packing it makes
/// the binary about 1.9 MB smaller and the running app as much lighter (docs/BENCHMARKS.md).
///
/// glibc loads such binaries from 2.36 on, and the linker records that need in the binary. So
/// this is done only when the glibc being linked against is that new: a binary built on an older
/// system (the release workflow builds on Ubuntu 22.04) keeps the classic table and still starts
/// wherever it did.
fn pack_relative_relocations() {
    let target_is = |key: &str, value: &str| std::env::var(key).is_ok_and(|found| found == value);
    let linux_gnu = target_is("CARGO_CFG_TARGET_OS", "linux") && target_is("CARGO_CFG_TARGET_ENV", "gnu");
    // The glibc asked about below is the build machine's: only meaningful when it is the target's.
    let native = std::env::var("TARGET").ok() == std::env::var("HOST").ok();
    if linux_gnu && native && build_glibc().is_some_and(|version| version >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The build machine's glibc version, from `getconf GNU_LIBC_VERSION` ("glibc 2.36").
fn build_glibc() -> Option<(u32, u32)> {
    let output = Command::new("getconf").arg("GNU_LIBC_VERSION").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let (major, minor) = text.trim().strip_prefix("glibc ")?.split_once('.')?;
    let minor = minor.split('.').next()?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Puts the functions the app runs from launch to its first screen next to each other in the
/// binary (the list is `src-tauri/startup.order`, written by `scripts/startup-order.sh`). The
/// kernel maps a program's code in whole blocks around each page it runs, so start-up code spread
/// over the 26 MB of code maps most of it; gathered together it maps a few MiB
/// (docs/BENCHMARKS.md).
///
/// The list names symbols, whose hashes follow the compiler, crate versions and features: it is
/// made from the release build the Tauri CLI makes for the installers (Tauri's custom-protocol
/// feature on). A name that no longer matches is skipped without a warning: a stale list costs
/// memory, never correctness.
/// Only where the linker is LLD, which Rust uses by default for x86_64 Linux since 1.90.
/// `KICKSTART_LINK_MAP=<file>` also writes the linker's map, which the script reads.
fn order_startup_code() {
    println!("cargo:rerun-if-changed=src-tauri/startup.order");
    println!("cargo:rerun-if-env-changed=KICKSTART_LINK_MAP");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target != "x86_64-unknown-linux-gnu" || !rustc_links_with_lld() {
        return;
    }
    if let Ok(map) = std::env::var("KICKSTART_LINK_MAP") {
        // Mangled names in the map: they are what the ordering file must list.
        println!("cargo:rustc-link-arg-bins=-Wl,-Map={map},--no-demangle");
    }
    let order = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("src-tauri/startup.order");
    if std::env::var("PROFILE").is_ok_and(|profile| profile == "release") && order.exists() {
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether rustc links x86_64 Linux binaries with its own LLD: the default from Rust 1.90 on.
fn rustc_links_with_lld() -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(output) = Command::new(rustc).arg("--version").output() else { return false };
    let text = String::from_utf8_lossy(&output.stdout);
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let mut version = text.split_whitespace().nth(1).unwrap_or_default().split('.');
    let mut next = || version.next().and_then(|part| part.parse::<u32>().ok());
    matches!((next(), next()), (Some(major), Some(minor)) if (major, minor) >= (1, 90))
}
