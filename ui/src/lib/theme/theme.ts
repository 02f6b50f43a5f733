import { useCallback, useEffect, useState } from "react";

export type ThemePreference = "light" | "dark" | "system";
export type ResolvedTheme = "light" | "dark";

export const THEME_STORAGE_KEY = "kickstart.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

function isPreference(value: unknown): value is ThemePreference {
  return value === "light" || value === "dark" || value === "system";
}

export function readThemePreference(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return isPreference(stored) ? stored : "system";
  } catch {
    // Storage can be unavailable (privacy settings); the system theme is a fine default.
    return "system";
  }
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches;
}

export function resolveTheme(preference: ThemePreference): ResolvedTheme {
  if (preference === "system") return systemPrefersDark() ? "dark" : "light";
  return preference;
}

export function applyTheme(preference: ThemePreference): void {
  document.documentElement.dataset.theme = resolveTheme(preference);
}

/** The stored preference, and a setter that persists and applies it. */
export function useThemePreference(): [ThemePreference, (next: ThemePreference) => void] {
  const [preference, setPreference] = useState<ThemePreference>(readThemePreference);

  // Following the system as it changes is useFollowTheme's job (mounted in every window).
  useEffect(() => applyTheme(preference), [preference]);

  const update = useCallback((next: ThemePreference) => {
    try {
      window.localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Not persisted, but still applied for this session.
    }
    setPreference(next);
  }, []);

  return [preference, update];
}

/**
 * Keeps this window's theme current wherever the page is: when another window (the quick chat,
 * the main window) stores a new preference, and when the system switches light/dark.
 */
export function useFollowTheme(): void {
  useEffect(() => {
    const reapply = () => applyTheme(readThemePreference());
    const onStorage = (event: StorageEvent) => {
      if (event.key === THEME_STORAGE_KEY) reapply();
    };
    window.addEventListener("storage", onStorage);
    const media = typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : null;
    media?.addEventListener("change", reapply);
    return () => {
      window.removeEventListener("storage", onStorage);
      media?.removeEventListener("change", reapply);
    };
  }, []);
}
