import { useEffect, useId, useRef, useState } from "react";
import {
  Activity,
  Boxes,
  Check,
  CircleAlert,
  CircleCheck,
  Cloud,
  KeyRound,
  Laptop,
  Pencil,
  Plug,
  Plus,
  RefreshCw,
  ShieldCheck,
  Star,
  Trash2,
} from "lucide-react";
import { Alert, Badge, Button, Dialog, EmptyState, IconButton, Spinner } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import {
  connectionPatch,
  useCheckProvider,
  useDeleteProvider,
  useProviderModels,
  useProviderPresets,
  useProviders,
  useProvidersChangedListener,
  useSecretsStatus,
  useSetDefaultProvider,
  useUpdateProvider,
  type ProviderConnection,
  type SecretsStatus,
} from "./api";
import {
  connectionLabel,
  describeProviderError,
  formatLatency,
  isLocalUrl,
  keyStatus,
  type ProviderProblem,
} from "./describe";
import { ProviderDialog } from "./ProviderDialog";
import { VaultDialog, type VaultMode } from "./VaultDialog";

/** Models lists longer than this get a filter box. */
const FILTER_FROM = 8;

/** Settings → Providers: the profile's AI provider connections and where their keys live. */
export function ProvidersTab() {
  useProvidersChangedListener();
  const providers = useProviders();
  const presets = useProviderPresets();
  const secrets = useSecretsStatus();
  const [editing, setEditing] = useState<{ connection: ProviderConnection | null } | null>(null);
  const [deleting, setDeleting] = useState<ProviderConnection | null>(null);
  const [vault, setVault] = useState<VaultMode | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const connections = providers.data ?? [];
  const presetList = presets.data ?? [];
  const errorMessage = formErrors(actionError ?? providers.error, []).form;

  const startAction = () => {
    setActionError(null);
    setNotice(null);
  };
  const openDialog = (connection: ProviderConnection | null) => {
    startAction();
    setEditing({ connection });
  };
  const addButton = (
    <Button
      variant="primary"
      icon={<Plus size={16} />}
      onClick={() => openDialog(null)}
      data-testid="providers-add"
    >
      Add provider
    </Button>
  );

  return (
    <div className="settings-providers" data-testid="settings-providers">
      <SecretsNotice
        status={secrets.data}
        // While a dialog is open it makes the offer itself; one button, one place.
        offer={editing === null}
        onVault={(mode) => {
          startAction();
          setVault(mode);
        }}
      />

      <div className="section-header">
        <div>
          <h2>AI providers</h2>
          <p className="muted">
            The services that run the models your agents talk to. Your default provider is used
            unless an agent picks another.
          </p>
        </div>
        {connections.length > 0 && addButton}
      </div>

      {errorMessage && <Alert tone="error">{errorMessage}</Alert>}
      {notice && <Alert tone="success">{notice}</Alert>}

      {providers.isPending ? (
        <div className="centered-block">
          <Spinner size={20} label="Loading providers" />
        </div>
      ) : providers.isError ? (
        <div>
          <Button icon={<RefreshCw size={15} />} onClick={() => void providers.refetch()}>
            Try again
          </Button>
        </div>
      ) : connections.length === 0 ? (
        <div className="provider-empty">
          <EmptyState icon={<Plug size={22} />} title="Connect an AI provider" action={addButton}>
            <p>
              A provider runs the models your agents talk to: a cloud service such as OpenAI or
              Anthropic, used with your API key, or a server on this computer such as Ollama or LM
              Studio.
              {secrets.data?.keychain !== false && " API keys stay in your system keychain."}
            </p>
          </EmptyState>
        </div>
      ) : (
        <ul className="provider-list" aria-label="Provider connections">
          {connections.map((connection) => (
            <ProviderRow
              key={connection.id}
              connection={connection}
              label={connectionLabel(connection, presetList)}
              onStart={startAction}
              onEdit={() => openDialog(connection)}
              onDelete={() => {
                startAction();
                setDeleting(connection);
              }}
              onNotice={setNotice}
              onError={setActionError}
            />
          ))}
        </ul>
      )}

      <ProviderDialog
        open={editing !== null}
        connection={editing?.connection ?? null}
        presets={presetList}
        connections={connections}
        secrets={secrets.data}
        onCancel={() => setEditing(null)}
        onSaved={(saved) => {
          setNotice(editing?.connection ? `Saved ${saved.name}.` : `Added ${saved.name}.`);
          setEditing(null);
        }}
      />
      <DeleteDialog
        connection={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(removed) => {
          setDeleting(null);
          setNotice(`Removed ${removed.name}.`);
        }}
      />
      <VaultDialog
        open={vault !== null}
        mode={vault ?? "enable"}
        onClose={() => setVault(null)}
        onEnabled={() => {
          setNotice(
            vault === "replace"
              ? "A new encrypted vault is on. Enter the API keys that were in the old one again."
              : "The encrypted vault is on. New API keys will be kept in it.",
          );
          setVault(null);
        }}
      />
    </div>
  );
}

/**
 * Says plainly when there is no system keychain, and offers the encrypted vault, or a new one
 * when the old vault no longer opens.
 */
function SecretsNotice({
  status,
  offer,
  onVault,
}: {
  status: SecretsStatus | undefined;
  offer: boolean;
  onVault: (mode: VaultMode) => void;
}) {
  if (!status || status.keychain) return null;
  if (status.vault === "unlocked") {
    return (
      <p className="secrets-note" data-testid="secrets-vault-note">
        <ShieldCheck size={15} aria-hidden />
        There is no system keychain on this computer, so your API keys are kept in the encrypted
        vault, locked with your login password.
      </p>
    );
  }
  if (status.vault === "locked") {
    return (
      <Alert tone="warning" data-testid="secrets-warning">
        <strong>Your encrypted vault is locked</strong>
        <p>
          The API keys kept in it can't be used: the vault opens only with the password you had when
          it was made. If your password was reset since, start a new vault and enter your keys
          again.
        </p>
        {offer && (
          <div className="alert-actions">
            <Button
              size="sm"
              icon={<ShieldCheck size={14} />}
              onClick={() => onVault("replace")}
              data-testid="vault-replace"
            >
              Start a new vault
            </Button>
          </div>
        )}
      </Alert>
    );
  }
  return (
    <Alert tone="warning" data-testid="secrets-warning">
      <strong>No system keychain found</strong>
      {status.keychainHelp && <p>{status.keychainHelp}</p>}
      <p>
        Until there is one, API keys can't be saved. You can keep them in an encrypted vault file
        instead, locked with your login password.
      </p>
      {offer && (
        <div className="alert-actions">
          <Button
            size="sm"
            icon={<ShieldCheck size={14} />}
            onClick={() => onVault("enable")}
            data-testid="vault-enable"
          >
            Use an encrypted vault instead
          </Button>
        </div>
      )}
    </Alert>
  );
}

function ProviderRow({
  connection,
  label,
  onStart,
  onEdit,
  onDelete,
  onNotice,
  onError,
}: {
  connection: ProviderConnection;
  label: string;
  onStart: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onNotice: (message: string) => void;
  onError: (error: unknown) => void;
}) {
  const check = useCheckProvider();
  const setDefault = useSetDefaultProvider();
  const [modelsOpen, setModelsOpen] = useState(false);
  // A result is about the connection as it was tested: an edit of its address or key makes it
  // stale. Choosing another default model (from the very list the test returned) does not.
  const resetCheck = check.reset;
  const seen = useRef(connection);
  useEffect(() => {
    const before = seen.current;
    seen.current = connection;
    const onlyModelChanged =
      before.defaultModel !== connection.defaultModel && before.baseUrl === connection.baseUrl;
    if (before.updatedAt !== connection.updatedAt && !onlyModelChanged) resetCheck();
  }, [connection, resetCheck]);
  const nameId = useId();
  const modelsId = useId();
  const problem = describeProviderError(check.error);
  const checkedModels = check.data?.models ?? null;

  return (
    <li
      className="provider-row"
      data-testid="provider-row"
      data-name={connection.name}
      aria-labelledby={nameId}
    >
      <div className="provider-row-main">
        <span className="provider-icon" aria-hidden>
          {isLocalUrl(connection.baseUrl) ? <Laptop size={18} /> : <Cloud size={18} />}
        </span>
        <div className="provider-info">
          <div className="provider-title">
            <h3 id={nameId} className="provider-name">
              {connection.name}
            </h3>
            <Badge>{label}</Badge>
            {connection.isDefault && <Badge tone="accent">Default</Badge>}
          </div>
          <div className="provider-url" title={connection.baseUrl}>
            {connection.baseUrl}
          </div>
          <div className="provider-meta">
            <span
              className={connection.defaultModel ? undefined : "muted"}
              data-testid="provider-default-model"
            >
              <Boxes size={14} aria-hidden />
              {connection.defaultModel ?? "No default model"}
            </span>
            <span
              className={connection.hasKey ? undefined : "muted"}
              data-testid="provider-key-status"
            >
              <KeyRound size={14} aria-hidden />
              {keyStatus(connection)}
            </span>
          </div>
        </div>
        <div className="row-actions provider-actions">
          <Button
            size="sm"
            icon={<Activity size={14} />}
            loading={check.isPending}
            onClick={() => {
              onStart();
              check.mutate(connection.id);
            }}
            data-testid="provider-check"
          >
            Test connection
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon={<Boxes size={14} />}
            aria-expanded={modelsOpen}
            aria-controls={modelsOpen ? modelsId : undefined}
            onClick={() => setModelsOpen((open) => !open)}
            data-testid="provider-models"
          >
            Models
          </Button>
          {!connection.isDefault && (
            <Button
              size="sm"
              variant="ghost"
              icon={<Star size={14} />}
              loading={setDefault.isPending}
              onClick={() => {
                onStart();
                setDefault.mutate(connection.id, {
                  onSuccess: () => onNotice(`${connection.name} is now your default provider.`),
                  onError,
                });
              }}
              data-testid="provider-set-default"
            >
              Set as default
            </Button>
          )}
          <IconButton
            label={`Edit ${connection.name}`}
            onClick={onEdit}
            data-testid="provider-edit"
          >
            <Pencil size={15} />
          </IconButton>
          <IconButton
            label={`Remove ${connection.name}`}
            className="icon-btn-danger"
            onClick={onDelete}
            data-testid="provider-delete"
          >
            <Trash2 size={15} />
          </IconButton>
        </div>
      </div>

      {check.isSuccess && (
        <div
          className="check-result check-result-ok"
          role="status"
          data-testid="provider-check-result"
        >
          <CircleCheck size={16} aria-hidden />
          <div>
            <strong>{check.data.message}</strong>{" "}
            <span className="check-result-detail">
              Answered in {formatLatency(check.data.latencyMs)}.
            </span>
            {checkedModels && checkedModels.length > 0 && !modelsOpen && (
              <>
                {" "}
                <button type="button" className="link" onClick={() => setModelsOpen(true)}>
                  Show the {checkedModels.length} {checkedModels.length === 1 ? "model" : "models"}
                </button>
              </>
            )}
          </div>
        </div>
      )}
      {problem && <ProblemText problem={problem} testId="provider-check-result" />}

      {modelsOpen && <ModelsPanel id={modelsId} connection={connection} rowProblem={problem} />}
    </li>
  );
}

/** A provider failure: what kind, in plain words, then the backend's explanation. */
function ProblemText({ problem, testId }: { problem: ProviderProblem; testId?: string }) {
  return (
    <div
      className="check-result check-result-error"
      role="alert"
      data-testid={testId}
      data-code={problem.code}
    >
      <CircleAlert size={16} aria-hidden />
      <div>
        <strong>{problem.title}.</strong> <span>{problem.detail}</span>
      </div>
    </div>
  );
}

/**
 * The connection's models; choosing one makes it the connection's default model.
 * `rowProblem` is the failure the row already shows (from "Test connection"): the panel doesn't
 * say the same thing a second time.
 */
function ModelsPanel({
  id,
  connection,
  rowProblem,
}: {
  id: string;
  connection: ProviderConnection;
  rowProblem: ProviderProblem | null;
}) {
  const models = useProviderModels(connection.id, true);
  const update = useUpdateProvider();
  const [filter, setFilter] = useState("");
  const problem = describeProviderError(models.error);
  const shownAbove = problem !== null && rowProblem?.code === problem.code;
  const updateError = formErrors(update.error, []).form;

  // After a failed reload the previous list is stale: no count, no filter, no list.
  const listed = models.isError ? undefined : models.data;
  const all = listed ?? [];
  const query = filter.trim().toLowerCase();
  const shown = query ? all.filter((model) => model.id.toLowerCase().includes(query)) : all;
  const choosing = update.isPending ? update.variables.patch.defaultModel : null;

  return (
    <section className="provider-models" id={id} aria-label={`Models of ${connection.name}`}>
      <div className="provider-models-header">
        <div>
          <h4>Models{listed && <span className="muted"> · {all.length}</span>}</h4>
          <p className="muted small">Choose one to make it this connection's default model.</p>
        </div>
        <div className="provider-models-tools">
          {all.length > FILTER_FROM && (
            <input
              className="input input-sm"
              type="search"
              placeholder="Filter models"
              aria-label="Filter models"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
          )}
          <IconButton
            label="Refresh the list"
            disabled={models.isFetching}
            onClick={() => void models.refetch()}
            data-testid="provider-models-refresh"
          >
            <RefreshCw size={15} />
          </IconButton>
        </div>
      </div>

      {models.isPending ? (
        <p className="provider-models-loading muted small">
          <Spinner size={14} /> Asking {connection.name} for its models…
        </p>
      ) : shownAbove ? (
        <p className="muted small" data-testid="provider-models-unavailable">
          The models will show here once the connection works.
        </p>
      ) : problem ? (
        <ProblemText problem={problem} />
      ) : models.isError ? null : all.length === 0 ? (
        <p className="muted small">This provider lists no models.</p>
      ) : (
        <ul className="model-list" data-testid="provider-models-list">
          {shown.map((model) => {
            const current = model.id === connection.defaultModel;
            return (
              <li key={model.id}>
                <button
                  type="button"
                  className="model-item"
                  aria-pressed={current}
                  disabled={update.isPending}
                  onClick={() => {
                    if (current) return;
                    update.mutate({
                      id: connection.id,
                      patch: connectionPatch({ defaultModel: model.id }),
                    });
                  }}
                  data-testid="provider-model"
                  data-model={model.id}
                >
                  <span className="model-id">{model.id}</span>
                  {model.ownedBy && <span className="model-owner">{model.ownedBy}</span>}
                  {choosing === model.id ? (
                    <Spinner size={12} />
                  ) : current ? (
                    <span className="model-current">
                      <Check size={13} aria-hidden /> Default
                    </span>
                  ) : null}
                </button>
              </li>
            );
          })}
          {shown.length === 0 && (
            <li className="model-none muted small">No model matches “{filter.trim()}”.</li>
          )}
        </ul>
      )}
      {updateError && <Alert tone="error">{updateError}</Alert>}
    </section>
  );
}

function DeleteDialog({
  connection,
  onClose,
  onDeleted,
}: {
  connection: ProviderConnection | null;
  onClose: () => void;
  onDeleted: (connection: ProviderConnection) => void;
}) {
  return (
    <Dialog
      open={connection !== null}
      onClose={onClose}
      title={`Remove ${connection?.name ?? ""}?`}
      description={
        connection?.hasKey
          ? "The connection and its stored API key are deleted. Agents that use it will need another provider."
          : "Agents that use this connection will need another provider."
      }
      testId="provider-delete-dialog"
    >
      {connection && <DeleteBody connection={connection} onClose={onClose} onDeleted={onDeleted} />}
    </Dialog>
  );
}

function DeleteBody({
  connection,
  onClose,
  onDeleted,
}: {
  connection: ProviderConnection;
  onClose: () => void;
  onDeleted: (connection: ProviderConnection) => void;
}) {
  const remove = useDeleteProvider();
  const error = formErrors(remove.error, []).form;
  return (
    <>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="primary"
          className="btn-destructive"
          loading={remove.isPending}
          onClick={() => remove.mutate(connection.id, { onSuccess: () => onDeleted(connection) })}
          data-testid="provider-delete-confirm"
        >
          Remove
        </Button>
      </div>
    </>
  );
}
