import { useState, type FormEvent } from "react";
import { Alert, Button, TextField } from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import { useEnterSession, useRegister, type Registration } from "./api";
import { AuthLayout } from "./AuthLayout";
import { RecoveryKeyDialog } from "./RecoveryKeyDialog";

const FIELDS = ["username", "displayName", "password"] as const;

export const USERNAME_HINT = "Up to 32 characters: letters, numbers, dots, dashes, underscores.";
export const PASSWORD_HINT = "At least 8 characters. Avoid common passwords.";

/**
 * Creates a profile. On a fresh computer (`firstRun`) this is the administrator; later it is a
 * member profile reached from the login screen.
 */
export function RegisterPage({ firstRun, onCancel }: { firstRun: boolean; onCancel?: () => void }) {
  const register = useRegister();
  const enterSession = useEnterSession();
  const [mismatch, setMismatch] = useState<string | null>(null);
  const [registration, setRegistration] = useState<Registration | null>(null);
  const errors = formErrors(register.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const password = formValue(form, "password");
    if (password !== formValue(form, "confirmPassword")) {
      setMismatch("The passwords do not match.");
      return;
    }
    setMismatch(null);
    register.mutate(
      {
        username: formValue(form, "username").trim(),
        displayName: formValue(form, "displayName").trim(),
        password,
      },
      { onSuccess: setRegistration },
    );
  };

  return (
    <AuthLayout
      testId={firstRun ? "first-run" : "register"}
      title={firstRun ? "Welcome to KickStartMyAI" : "Create a profile"}
      subtitle={
        firstRun
          ? "Your agents, chats and to-do list live on this computer, not in the cloud. Start by creating the first profile: it becomes the administrator, who can add profiles for other people using this computer."
          : "Each person on this computer gets their own profile. Its chats and tasks are private to it."
      }
      footer={
        onCancel && (
          <p>
            Already have a profile?{" "}
            <button type="button" className="link" onClick={onCancel}>
              Log in
            </button>
          </p>
        )
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={32}
          required
          autoFocus
          hint={USERNAME_HINT}
          error={errors.fields.username}
        />
        <TextField
          label="Display name"
          name="displayName"
          autoComplete="name"
          maxLength={64}
          required
          hint="How the app greets you, e.g. your first name."
          error={errors.fields.displayName}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={PASSWORD_HINT}
          error={errors.fields.password}
        />
        <TextField
          label="Confirm password"
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch}
        />
        <Button
          type="submit"
          variant="primary"
          block
          loading={register.isPending}
          data-testid="register-submit"
        >
          {firstRun ? "Create administrator profile" : "Create profile"}
        </Button>
      </form>
      <RecoveryKeyDialog
        recoveryKey={registration?.recoveryKey ?? null}
        continueLabel="Open KickStartMyAI"
        onContinue={() => {
          if (registration) enterSession(registration.session);
        }}
      />
    </AuthLayout>
  );
}
