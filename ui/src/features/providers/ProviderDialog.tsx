import { useState, type FormEvent, type ReactNode } from "react";
import { Cloud, KeyRound, Laptop, Server, Undo2 } from "lucide-react";
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  SegmentedControl,
  Spinner,
  TextField,
} from "../../components/ui";
import { formErrors, type FormErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import {
  connectionPatch,
  useCreateProvider,
  useProviderPresets,
  useUpdateProvider,
  type ProviderConnection,
  type ProviderPreset,
  type SecretsStatus,
} from "./api";
import { connectionLabel, isLocalUrl, keyStatus, uniqueName } from "./describe";
import { VaultDialog, type VaultMode } from "./VaultDialog";

/** The inputs of this form, named as the contract names them (the backend's `field`). */
const FIELDS = ["name", "baseUrl", "defaultModel", "apiKey"] as const;

export const KEY_PLACEHOLDER = "•••••••• stored — type to replace";

type Values = { name: string; baseUrl: string; defaultModel: string; apiKey: string };

type SharedProps = {
  /** Every connection of the profile, to suggest a name that is not taken. */
  connections: readonly ProviderConnection[];
  secrets: SecretsStatus | undefined;
  onCancel: () => void;
  onSaved: (connection: ProviderConnection) => void;
};

/** Adds a connection (`connection` null) or edits one. */
export function ProviderDialog({
  open,
  connection,
  presets,
  ...shared
}: SharedProps & {
  open: boolean;
  connection: ProviderConnection | null;
  presets: readonly ProviderPreset[];
}) {
  return (
    <Dialog
      open={open}
      onClose={shared.onCancel}
      size="md"
      title={connection ? `Edit ${connection.name}` : "Add provider"}
      description={
        connection
          ? `${connectionLabel(connection, presets)} connection. Changes apply to every agent that uses it.`
          : "Connect a cloud service with its API key, or a model server running on your computer."
      }
    >
      {connection ? (
        <EditForm connection={connection} {...shared} />
      ) : (
        <AddFormLoader {...shared} />
      )}
    </Dialog>
  );
}

function keyHint(secrets: SecretsStatus | undefined): string {
  if (!secrets || secrets.keychain) {
    return "Stored in your system keychain, never in the app's files.";
  }
  if (secrets.vault === "unlocked") {
    return "Stored in the encrypted vault, never in plain text in the app's files.";
  }
  if (secrets.vault === "locked") {
    return "There is no system keychain here and your encrypted vault is locked: a key can be saved once you start a new vault.";
  }
  return "There is no system keychain here: a key can be saved once the encrypted vault is on.";
}

/** Where a key could not go, and the vault that would take it. */
type VaultOffer = { message: string; mode: VaultMode };

/**
 * Errors of a save: no keychain (SecretStoreUnavailable), or a vault that no longer opens, gets
 * the vault offer instead of a field message.
 */
function saveErrors(
  error: unknown,
  secrets: SecretsStatus | undefined,
): { errors: FormErrors; vaultOffer: VaultOffer | null } {
  const none = { fields: {}, form: null };
  if (isAppError(error, "SecretStoreUnavailable")) {
    return { errors: none, vaultOffer: { message: error.message, mode: "enable" } };
  }
  if (isAppError(error, "VaultLocked") && secrets?.vault === "locked" && !secrets.keychain) {
    return { errors: none, vaultOffer: { message: error.message, mode: "replace" } };
  }
  return { errors: formErrors(error, FIELDS), vaultOffer: null };
}

function presetIcon(preset: ProviderPreset) {
  if (preset.baseUrl === "") return <Server size={17} />;
  return isLocalUrl(preset.baseUrl) ? <Laptop size={17} /> : <Cloud size={17} />;
}

function presetDescription(preset: ProviderPreset): string {
  if (preset.baseUrl === "") return "Any address";
  if (isLocalUrl(preset.baseUrl)) return "On this computer";
  return preset.keyRequired ? "Cloud · API key" : "Cloud";
}

function AddFormLoader(props: SharedProps) {
  const presets = useProviderPresets();
  if (presets.isPending) {
    return (
      <div className="centered-block">
        <Spinner size={20} label="Loading providers" />
      </div>
    );
  }
  const first = presets.data?.[0];
  if (!presets.data || !first) {
    return (
      <>
        <Alert tone="error">
          {formErrors(presets.error, []).form ?? "No providers are available to add."}
        </Alert>
        <div className="form-actions">
          <Button onClick={props.onCancel}>Close</Button>
        </div>
      </>
    );
  }
  return <AddForm presets={presets.data} first={first} {...props} />;
}

function AddForm({
  presets,
  first,
  connections,
  secrets,
  onCancel,
  onSaved,
}: SharedProps & { presets: readonly ProviderPreset[]; first: ProviderPreset }) {
  const create = useCreateProvider();
  const taken = connections.map((connection) => connection.name);
  const suggested = (preset: ProviderPreset) => ({
    name: uniqueName(preset.label, taken),
    baseUrl: preset.baseUrl,
    defaultModel: preset.suggestedModel ?? "",
  });

  const [preset, setPreset] = useState(first);
  const [values, setValues] = useState<Values>(() => ({ ...suggested(first), apiKey: "" }));
  const [makeDefault, setMakeDefault] = useState(
    () => !connections.some((connection) => connection.isDefault),
  );
  const { errors, vaultOffer } = saveErrors(create.error, secrets);

  /** Fills in the preset; what the person typed themselves stays. */
  const choose = (id: string) => {
    const next = presets.find((candidate) => candidate.id === id);
    if (!next || next.id === preset.id) return;
    const before = suggested(preset);
    const after = suggested(next);
    const keep = (key: keyof typeof before, value: string) =>
      value.trim() === "" || value === before[key] ? after[key] : value;
    setValues((current) => ({
      ...current,
      name: keep("name", current.name),
      baseUrl: keep("baseUrl", current.baseUrl),
      defaultModel: keep("defaultModel", current.defaultModel),
    }));
    setPreset(next);
    create.reset();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(
      {
        kind: preset.kind,
        name: values.name.trim(),
        baseUrl: values.baseUrl.trim(),
        defaultModel: values.defaultModel.trim() || null,
        apiKey: values.apiKey.trim() || null,
        makeDefault,
      },
      { onSuccess: onSaved },
    );
  };

  return (
    <ConnectionForm
      onSubmit={onSubmit}
      errors={errors}
      vaultOffer={vaultOffer}
      onVaultEnabled={() => create.reset()}
      pending={create.isPending}
      submitLabel="Add provider"
      onCancel={onCancel}
      top={
        <div className="field provider-presets">
          <span className="field-label" aria-hidden>
            Provider
          </span>
          <SegmentedControl<string>
            variant="cards"
            name="preset"
            label="Provider"
            value={preset.id}
            onChange={choose}
            options={presets.map((option) => ({
              value: option.id,
              label: option.label,
              description: presetDescription(option),
              icon: presetIcon(option),
              // "Other OpenAI-compatible" takes the last row whole, after the named services.
              className: option.baseUrl === "" ? "choice-card-wide" : undefined,
              testId: `provider-preset-${option.id}`,
            }))}
          />
        </div>
      }
      values={values}
      onChange={(change) => setValues((current) => ({ ...current, ...change }))}
      baseUrlHint={
        preset.kind === "openaiCompatible"
          ? "The server's OpenAI-compatible address, usually ending in /v1."
          : "Change it only to go through a proxy or gateway."
      }
      keyField={{
        label: preset.keyRequired ? (
          "API key"
        ) : (
          <>
            API key <span className="field-optional">(optional)</span>
          </>
        ),
        hint: preset.keyRequired
          ? keyHint(secrets)
          : `${keyHint(secrets)} Local servers usually need none.`,
      }}
      bottom={
        <Checkbox
          name="makeDefault"
          label="Make this my default"
          checked={makeDefault}
          onChange={(event) => setMakeDefault(event.target.checked)}
        />
      }
    />
  );
}

function EditForm({
  connection,
  secrets,
  onCancel,
  onSaved,
}: SharedProps & { connection: ProviderConnection }) {
  const update = useUpdateProvider();
  const [values, setValues] = useState<Values>({
    name: connection.name,
    baseUrl: connection.baseUrl,
    defaultModel: connection.defaultModel ?? "",
    apiKey: "",
  });
  const [removeKey, setRemoveKey] = useState(false);
  const { errors, vaultOffer } = saveErrors(update.error, secrets);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = values.name.trim();
    const baseUrl = values.baseUrl.trim();
    const defaultModel = values.defaultModel.trim();
    const apiKey = values.apiKey.trim();
    const patch = connectionPatch({
      name: name !== connection.name ? name : null,
      baseUrl: baseUrl !== connection.baseUrl ? baseUrl : null,
      // "" clears the default model.
      defaultModel: defaultModel !== (connection.defaultModel ?? "") ? defaultModel : null,
      apiKey: apiKey !== "" ? apiKey : null,
      clearKey: removeKey && apiKey === "",
    });
    const unchanged =
      patch.name === null &&
      patch.baseUrl === null &&
      patch.defaultModel === null &&
      patch.apiKey === null &&
      !patch.clearKey;
    if (unchanged) {
      onCancel();
      return;
    }
    update.mutate({ id: connection.id, patch }, { onSuccess: onSaved });
  };

  let keyHintText = keyHint(secrets);
  if (removeKey) keyHintText = "The stored key will be removed when you save.";
  else if (connection.hasKey)
    keyHintText = `${keyStatus(connection)}. Type a new key to replace it.`;

  return (
    <ConnectionForm
      onSubmit={onSubmit}
      errors={errors}
      vaultOffer={vaultOffer}
      onVaultEnabled={() => update.reset()}
      pending={update.isPending}
      submitLabel="Save"
      onCancel={onCancel}
      values={values}
      onChange={(change) => setValues((current) => ({ ...current, ...change }))}
      baseUrlHint={
        connection.kind === "openaiCompatible"
          ? "The server's OpenAI-compatible address, usually ending in /v1."
          : "Change it only to go through a proxy or gateway."
      }
      keyField={{
        label: "API key",
        hint: keyHintText,
        placeholder: connection.hasKey && !removeKey ? KEY_PLACEHOLDER : undefined,
        action: connection.hasKey ? (
          <Button
            size="sm"
            variant={removeKey ? "ghost" : "danger"}
            icon={removeKey ? <Undo2 size={14} /> : <KeyRound size={14} />}
            onClick={() => setRemoveKey((current) => !current)}
            aria-pressed={removeKey}
            data-testid="provider-key-remove"
          >
            {removeKey ? "Keep the key" : "Remove key"}
          </Button>
        ) : null,
      }}
    />
  );
}

/** The fields both dialogs share, with the save problem and the vault offer. */
function ConnectionForm({
  onSubmit,
  errors,
  vaultOffer,
  onVaultEnabled,
  pending,
  submitLabel,
  onCancel,
  top,
  bottom,
  values,
  onChange,
  baseUrlHint,
  keyField,
}: {
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  errors: FormErrors;
  vaultOffer: VaultOffer | null;
  onVaultEnabled: () => void;
  pending: boolean;
  submitLabel: string;
  onCancel: () => void;
  top?: ReactNode;
  bottom?: ReactNode;
  values: Values;
  onChange: (change: Partial<Values>) => void;
  baseUrlHint: string;
  keyField: { label: ReactNode; hint: string; placeholder?: string; action?: ReactNode };
}) {
  const [vault, setVault] = useState<VaultMode | null>(null);
  const [vaultOn, setVaultOn] = useState(false);

  return (
    <>
      <form className="form" onSubmit={onSubmit} noValidate data-testid="provider-dialog">
        {top}
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        {vaultOffer && (
          <Alert tone="error" data-testid="provider-store-unavailable">
            <p>{vaultOffer.message}</p>
            <div className="alert-actions">
              {vaultOffer.mode === "replace" ? (
                <Button size="sm" onClick={() => setVault("replace")} data-testid="vault-replace">
                  Start a new vault
                </Button>
              ) : (
                <Button size="sm" onClick={() => setVault("enable")} data-testid="vault-enable">
                  Use an encrypted vault instead
                </Button>
              )}
            </div>
          </Alert>
        )}
        {vaultOn && !vaultOffer && (
          <Alert tone="success">The encrypted vault is on. Save again to keep the key in it.</Alert>
        )}
        <div className="form-grid">
          <TextField
            label="Name"
            name="name"
            autoComplete="off"
            value={values.name}
            onChange={(event) => onChange({ name: event.target.value })}
            error={errors.fields.name}
          />
          <TextField
            label="Default model"
            name="defaultModel"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            placeholder="e.g. gpt-4o-mini"
            value={values.defaultModel}
            onChange={(event) => onChange({ defaultModel: event.target.value })}
            error={errors.fields.defaultModel}
          />
        </div>
        <TextField
          label="Base URL"
          name="baseUrl"
          inputMode="url"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="http://localhost:8000/v1"
          className="input-mono"
          value={values.baseUrl}
          onChange={(event) => onChange({ baseUrl: event.target.value })}
          hint={baseUrlHint}
          error={errors.fields.baseUrl}
        />
        <div className="field-with-action">
          <TextField
            label={keyField.label}
            name="apiKey"
            type="password"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            placeholder={keyField.placeholder}
            value={values.apiKey}
            onChange={(event) => onChange({ apiKey: event.target.value })}
            hint={keyField.hint}
            error={errors.fields.apiKey}
          />
          {keyField.action}
        </div>
        {bottom}
        <div className="form-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" loading={pending} data-testid="provider-save">
            {submitLabel}
          </Button>
        </div>
      </form>
      <VaultDialog
        open={vault !== null}
        mode={vault ?? "enable"}
        onClose={() => setVault(null)}
        onEnabled={() => {
          setVault(null);
          setVaultOn(true);
          onVaultEnabled();
        }}
      />
    </>
  );
}
