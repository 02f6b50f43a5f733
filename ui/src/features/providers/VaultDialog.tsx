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

/**
 * `enable` turns the vault on; `replace` starts a new, empty vault in place of one that no longer
 * opens with the login password (the backend does the same for both when the vault is locked).
 */
export type VaultMode = "enable" | "replace";

const COPY: Record<VaultMode, { title: string; description: string; submit: string }> = {
  enable: {
    title: "Use an encrypted vault",
    description:
      "Your API keys will be kept in an encrypted file in the app's data folder, locked with your login password. It unlocks when you log in.",
    submit: "Turn on the vault",
  },
  replace: {
    title: "Start a new vault?",
    description:
      "Your vault can't be opened with your current password, so the API keys stored in it can't be recovered. A new, empty vault will replace it, locked with your login password. You will need to enter those API keys again.",
    submit: "Start a new vault",
  },
};

/** Asks for the login password and turns the encrypted vault on (or starts a new one). */
export function VaultDialog({
  open,
  mode = "enable",
  onClose,
  onEnabled,
}: {
  open: boolean;
  mode?: VaultMode;
  onClose: () => void;
  onEnabled: (status: SecretsStatus) => void;
}) {
  const copy = COPY[mode];
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={copy.title}
      description={copy.description}
      testId="vault-dialog"
    >
      <VaultForm
        submitLabel={copy.submit}
        destructive={mode === "replace"}
        onCancel={onClose}
        onEnabled={onEnabled}
      />
    </Dialog>
  );
}

function VaultForm({
  submitLabel,
  destructive,
  onCancel,
  onEnabled,
}: {
  submitLabel: string;
  destructive: boolean;
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
          className={destructive ? "btn-destructive" : undefined}
          loading={enable.isPending}
          disabled={password === ""}
          data-testid="vault-submit"
        >
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
