import { useState, type FormEvent } from "react";
import { Alert, Button, TextField } from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import { useRecover } from "./api";
import { AuthLayout } from "./AuthLayout";
import { PASSWORD_HINT } from "./RegisterPage";
import { RecoveryKeyDialog } from "./RecoveryKeyDialog";

const FIELDS = ["username", "recoveryKey", "newPassword"] as const;

/** Resets a forgotten password with the recovery key, then shows the replacement key once. */
export function RecoverPage({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const recover = useRecover();
  const [mismatch, setMismatch] = useState<string | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);
  const errors = formErrors(recover.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const newPassword = formValue(form, "newPassword");
    if (newPassword !== formValue(form, "confirmPassword")) {
      setMismatch("The passwords do not match.");
      return;
    }
    setMismatch(null);
    recover.mutate(
      {
        username: formValue(form, "username").trim(),
        recoveryKey: formValue(form, "recoveryKey").trim(),
        newPassword,
      },
      { onSuccess: setNewKey },
    );
  };

  return (
    <AuthLayout
      testId="recover"
      title="Reset your password"
      subtitle="Use the recovery key you saved when the profile was created."
      footer={
        <p>
          Remembered it?{" "}
          <button type="button" className="link" onClick={onCancel}>
            Back to log in
          </button>
        </p>
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
          required
          autoFocus
          error={errors.fields.username}
        />
        <TextField
          label="Recovery key"
          name="recoveryKey"
          className="input-mono"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          required
          error={errors.fields.recoveryKey}
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          hint={PASSWORD_HINT}
          error={errors.fields.newPassword}
        />
        <TextField
          label="Confirm new password"
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
          loading={recover.isPending}
          data-testid="recover-submit"
        >
          Reset password
        </Button>
      </form>
      <RecoveryKeyDialog recoveryKey={newKey} continueLabel="Back to log in" onContinue={onDone} />
    </AuthLayout>
  );
}
