//! How WebKitGTK draws our pages on Linux.
//!
//! WebKitGTK composites a page with OpenGL. On a machine without a GPU (a virtual machine, a
//! remote desktop, CI) that OpenGL is Mesa's llvmpipe: the CPU rasterises every frame on extra
//! threads, and the web process maps LLVM. On such a machine (docs/BENCHMARKS.md) that costs
//! about 90 MiB at the sign-in screen, and while an answer streams the compositor's threads take
//! the CPU the page needs: chat frames took twice as long. So where there is no GPU to composite
//! with, WebKit is asked to paint without compositing, which is what it would do on the CPU
//! anyway, minus the emulated GPU. With a GPU nothing changes.
//!
//! Painting on the CPU, a blurred box shadow is slow: every repaint of the sign-in card with its
//! 2-pixel shadow took about 55 ms against 15 without it (docs/BENCHMARKS.md, start-up). So the
//! page is told it is painted that way, and its stylesheets draw shadows without blur.

/// WebKitGTK reads this when it starts; any value but "0" turns compositing off.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const COMPOSITING_VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// What to set the variable to: nothing when the person set it themselves or there is a GPU.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn compositing_override(set_by_person: bool, has_gpu: bool) -> Option<&'static str> {
    (!set_by_person && !has_gpu).then_some("1")
}

/// A GPU the web view can composite with: a DRM render node, or NVIDIA's own driver.
#[cfg(target_os = "linux")]
fn has_gpu(dev: &std::path::Path) -> bool {
    let render_node = std::fs::read_dir(dev.join("dri"))
        .is_ok_and(|entries| entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")));
    render_node || dev.join("nvidia0").exists()
}

/// Turns WebKit's compositing off on a machine without a GPU; says whether it did.
///
/// Called first thing in `run`, before logging or Tauri start threads: it sets an environment
/// variable, which is sound only while no other thread runs, and WebKit's processes (started
/// later) inherit it.
pub fn paint_without_compositing_when_there_is_no_gpu() -> bool {
    #[cfg(target_os = "linux")]
    {
        let set_by_person = std::env::var_os(COMPOSITING_VARIABLE).is_some();
        if let Some(value) = compositing_override(set_by_person, has_gpu(std::path::Path::new("/dev"))) {
            std::env::set_var(COMPOSITING_VARIABLE, value);
            return true;
        }
    }
    false
}

/// Whether WebKit paints our pages without compositing: we turned it off above, or the person
/// did. WebKit takes any value but "0" as off.
pub fn paints_without_compositing() -> bool {
    #[cfg(target_os = "linux")]
    {
        turns_compositing_off(std::env::var_os(COMPOSITING_VARIABLE).as_deref())
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn turns_compositing_off(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|value| value != "0")
}

/// Runs in every window before the page's own scripts: `ui/src/lib/platform.ts` puts it on the
/// root element (`data-paint`), where `styles/tokens.css` picks shadows without blur.
const SOFTWARE_PAINT_SCRIPT: &str = r#"window.__KICKSTART_PAINT__ = "software";"#;

/// A plugin that only tells the pages they are painted without compositing.
pub fn software_paint_hint<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("software-paint").js_init_script(SOFTWARE_PAINT_SCRIPT).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_is_turned_off_only_without_a_gpu_and_without_the_persons_own_setting() {
        assert_eq!(compositing_override(false, false), Some("1"));
        assert_eq!(compositing_override(false, true), None);
        assert_eq!(compositing_override(true, false), None);
        assert_eq!(compositing_override(true, true), None);
    }

    #[test]
    fn any_value_but_zero_turns_compositing_off_as_webkit_reads_it() {
        use std::ffi::OsStr;
        assert!(!turns_compositing_off(None));
        assert!(!turns_compositing_off(Some(OsStr::new("0"))));
        assert!(turns_compositing_off(Some(OsStr::new("1"))));
        assert!(turns_compositing_off(Some(OsStr::new(""))), "WebKit compares with \"0\" only");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_render_node_or_the_nvidia_device_counts_as_a_gpu() {
        let dev = std::env::temp_dir().join(format!("kickstart-dev-{}", std::process::id()));
        std::fs::create_dir_all(dev.join("dri")).expect("the scratch device folder");
        std::fs::write(dev.join("dri/card0"), "").expect("the scratch device folder");
        assert!(!has_gpu(&dev), "a display card without a render node composites nothing");
        std::fs::write(dev.join("dri/renderD128"), "").expect("the scratch device folder");
        assert!(has_gpu(&dev));
        std::fs::remove_dir_all(dev.join("dri")).expect("the scratch device folder");
        assert!(!has_gpu(&dev), "no dri folder at all");
        std::fs::write(dev.join("nvidia0"), "").expect("the scratch device folder");
        assert!(has_gpu(&dev));
        std::fs::remove_dir_all(&dev).expect("the scratch device folder");
    }
}
