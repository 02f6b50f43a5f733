//! How WebKitGTK draws our pages on Linux.
//!
//! WebKitGTK composites a page with OpenGL. On a machine without a GPU (a virtual machine, a
//! remote desktop, CI) that OpenGL is Mesa's llvmpipe: the CPU rasterises every frame on extra
//! threads, and the web process maps LLVM. On such a machine (docs/BENCHMARKS.md) that costs
//! about 90 MiB at the sign-in screen, and while an answer streams the compositor's threads take
//! the CPU the page needs: chat frames took twice as long. So where there is no GPU to composite
//! with, WebKit is asked to paint without compositing, which is what it would do on the CPU
//! anyway, minus the emulated GPU. With a GPU nothing changes.

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
