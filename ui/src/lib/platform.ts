/** The desktop the app runs on, as far as the page needs to know it. */
export type Platform = "linux" | "macos" | "windows" | "other";

/**
 * From the web view's user agent: WebKitGTK's names Linux ("X11; Linux x86_64"), WKWebView's
 * "Macintosh", WebView2's "Windows NT".
 */
export function platformOf(userAgent: string): Platform {
  if (/Mac|iPhone|iPad/.test(userAgent)) return "macos";
  if (/Windows/.test(userAgent)) return "windows";
  if (/Linux|X11|Wayland/.test(userAgent)) return "linux";
  return "other";
}

const PLATFORM: Platform =
  typeof navigator === "undefined" ? "other" : platformOf(navigator.userAgent);

/** "⌘" on a Mac, "Ctrl" elsewhere: how shortcut labels name the command key. */
export const MOD_KEY = PLATFORM === "macos" ? "⌘" : "Ctrl";

/**
 * How the web view paints: "software" when WebKitGTK paints without compositing, on the CPU
 * (the app turns compositing off on a machine without a GPU, src-tauri/src/rendering.rs, and
 * says so in a script that runs before this page's); "default" otherwise.
 */
export type Paint = "software" | "default";

export function paintOf(hint: unknown): Paint {
  return hint === "software" ? "software" : "default";
}

declare global {
  interface Window {
    __KICKSTART_PAINT__?: string;
  }
}

/**
 * Puts the platform (`data-platform`) and the way the page is painted (`data-paint`) on the root
 * element, where the stylesheets pick their font lists and shadows (styles/tokens.css). Call
 * before the first render.
 */
export function markPlatform(
  root: HTMLElement = document.documentElement,
  paintHint: unknown = typeof window === "undefined" ? undefined : window.__KICKSTART_PAINT__,
): void {
  root.dataset.platform = PLATFORM;
  root.dataset.paint = paintOf(paintHint);
}
