import type { FormEvent } from "react";
import { LockKeyhole } from "lucide-react";
import { Alert, Avatar, Button, TextField } from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import { useLogout, useUnlock, type SessionInfo } from "./api";

const FIELDS = ["password"] as const;

export function LockScreen({ session }: { session: SessionInfo }) {
  const unlock = useUnlock();
  const logout = useLogout();
  const errors = formErrors(unlock.error ?? logout.error, FIELDS);
  const { profile } = session;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    unlock.mutate(formValue(event.currentTarget, "password"));
  };

  return (
    <main className="auth-screen lock-screen" data-testid="lock-screen">
      <div className="auth-column">
        <section className="auth-card lock-card" aria-labelledby="lock-title">
          <div className="lock-identity">
            <Avatar name={profile.displayName} size="lg" />
            <h1 id="lock-title">{profile.displayName}</h1>
            <p className="muted">
              <LockKeyhole size={14} aria-hidden /> Locked · @{profile.username}
            </p>
          </div>
          <form className="form" onSubmit={onSubmit} noValidate>
            {errors.form && <Alert tone="error">{errors.form}</Alert>}
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              autoFocus
              error={errors.fields.password}
            />
            <Button
              type="submit"
              variant="primary"
              block
              loading={unlock.isPending}
              data-testid="unlock-submit"
            >
              Unlock
            </Button>
          </form>
          <div className="lock-switch">
            <Button
              variant="ghost"
              size="sm"
              onClick={() => logout.mutate()}
              loading={logout.isPending}
              data-testid="lock-logout"
            >
              Switch profile
            </Button>
          </div>
        </section>
      </div>
    </main>
  );
}
