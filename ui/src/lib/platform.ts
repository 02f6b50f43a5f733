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
 * Puts the platform on the root element (`data-platform`), where the stylesheets pick their
 * font lists (styles/tokens.css). Call before the first render.
 */
export function markPlatform(root: HTMLElement = document.documentElement): void {
  root.dataset.platform = PLATFORM;
}
