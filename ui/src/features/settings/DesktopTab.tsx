import { useState, type KeyboardEvent } from "react";
import { Keyboard, RotateCcw } from "lucide-react";
import { Alert, Button, Checkbox, Kbd, Spinner } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { useDesktopStatus, useUpdateDesktop, type DesktopSettings } from "../desktop/api";

/** The shortcut a new installation has. */
export const DEFAULT_SHORTCUT = "CommandOrControl+Shift+Space";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** A shortcut in the plugin's syntax, as people read it: "Ctrl+Shift+Space", "⌘+Shift+K". */
export function readableShortcut(shortcut: string): string {
  return shortcut
    .split("+")
    .map((part) =>
      part === "CommandOrControl" || part === "CmdOrCtrl"
        ? isMac
          ? "⌘"
          : "Ctrl"
        : part.replace(/^Key(?=[A-Z]$)/, "").replace(/^Digit(?=\d$)/, ""),
    )
    .join("+");
}

const MODIFIER_CODES = /^(Control|Shift|Alt|Meta|OS)(Left|Right)?$/;

/**
 * The shortcut a key press means, in the plugin's syntax, or null while only modifiers are
 * held. A global shortcut needs Ctrl/⌘ or Alt, or it would swallow ordinary typing everywhere.
 */
export function shortcutFromKey(event: {
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}): string | null {
  if (event.code === "" || MODIFIER_CODES.test(event.code)) return null;
  if (!(event.ctrlKey || event.metaKey || event.altKey)) return null;
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push("CommandOrControl");
  if (event.altKey) parts.push("Alt");
  if (event.shiftKey) parts.push("Shift");
  parts.push(event.code);
  return parts.join("+");
}

/** Settings → Desktop: the quick chat shortcut, the tray, notifications, start at login. */
export function DesktopTab() {
  const status = useDesktopStatus();
  if (status.isPending) return <Spinner size={18} label="Loading desktop settings" />;
  if (status.isError) {
    return <Alert tone="error">{formErrors(status.error, []).form}</Alert>;
  }
  return <DesktopForm settings={status.data.settings} startupError={status.data.shortcutError} />;
}

function DesktopForm({
  settings,
  startupError,
}: {
  settings: DesktopSettings;
  startupError: string | null;
}) {
  const update = useUpdateDesktop();
  const [recording, setRecording] = useState(false);
  const errors = formErrors(update.error, ["quickChatShortcut", "startAtLogin"]);
  const save = (change: Partial<DesktopSettings>) => update.mutate({ ...settings, ...change });
  const shortcut = settings.quickChatShortcut;
  const shortcutError = errors.fields.quickChatShortcut ?? startupError;

  const onRecordKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "Escape") {
      setRecording(false);
      return;
    }
    event.preventDefault();
    const chosen = shortcutFromKey(event);
    if (chosen) {
      setRecording(false);
      save({ quickChatShortcut: chosen });
    }
  };

  return (
    <div className="settings-stack" data-testid="desktop-settings">
      <section className="settings-section" aria-labelledby="desktop-shortcut-title">
        <header className="settings-section-header">
          <h2 id="desktop-shortcut-title">Quick chat</h2>
          <p className="muted">
            A small window that answers from anywhere on your computer. Press the shortcut again or{" "}
            <Kbd>Esc</Kbd> to hide it.
          </p>
        </header>
        <div className="settings-row">
          <div>
            <strong>Shortcut</strong>
            <p className="muted" data-testid="desktop-shortcut">
              {shortcut ? <Kbd>{readableShortcut(shortcut)}</Kbd> : "Off: open it from the tray."}
            </p>
          </div>
          <div className="shortcut-field">
            <Button
              icon={<Keyboard size={15} />}
              aria-pressed={recording}
              onClick={() => setRecording((now) => !now)}
              onKeyDown={recording ? onRecordKey : undefined}
              onBlur={() => setRecording(false)}
              loading={update.isPending}
              data-testid="desktop-shortcut-record"
            >
              {recording ? "Press the keys…" : "Change"}
            </Button>
            {shortcut !== DEFAULT_SHORTCUT && (
              <Button
                variant="ghost"
                icon={<RotateCcw size={15} />}
                onClick={() => save({ quickChatShortcut: DEFAULT_SHORTCUT })}
                data-testid="desktop-shortcut-default"
              >
                Default
              </Button>
            )}
            {shortcut && (
              <Button
                variant="ghost"
                onClick={() => save({ quickChatShortcut: null })}
                data-testid="desktop-shortcut-off"
              >
                Turn off
              </Button>
            )}
          </div>
        </div>
        {shortcutError && (
          <Alert tone="error" data-testid="desktop-shortcut-error">
            {shortcutError}
          </Alert>
        )}
      </section>

      <section className="settings-section" aria-labelledby="desktop-window-title">
        <header className="settings-section-header">
          <h2 id="desktop-window-title">Window and tray</h2>
        </header>
        <Checkbox
          label="Keep running in the tray when the window is closed"
          checked={settings.closeToTray}
          onChange={(event) => save({ closeToTray: event.target.checked })}
          data-testid="desktop-close-to-tray"
        />
        <Checkbox
          label="Notify me when a task with a time falls due"
          checked={settings.dueNotifications}
          onChange={(event) => save({ dueNotifications: event.target.checked })}
          data-testid="desktop-due-notifications"
        />
        <Checkbox
          label="Start KickStartMyAI in the tray when I log in to this computer"
          checked={settings.startAtLogin}
          onChange={(event) => save({ startAtLogin: event.target.checked })}
          data-testid="desktop-start-at-login"
        />
        {(errors.fields.startAtLogin ?? errors.form) && (
          <Alert tone="error">{errors.fields.startAtLogin ?? errors.form}</Alert>
        )}
      </section>
    </div>
  );
}
