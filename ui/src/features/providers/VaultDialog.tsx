import { useState, type FormEvent } from "react";
import { Alert, Button, Dialog, TextField } from "../../components/ui";
import { formErrors, type FormErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import { useEnableVault, type SecretsStatus } from "./api";

/** A wrong password belongs under the password field, whether or not the backend named it. */
function vaultErrors(error: unknown): FormErrors {
  if (isAppError(error, "InvalidCredentials") && !error.field) {
    return { fields: { password: error.message }, form: null };
  }
  return formErrors(error, ["password"]);
}

/** Asks for the login password and turns the encrypted vault on. */
export function VaultDialog({
  open,
  onClose,
  onEnabled,
}: {
  open: boolean;
  onClose: () => void;
  onEnabled: (status: SecretsStatus) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Use an encrypted vault"
      description="Your API keys will be kept in an encrypted file in the app's data folder, locked with your login password. It unlocks when you log in."
      testId="vault-dialog"
    >
      <VaultForm onCancel={onClose} onEnabled={onEnabled} />
    </Dialog>
  );
}

function VaultForm({
  onCancel,
  onEnabled,
}: {
  onCancel: () => void;
  onEnabled: (status: SecretsStatus) => void;
}) {
  const enable = useEnableVault();
  const [password, setPassword] = useState("");
  const errors = vaultErrors(enable.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // The vault form can sit inside the provider form (in a portal, but React still bubbles).
    event.preventDefault();
    event.stopPropagation();
    enable.mutate(password, { onSuccess: onEnabled });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      <TextField
        label="Login password"
        name="password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        hint="The password you log in to KickStartMyAI with."
        error={errors.fields.password}
      />
      <div className="form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          type="submit"
          variant="primary"
          loading={enable.isPending}
          disabled={password === ""}
          data-testid="vault-submit"
        >
          Turn on the vault
        </Button>
      </div>
    </form>
  );
}
