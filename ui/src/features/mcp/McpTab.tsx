import { useId, useState, type FormEvent } from "react";
import { Check, KeyRound, RefreshCw, TriangleAlert } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  CopyButton,
  Dialog,
  Spinner,
  TextField,
} from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import {
  useCreateMcpToken,
  useMcpHttpStatus,
  useMcpLaunch,
  useMcpTokens,
  useRevokeMcpToken,
  useSetMcpHttp,
  type HttpStatus,
  type McpLaunch,
  type McpToken,
  type NewMcpToken,
} from "./api";

/** What the configuration holds in place of a token the app no longer has. */
export const TOKEN_PLACEHOLDER = "paste-your-token-here";

/** The name this app's server goes by in an MCP client's configuration. */
const SERVER_NAME = "kickstart";

/** Claude Desktop's `mcpServers` entry for this installation, pretty-printed. */
export function claudeDesktopConfig(launch: McpLaunch, secret: string | null): string {
  const config = {
    mcpServers: {
      [SERVER_NAME]: {
        command: launch.command,
        args: launch.args,
        env: { [launch.tokenVariable]: secret ?? TOKEN_PLACEHOLDER },
      },
    },
  };
  return JSON.stringify(config, null, 2);
}

/** The `mcpServers` entry for a client that connects to the HTTP server at `url`. */
export function httpClientConfig(url: string, secret: string | null): string {
  const config = {
    mcpServers: {
      [SERVER_NAME]: {
        type: "http",
        url,
        headers: { Authorization: `Bearer ${secret ?? TOKEN_PLACEHOLDER}` },
      },
    },
  };
  return JSON.stringify(config, null, 2);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

function When({ value }: { value: string }) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <>{value}</>;
  return (
    <time dateTime={value} title={fullFormat.format(date)}>
      {dayFormat.format(date)}
    </time>
  );
}

/** Settings → MCP: tokens for outside MCP clients, and the configuration to give them. */
export function McpTab() {
  const tokens = useMcpTokens();
  const launch = useMcpLaunch();
  const http = useMcpHttpStatus();
  // The new token's secret lives here, and only until "Done": it is never stored.
  const [created, setCreated] = useState<NewMcpToken | null>(null);
  const [revoking, setRevoking] = useState<McpToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = tokens.data ?? [];
  const listError = formErrors(tokens.error, []).form;

  return (
    <div className="settings-mcp" data-testid="settings-mcp">
      <div className="section-header">
        <div>
          <h2>MCP clients</h2>
          <p className="muted">
            Let Claude Desktop, Cursor and other MCP clients manage this profile's tasks. Each
            client gets its own token; revoke it to cut it off.
          </p>
        </div>
      </div>

      <section className="settings-section" aria-labelledby="mcp-tokens-title">
        <header className="settings-section-header">
          <h3 id="mcp-tokens-title">Access tokens</h3>
        </header>
        {notice && <Alert tone="success">{notice}</Alert>}
        {tokens.isPending ? (
          <div className="centered-block">
            <Spinner size={18} label="Loading tokens" />
          </div>
        ) : tokens.isError ? (
          <Alert tone="error">
            {listError}{" "}
            <button type="button" className="link" onClick={() => void tokens.refetch()}>
              Try again
            </button>
          </Alert>
        ) : list.length === 0 ? (
          <p className="muted small" data-testid="mcp-token-empty">
            No tokens yet. Create one for each client you connect.
          </p>
        ) : (
          <ul className="boxed-list" aria-label="MCP tokens">
            {list.map((token) => (
              <TokenRow
                key={token.id}
                token={token}
                onRevoke={() => {
                  setNotice(null);
                  setRevoking(token);
                }}
              />
            ))}
          </ul>
        )}
        <CreateForm
          onCreated={(made) => {
            setNotice(null);
            setCreated(made);
          }}
        />
        {created && <SecretPanel created={created} onDone={() => setCreated(null)} />}
      </section>

      <ConfigSection launch={launch} secret={created?.secret ?? null} />
      {http.data?.url && <HttpConfigSection url={http.data.url} secret={created?.secret ?? null} />}

      <HttpSection status={http} />

      <RevokeDialog
        token={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={(token) => {
          setRevoking(null);
          // A revoked token's secret is no use in the configuration any more.
          setCreated((shown) => (shown?.token.id === token.id ? null : shown));
          setNotice(`Revoked “${token.name}”. Clients using it are refused from now on.`);
        }}
      />
    </div>
  );
}

function TokenRow({ token, onRevoke }: { token: McpToken; onRevoke: () => void }) {
  const nameId = useId();
  const revoked = token.revokedAt !== null;
  return (
    <li
      className={revoked ? "mcp-token mcp-token-revoked" : "mcp-token"}
      aria-labelledby={nameId}
      data-testid="mcp-token"
      data-name={token.name}
      data-revoked={revoked || undefined}
    >
      <span className="mcp-token-icon" aria-hidden>
        <KeyRound size={16} />
      </span>
      <div className="mcp-token-info">
        <div className="mcp-token-title">
          <h4 id={nameId} className="mcp-token-name">
            {token.name}
          </h4>
          <code className="mcp-token-hint" title="The token's last characters">
            …{token.hint}
          </code>
          {revoked && <Badge tone="danger">Revoked</Badge>}
        </div>
        <div className="mcp-token-meta">
          <span>
            Created <When value={token.createdAt} />
          </span>
          <span data-testid="mcp-token-last-used">
            {token.lastUsedAt ? (
              <>
                Last used <When value={token.lastUsedAt} />
              </>
            ) : (
              "Never used"
            )}
          </span>
          {token.revokedAt && (
            <span>
              Revoked <When value={token.revokedAt} />
            </span>
          )}
        </div>
      </div>
      {!revoked && (
        <Button
          size="sm"
          variant="danger"
          onClick={onRevoke}
          aria-label={`Revoke ${token.name}`}
          data-testid="mcp-token-revoke"
        >
          Revoke
        </Button>
      )}
    </li>
  );
}

function CreateForm({ onCreated }: { onCreated: (created: NewMcpToken) => void }) {
  const create = useCreateMcpToken();
  const [name, setName] = useState("");
  const errors = formErrors(create.error, ["name"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (made) => {
        setName("");
        onCreated(made);
        // The secret goes to the panel; the mutation keeps no copy of it.
        create.reset();
      },
    });
  };

  return (
    <form className="form form-inline mcp-token-form" onSubmit={submit} noValidate>
      <TextField
        label="New token for"
        name="name"
        placeholder="Claude Desktop"
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.fields.name}
        hint="Name it after the client that will use it."
        data-testid="mcp-token-name"
      />
      <Button
        type="submit"
        variant="primary"
        loading={create.isPending}
        data-testid="mcp-token-create"
      >
        Create token
      </Button>
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
    </form>
  );
}

/** The one time a token's secret is shown. */
function SecretPanel({ created, onDone }: { created: NewMcpToken; onDone: () => void }) {
  return (
    <div className="mcp-secret" role="region" aria-label="New token" data-testid="mcp-token-secret">
      <p className="mcp-secret-title">
        Token for <strong>{created.token.name}</strong>
      </p>
      <div className="mcp-secret-value">
        <code data-testid="mcp-token-secret-value">{created.secret}</code>
        <CopyButton
          text={created.secret}
          label="Copy token"
          showLabel
          testId="mcp-token-secret-copy"
        />
      </div>
      <p className="mcp-secret-warning">
        <TriangleAlert size={14} aria-hidden />
        Copy it now — it won't be shown again.
      </p>
      <div>
        <Button
          size="sm"
          icon={<Check size={14} />}
          onClick={onDone}
          data-testid="mcp-token-secret-done"
        >
          Done
        </Button>
      </div>
    </div>
  );
}

function ConfigSection({
  launch,
  secret,
}: {
  launch: ReturnType<typeof useMcpLaunch>;
  secret: string | null;
}) {
  const error = formErrors(launch.error, []).form;
  return (
    <section className="settings-section" aria-labelledby="mcp-config-title">
      <header className="settings-section-header">
        <h3 id="mcp-config-title">Claude Desktop configuration</h3>
        <p className="muted">
          {secret
            ? "Ready to paste, with the new token in it."
            : `Create a token, or put one you have in place of “${TOKEN_PLACEHOLDER}”.`}
        </p>
      </header>
      {launch.isPending ? (
        <div className="centered-block">
          <Spinner size={18} label="Loading the configuration" />
        </div>
      ) : launch.isError ? (
        <Alert tone="error">
          {error}{" "}
          <Button
            size="sm"
            variant="ghost"
            icon={<RefreshCw size={13} />}
            onClick={() => void launch.refetch()}
          >
            Try again
          </Button>
        </Alert>
      ) : (
        <ConfigBlock
          text={claudeDesktopConfig(launch.data, secret)}
          testId="mcp-config"
          copyLabel="Copy configuration"
        />
      )}
      <p className="muted small">
        Claude Desktop keeps this in <code>claude_desktop_config.json</code>: open it from Claude
        Desktop's Settings → Developer → Edit Config, add this server, and restart Claude Desktop.
      </p>
    </section>
  );
}

/** The same entry for clients that connect to the running HTTP server. */
function HttpConfigSection({ url, secret }: { url: string; secret: string | null }) {
  return (
    <section className="settings-section" aria-labelledby="mcp-http-config-title">
      <header className="settings-section-header">
        <h3 id="mcp-http-config-title">HTTP client configuration</h3>
        <p className="muted">
          {secret
            ? "Ready to paste, with the new token in it."
            : `Create a token, or put one you have in place of “${TOKEN_PLACEHOLDER}”.`}
        </p>
      </header>
      <ConfigBlock
        text={httpClientConfig(url, secret)}
        testId="mcp-http-config"
        copyLabel="Copy HTTP configuration"
      />
      <p className="muted small">
        For clients that connect to a URL. Some name these fields a little differently; what matters
        is the URL and the token in the <code>Authorization</code> header.
      </p>
    </section>
  );
}

function ConfigBlock({
  text,
  testId,
  copyLabel,
}: {
  text: string;
  testId: string;
  copyLabel: string;
}) {
  return (
    <div className="mcp-config" data-testid={testId}>
      <div className="mcp-config-header">
        <span className="muted small">JSON</span>
        <CopyButton text={text} label={copyLabel} showLabel testId={`${testId}-copy`} />
      </div>
      <pre data-testid={`${testId}-json`}>{text}</pre>
    </div>
  );
}

const PORT_HINT = "From 1024 to 65535.";

/** The typed port as a number the backend can take (it judges the range), or null. */
function parsePort(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const port = Number(trimmed);
  return port <= 65535 ? port : null;
}

/** Settings → MCP → Connect over HTTP: switch the server on or off, and pick its port. */
function HttpSection({ status }: { status: ReturnType<typeof useMcpHttpStatus> }) {
  const loadError = formErrors(status.error, []).form;
  return (
    <section className="settings-section" aria-labelledby="mcp-http-title" data-testid="mcp-http">
      <header className="settings-section-header">
        <h3 id="mcp-http-title">Connect over HTTP</h3>
        <p className="muted">
          For clients that connect to a URL instead of starting a program. It listens on this
          computer only (127.0.0.1); each client still needs its own token.
        </p>
      </header>
      {status.isPending ? (
        <div className="centered-block">
          <Spinner size={18} label="Loading the HTTP server's status" />
        </div>
      ) : status.isError ? (
        <Alert tone="error">
          {loadError}{" "}
          <Button
            size="sm"
            variant="ghost"
            icon={<RefreshCw size={13} />}
            onClick={() => void status.refetch()}
          >
            Try again
          </Button>
        </Alert>
      ) : (
        <HttpControls status={status.data} />
      )}
    </section>
  );
}

function HttpControls({ status }: { status: HttpStatus }) {
  const set = useSetMcpHttp();
  // What is typed in the port field; null while it shows the saved port.
  const [draft, setDraft] = useState<string | null>(null);
  const [badPort, setBadPort] = useState(false);
  const forbidden = isAppError(set.error, "Forbidden");
  const errors = formErrors(forbidden ? null : set.error, ["port"]);
  const portError = badPort ? `Enter a port number. ${PORT_HINT}` : (errors.fields.port ?? null);
  // While a change is on its way, the switch shows where it is going.
  const enabled = set.isPending ? set.variables.enabled : status.settings.enabled;

  const apply = (on: boolean) => {
    if (set.isPending) return;
    const port = draft === null ? status.settings.port : parsePort(draft);
    if (port === null) {
      set.reset();
      setBadPort(true);
      return;
    }
    setBadPort(false);
    set.mutate({ enabled: on, port }, { onSuccess: () => setDraft(null) });
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    apply(status.settings.enabled);
  };

  return (
    <>
      <Checkbox
        role="switch"
        className="mcp-switch"
        label="Serve MCP over HTTP"
        checked={enabled}
        onChange={(event) => apply(event.target.checked)}
        data-testid="mcp-http-enabled"
      />
      <form className="form form-inline mcp-http-form" onSubmit={save} noValidate>
        <TextField
          label="Port"
          name="port"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          value={draft ?? String(status.settings.port)}
          onChange={(event) => setDraft(event.target.value)}
          error={portError}
          hint={PORT_HINT}
          data-testid="mcp-http-port"
        />
        <Button type="submit" loading={set.isPending} data-testid="mcp-http-save">
          Save
        </Button>
      </form>
      <HttpStatusLine status={status} />
      {forbidden && <Alert tone="error">Only an administrator can change this.</Alert>}
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
    </>
  );
}

function HttpStatusLine({ status }: { status: HttpStatus }) {
  const state = status.url ? "listening" : status.settings.enabled ? "failed" : "off";
  return (
    <div className="mcp-http-status" role="status" data-testid="mcp-http-status" data-state={state}>
      <span className="mcp-http-dot" aria-hidden />
      {status.url ? (
        <>
          <span>
            Listening at <code data-testid="mcp-http-url">{status.url}</code>
          </span>
          <CopyButton text={status.url} label="Copy URL" testId="mcp-http-url-copy" />
        </>
      ) : status.settings.enabled ? (
        // Switched on but not running: the port is taken, say.
        <span>{status.error ?? "Not running."}</span>
      ) : (
        <span>Off</span>
      )}
    </div>
  );
}

function RevokeDialog({
  token,
  onClose,
  onRevoked,
}: {
  token: McpToken | null;
  onClose: () => void;
  onRevoked: (token: McpToken) => void;
}) {
  return (
    <Dialog
      open={token !== null}
      onClose={onClose}
      title={`Revoke “${token?.name ?? ""}”?`}
      description="Clients using this token are refused from their next request. This can't be undone; give the client a new token to connect it again."
      testId="mcp-token-revoke-dialog"
    >
      {token && <RevokeBody token={token} onClose={onClose} onRevoked={onRevoked} />}
    </Dialog>
  );
}

function RevokeBody({
  token,
  onClose,
  onRevoked,
}: {
  token: McpToken;
  onClose: () => void;
  onRevoked: (token: McpToken) => void;
}) {
  const revoke = useRevokeMcpToken();
  const error = formErrors(revoke.error, []).form;
  return (
    <>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="primary"
          className="btn-destructive"
          loading={revoke.isPending}
          onClick={() => revoke.mutate(token.id, { onSuccess: onRevoked })}
          data-testid="mcp-token-revoke-confirm"
        >
          Revoke
        </Button>
      </div>
    </>
  );
}
