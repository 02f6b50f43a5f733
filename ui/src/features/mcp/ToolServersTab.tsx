import { useId, useState, type FormEvent } from "react";
import { Globe, Plus, RefreshCw, ShieldAlert, Terminal, Trash2, X } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Dialog,
  IconButton,
  SegmentedControl,
  Spinner,
  TextAreaField,
  TextField,
} from "../../components/ui";
import { formErrors } from "../../lib/forms";
import {
  useConnectMcpServer,
  useCreateMcpServer,
  useDeleteMcpServer,
  useMcpServers,
  useUpdateMcpServer,
  type McpServer,
  type McpServerTransport,
  type McpServerVariable,
  type ServerStatus,
} from "./api";

/** The inputs of the server form, named as the backend names them in `field`. */
const FIELDS = ["name", "command", "args", "url", "variables", "enabled"] as const;

const VALUE_PLACEHOLDER = "•••••••• stored — type to replace";

/** How a server is reached, in one line. */
export function describeTransport(transport: McpServerTransport): string {
  if (transport.kind === "http") return transport.url;
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word));
  return [transport.command, ...transport.args].map(quote).join(" ");
}

/** The arguments as the form shows them: one per line. */
function argsFromText(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

function StatusBadge({ server }: { server: McpServer }) {
  if (!server.enabled) return <Badge>Switched off</Badge>;
  switch (server.status.state) {
    case "running":
      return <Badge tone="success">Running</Badge>;
    case "failed":
      return <Badge tone="danger">Not working</Badge>;
    case "stopped":
      return <Badge>Starts when used</Badge>;
  }
}

/** Settings → Tool servers: external MCP servers whose tools agents may use. */
export function ToolServersTab() {
  const servers = useMcpServers();
  const [editing, setEditing] = useState<McpServer | "new" | null>(null);
  const [removing, setRemoving] = useState<McpServer | null>(null);
  const list = servers.data ?? [];
  const listError = formErrors(servers.error, []).form;

  return (
    <div className="settings-tool-servers" data-testid="settings-tool-servers">
      <div className="section-header">
        <div>
          <h2>Tool servers</h2>
          <p className="muted">
            Give your agents tools from other programs: any MCP server, started on this computer or
            reached over HTTP. Pick the tools per agent in its editor. Tools that may change or
            remove something ask you before they run.
          </p>
        </div>
        <Button
          variant="primary"
          icon={<Plus size={15} />}
          onClick={() => setEditing("new")}
          data-testid="tool-server-add"
        >
          Add server
        </Button>
      </div>

      {servers.isPending ? (
        <div className="centered-block">
          <Spinner size={18} label="Loading tool servers" />
        </div>
      ) : servers.isError ? (
        <Alert tone="error">
          {listError}{" "}
          <button type="button" className="link" onClick={() => void servers.refetch()}>
            Try again
          </button>
        </Alert>
      ) : list.length === 0 ? (
        <div className="settings-section tool-server-empty" data-testid="tool-server-empty">
          <p>No tool servers yet.</p>
          <p className="muted small">
            For example, the reference file server:{" "}
            <code>npx -y @modelcontextprotocol/server-filesystem ~/Documents</code>
          </p>
        </div>
      ) : (
        <ul className="tool-server-list" aria-label="Tool servers">
          {list.map((server) => (
            <ServerCard
              key={server.id}
              server={server}
              onEdit={() => setEditing(server)}
              onRemove={() => setRemoving(server)}
            />
          ))}
        </ul>
      )}

      {editing && (
        <ServerDialog
          server={editing === "new" ? null : editing}
          taken={list.map((server) => server.name)}
          onClose={() => setEditing(null)}
        />
      )}
      <RemoveDialog server={removing} onClose={() => setRemoving(null)} />
    </div>
  );
}

function ServerCard({
  server,
  onEdit,
  onRemove,
}: {
  server: McpServer;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const connect = useConnectMcpServer();
  const nameId = useId();
  const connectError = formErrors(connect.error, []).form;
  const running = server.status.state === "running";
  return (
    <li
      className="tool-server settings-section"
      aria-labelledby={nameId}
      data-testid="tool-server"
      data-name={server.name}
      data-state={server.enabled ? server.status.state : "off"}
    >
      <div className="tool-server-head">
        <span className="mcp-token-icon" aria-hidden>
          {server.transport.kind === "http" ? <Globe size={16} /> : <Terminal size={16} />}
        </span>
        <div className="tool-server-info">
          <div className="mcp-token-title">
            <h3 id={nameId} className="mcp-token-name">
              {server.name}
            </h3>
            <StatusBadge server={server} />
          </div>
          <code className="tool-server-launch" title={describeTransport(server.transport)}>
            {describeTransport(server.transport)}
          </code>
          {server.variableNames.length > 0 && (
            <span className="muted small">
              {server.transport.kind === "http" ? "Headers" : "Environment"}:{" "}
              {server.variableNames.join(", ")}
            </span>
          )}
        </div>
        <div className="tool-server-actions">
          {server.enabled && (
            <Button
              size="sm"
              icon={<RefreshCw size={13} />}
              loading={connect.isPending}
              onClick={() => connect.mutate(server.id)}
              data-testid="tool-server-connect"
            >
              {running ? "Restart" : "Connect"}
            </Button>
          )}
          <Button size="sm" variant="ghost" onClick={onEdit} data-testid="tool-server-edit">
            Edit
          </Button>
          <IconButton
            label={`Remove ${server.name}`}
            onClick={onRemove}
            data-testid="tool-server-remove"
          >
            <Trash2 size={15} />
          </IconButton>
        </div>
      </div>

      {connectError && <Alert tone="error">{connectError}</Alert>}
      <Problem status={server.status} />

      {server.tools.length > 0 ? (
        <ul className="tool-server-tools" aria-label={`Tools of ${server.name}`}>
          {server.tools.map((tool) => (
            <li key={tool.name} className="tool-server-tool" title={tool.description}>
              <span data-testid="tool-server-tool" data-tool={tool.name}>
                {tool.title}
              </span>
              {tool.hints.destructive && (
                <ShieldAlert size={12} aria-label="Asks first" className="tool-server-asks" />
              )}
            </li>
          ))}
        </ul>
      ) : (
        server.enabled && (
          <p className="muted small">
            No tools listed yet. Connect to start it and see what it offers.
          </p>
        )
      )}
    </li>
  );
}

function Problem({ status }: { status: ServerStatus }) {
  if (status.state !== "failed") return null;
  return (
    <div className="tool-server-problem" data-testid="tool-server-problem">
      <Alert tone="error">{status.message}</Alert>
      {status.stderr && (
        <details open>
          <summary className="small">What the server wrote</summary>
          <pre className="tool-server-stderr" data-testid="tool-server-stderr">
            {status.stderr}
          </pre>
        </details>
      )}
    </div>
  );
}

type VariableRow = {
  key: number;
  name: string;
  value: string;
  /** The row names a value already stored: an empty value keeps it. */
  stored: boolean;
};

type Kind = McpServerTransport["kind"];

function ServerDialog({
  server,
  taken,
  onClose,
}: {
  server: McpServer | null;
  taken: readonly string[];
  onClose: () => void;
}) {
  const create = useCreateMcpServer();
  const update = useUpdateMcpServer();
  const connect = useConnectMcpServer();
  const [kind, setKind] = useState<Kind>(server?.transport.kind ?? "stdio");
  const [name, setName] = useState(server?.name ?? "");
  const [command, setCommand] = useState(
    server?.transport.kind === "stdio" ? server.transport.command : "",
  );
  const [args, setArgs] = useState(
    server?.transport.kind === "stdio" ? server.transport.args.join("\n") : "",
  );
  const [url, setUrl] = useState(server?.transport.kind === "http" ? server.transport.url : "");
  const [enabled, setEnabled] = useState(server?.enabled ?? true);
  const [rows, setRows] = useState<VariableRow[]>(
    (server?.variableNames ?? []).map((variable, key) => ({
      key,
      name: variable,
      value: "",
      stored: true,
    })),
  );
  const saving = server ? update : create;
  const errors = formErrors(saving.error, FIELDS);
  const duplicate = !server && taken.includes(name.trim());

  const transport = (): McpServerTransport =>
    kind === "http" ? { kind, url } : { kind, command, args: argsFromText(args) };
  const variables = (): McpServerVariable[] =>
    rows
      .filter((row) => row.name.trim() !== "" || row.value !== "")
      .map((row) => ({ name: row.name, value: row.stored && row.value === "" ? null : row.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (server) {
      update.mutate(
        { id: server.id, patch: { transport: transport(), variables: variables(), enabled } },
        { onSuccess: onClose },
      );
    } else {
      create.mutate(
        { name: name.trim(), transport: transport(), variables: variables() },
        {
          onSuccess: (made) => {
            onClose();
            // Started at once, so its tools (or why it fails) show straight away.
            connect.mutate(made.id);
          },
        },
      );
    }
  };

  const setRow = (key: number, patch: Partial<VariableRow>) =>
    setRows((old) => old.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const variableWord = kind === "http" ? "header" : "environment variable";

  return (
    <Dialog
      open
      size="md"
      title={server ? `Edit ${server.name}` : "Add a tool server"}
      description="An MCP server whose tools your agents may use."
      onClose={onClose}
      testId="tool-server-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            type="submit"
            form="tool-server-form"
            variant="primary"
            loading={saving.isPending}
            data-testid="tool-server-save"
          >
            {server ? "Save" : "Add and connect"}
          </Button>
        </>
      }
    >
      <form id="tool-server-form" className="form" onSubmit={submit} noValidate>
        <TextField
          label="Name"
          name="name"
          value={name}
          disabled={server !== null}
          autoFocus={server === null}
          autoComplete="off"
          placeholder="files"
          onChange={(event) => setName(event.target.value.toLowerCase())}
          error={
            errors.fields.name ??
            (duplicate ? "You already have a server with this name." : undefined)
          }
          hint="Lowercase letters, digits and dashes. Its tools are called name__tool."
          data-testid="tool-server-name"
        />
        <SegmentedControl
          name="kind"
          label="How the app reaches it"
          value={kind}
          onChange={setKind}
          options={[
            {
              value: "stdio",
              label: "Program on this computer",
              icon: <Terminal size={14} />,
              testId: "tool-server-kind-stdio",
            },
            {
              value: "http",
              label: "HTTP address",
              icon: <Globe size={14} />,
              testId: "tool-server-kind-http",
            },
          ]}
        />
        {kind === "stdio" ? (
          <>
            <TextField
              label="Command"
              name="command"
              value={command}
              placeholder="npx"
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => setCommand(event.target.value)}
              error={errors.fields.command}
              hint="The program to start: a name on your PATH or a full path."
              data-testid="tool-server-command"
            />
            <TextAreaField
              label="Arguments"
              name="args"
              rows={3}
              value={args}
              spellCheck={false}
              placeholder={"-y\n@modelcontextprotocol/server-filesystem\n/home/me/Documents"}
              onChange={(event) => setArgs(event.target.value)}
              error={errors.fields.args}
              hint="One per line, as they are (no quoting needed)."
              data-testid="tool-server-args"
            />
          </>
        ) : (
          <TextField
            label="Address"
            name="url"
            type="url"
            value={url}
            placeholder="https://example.com/mcp"
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setUrl(event.target.value)}
            error={errors.fields.url}
            data-testid="tool-server-url"
          />
        )}

        <fieldset className="field tool-server-variables">
          <legend className="field-label">
            {kind === "http" ? "Headers" : "Environment variables"}
          </legend>
          <p className="field-hint">
            Tokens and settings the server needs. Values are kept in your system keychain, never in
            the app's files.
          </p>
          {rows.map((row) => (
            <div className="tool-server-variable" key={row.key} data-testid="tool-server-variable">
              <input
                className="input"
                aria-label={`Name of the ${variableWord}`}
                value={row.name}
                placeholder={kind === "http" ? "Authorization" : "API_TOKEN"}
                spellCheck={false}
                autoComplete="off"
                onChange={(event) => setRow(row.key, { name: event.target.value, stored: false })}
                data-testid="tool-server-variable-name"
              />
              <input
                className="input"
                aria-label={`Value of ${row.name || `the ${variableWord}`}`}
                type="password"
                value={row.value}
                placeholder={row.stored ? VALUE_PLACEHOLDER : "Value"}
                autoComplete="off"
                onChange={(event) => setRow(row.key, { value: event.target.value })}
                data-testid="tool-server-variable-value"
              />
              <IconButton
                label={`Remove ${row.name || `this ${variableWord}`}`}
                onClick={() => setRows((old) => old.filter((item) => item.key !== row.key))}
              >
                <X size={14} />
              </IconButton>
            </div>
          ))}
          <div>
            <Button
              size="sm"
              variant="ghost"
              icon={<Plus size={13} />}
              onClick={() =>
                setRows((old) => [
                  ...old,
                  {
                    key: Math.max(0, ...old.map((row) => row.key + 1)),
                    name: "",
                    value: "",
                    stored: false,
                  },
                ])
              }
              data-testid="tool-server-variable-add"
            >
              Add {variableWord}
            </Button>
          </div>
          {errors.fields.variables && (
            <p className="field-error" data-testid="field-error-variables">
              {errors.fields.variables}
            </p>
          )}
        </fieldset>

        {server && (
          <Checkbox
            label="Switched on (off: never started, its tools not offered)"
            checked={enabled}
            onChange={(event) => setEnabled(event.target.checked)}
            data-testid="tool-server-enabled"
          />
        )}
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
      </form>
    </Dialog>
  );
}

function RemoveDialog({ server, onClose }: { server: McpServer | null; onClose: () => void }) {
  const remove = useDeleteMcpServer();
  const error = formErrors(remove.error, []).form;
  return (
    <Dialog
      open={server !== null}
      title={`Remove ${server?.name ?? ""}?`}
      description="It is stopped and its tools leave every agent. Its stored values are deleted."
      onClose={onClose}
      testId="tool-server-remove-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            onClick={() => server && remove.mutate(server.id, { onSuccess: onClose })}
            data-testid="tool-server-remove-confirm"
          >
            Remove
          </Button>
        </>
      }
    >
      {error ? <Alert tone="error">{error}</Alert> : <span />}
    </Dialog>
  );
}
