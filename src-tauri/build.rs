use std::process::Command;

fn main() {
    pack_relative_relocations();
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
