import { Monitor, Moon, Sun } from "lucide-react";
import { SegmentedControl } from "../../components/ui";
import { useThemePreference, type ThemePreference } from "../../lib/theme/theme";

const OPTIONS = [
  { value: "light", label: "Light", icon: <Sun size={15} />, testId: "theme-light" },
  { value: "dark", label: "Dark", icon: <Moon size={15} />, testId: "theme-dark" },
  { value: "system", label: "System", icon: <Monitor size={15} />, testId: "theme-system" },
] as const;

export function AppearanceTab() {
  const [theme, setTheme] = useThemePreference();
  return (
    <section className="settings-section" aria-labelledby="appearance-theme">
      <div className="settings-row">
        <div>
          <h2 id="appearance-theme">Theme</h2>
          <p className="muted">
            System follows your computer's light or dark setting as it changes.
          </p>
        </div>
        <SegmentedControl<ThemePreference>
          name="theme"
          label="Theme"
          options={OPTIONS}
          value={theme}
          onChange={setTheme}
        />
      </div>
    </section>
  );
}
