import { useState, type FormEvent, type KeyboardEvent } from "react";
import { Download, Keyboard, RefreshCw, RotateCcw } from "lucide-react";
import { Alert, Button, Checkbox, Kbd, Spinner, TextField } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { MOD_KEY } from "../../lib/platform";
import {
  useCheckForUpdate,
  useDesktopStatus,
  useInstallUpdate,
  useUpdateDesktop,
  type DesktopSettings,
} from "../desktop/api";

/** The shortcut a new installation has. */
export const DEFAULT_SHORTCUT = "CommandOrControl+Shift+Space";

/** A shortcut in the plugin's syntax, as people read it: "Ctrl+Shift+Space", "⌘+Shift+K". */
export function readableShortcut(shortcut: string): string {
  return shortcut
    .split("+")
    .map((part) =>
      part === "CommandOrControl" || part === "CmdOrCtrl"
        ? MOD_KEY
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

      <UpdatesSection settings={settings} />
    </div>
  );
}

/**
 * Updates: off until the person gives an address; then "Check for updates" asks it, and a newer
 * version can be installed (Rust checks its signature against the app's public key).
 */
function UpdatesSection({ settings }: { settings: DesktopSettings }) {
  const update = useUpdateDesktop();
  const check = useCheckForUpdate();
  const install = useInstallUpdate();
  const [address, setAddress] = useState(settings.updateEndpoint ?? "");
  const saveErrors = formErrors(update.error, ["updateEndpoint"]);
  const checkErrors = formErrors(check.error ?? install.error, ["updateEndpoint"]);
  const saved = settings.updateEndpoint ?? "";
  const changed = address.trim() !== saved;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    check.reset();
    update.mutate({ ...settings, updateEndpoint: address.trim() || null });
  };

  const found = check.data;
  return (
    <section className="settings-section" aria-labelledby="desktop-updates-title">
      <header className="settings-section-header">
        <h2 id="desktop-updates-title">Updates</h2>
        <p className="muted">
          Off until you give an address. The app only installs updates signed by KickStartMyAI.
        </p>
      </header>
      <form className="form form-inline" onSubmit={submit} noValidate>
        <TextField
          label="Update address"
          name="updateEndpoint"
          placeholder="https://…/latest.json"
          autoComplete="off"
          spellCheck={false}
          value={address}
          onChange={(event) => setAddress(event.target.value)}
          error={saveErrors.fields.updateEndpoint}
          hint="Leave empty to never look for updates."
          data-testid="desktop-update-endpoint"
        />
        <Button
          type="submit"
          disabled={!changed}
          loading={update.isPending}
          data-testid="desktop-update-endpoint-save"
        >
          Save
        </Button>
      </form>
      <div className="settings-row">
        <Button
          icon={<RefreshCw size={15} />}
          disabled={!saved || changed}
          loading={check.isPending}
          onClick={() => check.mutate()}
          data-testid="desktop-update-check"
        >
          Check for updates
        </Button>
      </div>
      {found && !found.available && (
        <Alert tone="success" data-testid="desktop-update-result">
          You have the latest version ({found.currentVersion}).
        </Alert>
      )}
      {found?.available && (
        <Alert tone="warning" data-testid="desktop-update-result">
          <p>
            Version <strong>{found.available.version}</strong> is available (you have{" "}
            {found.currentVersion}).
          </p>
          {found.available.notes && <p className="muted">{found.available.notes}</p>}
          <Button
            variant="primary"
            icon={<Download size={15} />}
            loading={install.isPending}
            onClick={() => install.mutate()}
            data-testid="desktop-update-install"
          >
            Install and restart
          </Button>
        </Alert>
      )}
      {(checkErrors.fields.updateEndpoint ?? checkErrors.form) && (
        <Alert tone="error" data-testid="desktop-update-error">
          {checkErrors.fields.updateEndpoint ?? checkErrors.form}
        </Alert>
      )}
    </section>
  );
}
