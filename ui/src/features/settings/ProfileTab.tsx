import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, SelectField, TextField } from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import {
  IDLE_LOCK_CHOICES,
  ROLE_LABELS,
  useChangePassword,
  useSetIdleLock,
  useUpdateProfile,
  type SessionInfo,
} from "../auth/api";
import { PASSWORD_HINT } from "../auth/RegisterPage";

function idleLabel(minutes: number): string {
  if (minutes === 0) return "Never";
  return `After ${minutes} ${minutes === 1 ? "minute" : "minutes"} of inactivity`;
}

export function ProfileTab({ session }: { session: SessionInfo }) {
  return (
    <div className="settings-stack">
      <DisplayNameSection session={session} />
      <IdleLockSection session={session} />
      <ChangePasswordSection />
    </div>
  );
}

function DisplayNameSection({ session }: { session: SessionInfo }) {
  const update = useUpdateProfile();
  const errors = formErrors(update.error, ["displayName"]);
  const { profile } = session;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate(formValue(event.currentTarget, "displayName").trim());
  };

  return (
    <section className="settings-section" aria-labelledby="settings-profile-title">
      <header className="settings-section-header">
        <h2 id="settings-profile-title">Your profile</h2>
        <p className="muted">
          Logged in as <strong>@{profile.username}</strong>{" "}
          <Badge tone={profile.role === "admin" ? "accent" : "neutral"}>
            {ROLE_LABELS[profile.role]}
          </Badge>
        </p>
      </header>
      <form className="form form-inline" onSubmit={onSubmit} noValidate>
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <TextField
          key={profile.displayName}
          label="Display name"
          name="displayName"
          defaultValue={profile.displayName}
          maxLength={64}
          error={errors.fields.displayName}
          onChange={() => update.isSuccess && update.reset()}
        />
        <Button type="submit" loading={update.isPending} data-testid="display-name-submit">
          Save
        </Button>
      </form>
      {update.isSuccess && (
        <p className="inline-success" role="status" data-testid="display-name-success">
          Saved.
        </p>
      )}
    </section>
  );
}

function IdleLockSection({ session }: { session: SessionInfo }) {
  const setIdleLock = useSetIdleLock();
  const errors = formErrors(setIdleLock.error, ["minutes"]);
  const choices: number[] = [...IDLE_LOCK_CHOICES];
  if (!choices.includes(session.idleLockMinutes)) {
    choices.push(session.idleLockMinutes);
    choices.sort((a, b) => a - b);
  }

  return (
    <section className="settings-section" aria-labelledby="settings-idle-title">
      <header className="settings-section-header">
        <h2 id="settings-idle-title">Automatic lock</h2>
        <p className="muted">
          Lock this profile when you step away. Your password unlocks it again.
        </p>
      </header>
      <SelectField
        label="Lock the app"
        name="idleLock"
        value={String(session.idleLockMinutes)}
        disabled={setIdleLock.isPending}
        options={choices.map((minutes) => ({ value: String(minutes), label: idleLabel(minutes) }))}
        error={errors.form ?? errors.fields.minutes}
        onChange={(event) => setIdleLock.mutate(Number(event.target.value))}
      />
    </section>
  );
}

const PASSWORD_FIELDS = ["currentPassword", "newPassword"] as const;

function ChangePasswordSection() {
  const change = useChangePassword();
  const [mismatch, setMismatch] = useState<string | null>(null);
  const errors = formErrors(change.error, PASSWORD_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const newPassword = formValue(form, "newPassword");
    if (newPassword !== formValue(form, "confirmPassword")) {
      change.reset();
      setMismatch("The passwords do not match.");
      return;
    }
    setMismatch(null);
    change.mutate(
      { currentPassword: formValue(form, "currentPassword"), newPassword },
      { onSuccess: () => form.reset() },
    );
  };

  return (
    <section className="settings-section" aria-labelledby="settings-password-title">
      <header className="settings-section-header">
        <h2 id="settings-password-title">Password</h2>
        <p className="muted">Used to log in and to unlock this profile.</p>
      </header>
      <form className="form form-narrow" onSubmit={onSubmit} noValidate>
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        {change.isSuccess && <Alert tone="success">Your password was changed.</Alert>}
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          error={errors.fields.currentPassword}
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          error={errors.fields.newPassword}
        />
        <TextField
          label="Confirm new password"
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          error={mismatch}
        />
        <div>
          <Button
            type="submit"
            variant="primary"
            loading={change.isPending}
            data-testid="change-password-submit"
          >
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}
