import { useId, useState, type FormEvent } from "react";
import { Copy, Lock, Plus, ShieldAlert, Trash2, Users } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Dialog,
  IconButton,
  SegmentedControl,
  SelectField,
  Spinner,
  TextAreaField,
  TextField,
  type SelectOption,
} from "../../components/ui";
import { formErrors, type FormErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import { useProviderModels, useProviders, type ProviderConnection } from "../providers/api";
import {
  useCreateAgent,
  useDuplicateAgent,
  useTools,
  useUpdateAgent,
  type Agent,
  type AgentInput,
  type AgentStarter,
  type AgentVisibility,
  type ToolInfo,
} from "./api";
import { AGENT_COLORS, AGENT_ICONS, AgentIconGlyph, iconLabel } from "./appearance";

/** The inputs of this form, named as the contract names them (the backend's `field`). */
const FIELDS = [
  "name",
  "description",
  "color",
  "icon",
  "systemPrompt",
  "connectionId",
  "model",
  "temperature",
  "maxTokens",
  "contextWindow",
  "tools",
  "starters",
  "visibility",
] as const;

/**
 * What the form holds: numbers as typed, "" for "use the default". Number fields are text
 * inputs so that a typo is reported instead of silently read as empty (as type=number does).
 */
type Values = {
  name: string;
  description: string;
  color: string;
  icon: string;
  systemPrompt: string;
  connectionId: string;
  model: string;
  temperature: string;
  maxTokens: string;
  contextWindow: string;
  tools: string[];
  starters: AgentStarter[];
  visibility: AgentVisibility;
};

const NEW_AGENT: Values = {
  name: "",
  description: "",
  color: "blue",
  icon: "bot",
  systemPrompt: "You are a helpful assistant.",
  connectionId: "",
  model: "",
  temperature: "",
  maxTokens: "",
  contextWindow: "",
  tools: [],
  starters: [],
  visibility: "private",
};

function valuesOf(agent: Agent): Values {
  const text = (value: number | null) => (value === null ? "" : String(value));
  return {
    name: agent.name,
    description: agent.description,
    color: agent.color,
    icon: agent.icon,
    systemPrompt: agent.systemPrompt,
    connectionId: agent.connectionId ?? "",
    model: agent.model ?? "",
    temperature: text(agent.temperature),
    maxTokens: text(agent.maxTokens),
    contextWindow: text(agent.contextWindow),
    tools: agent.tools,
    starters: agent.starters,
    visibility: agent.visibility,
  };
}

/** The input to send, or the fields whose numbers do not read as numbers. */
function inputOf(values: Values): { input: AgentInput } | { invalid: Record<string, string> } {
  const invalid: Record<string, string> = {};
  const number = (field: keyof Values, raw: string, whole: boolean): number | null => {
    const trimmed = raw.trim();
    if (trimmed === "") return null;
    const value = Number(trimmed);
    if (!Number.isFinite(value) || (whole && !Number.isInteger(value))) {
      invalid[field] = whole
        ? "Enter a whole number, or leave it empty."
        : "Enter a number, or leave it empty.";
      return null;
    }
    return value;
  };
  const input: AgentInput = {
    name: values.name.trim(),
    description: values.description.trim(),
    color: values.color,
    icon: values.icon,
    systemPrompt: values.systemPrompt,
    connectionId: values.connectionId === "" ? null : values.connectionId,
    model: values.model.trim() === "" ? null : values.model.trim(),
    temperature: number("temperature", values.temperature, false),
    maxTokens: number("maxTokens", values.maxTokens, true),
    contextWindow: number("contextWindow", values.contextWindow, true),
    tools: values.tools,
    // A starter left completely empty is a row added by mistake, not an error.
    starters: values.starters
      .map((starter) => ({ title: starter.title.trim(), prompt: starter.prompt }))
      .filter((starter) => starter.title !== "" || starter.prompt.trim() !== ""),
    visibility: values.visibility,
  };
  return Object.keys(invalid).length > 0 ? { invalid } : { input };
}

/** Errors by field; one about a single starter (`starters[2].prompt`) shows under the starters. */
function editorErrors(error: unknown): FormErrors {
  if (isAppError(error) && error.field?.startsWith("starters")) {
    return { fields: { starters: error.message }, form: null };
  }
  return formErrors(error, FIELDS);
}

export type EditorTarget = { agent: Agent | null };

/**
 * Creates (`agent` null), edits, or — for an agent the profile may not change — shows an agent
 * read-only with Duplicate in place of Save.
 */
export function AgentEditor({
  target,
  onClose,
  onSaved,
  onDuplicated,
}: {
  target: EditorTarget | null;
  onClose: () => void;
  onSaved: (agent: Agent, created: boolean) => void;
  onDuplicated: (copy: Agent) => void;
}) {
  const agent = target?.agent ?? null;
  const readOnly = agent !== null && !agent.canEdit;
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      size="lg"
      title={agent === null ? "New agent" : readOnly ? agent.name : `Edit ${agent.name}`}
      description={
        readOnly
          ? `Shared by ${agent.ownerName}. Only its owner or an administrator can change it; duplicate it to make your own copy.`
          : agent?.builtIn
            ? "The built-in assistant that manages your tasks. You can change it, but not archive it."
            : undefined
      }
      testId="agent-editor"
    >
      {target && (
        <EditorForm
          // A different agent starts from its own values.
          key={agent?.id ?? "new"}
          agent={agent}
          readOnly={readOnly}
          onClose={onClose}
          onSaved={onSaved}
          onDuplicated={onDuplicated}
        />
      )}
    </Dialog>
  );
}

function EditorForm({
  agent,
  readOnly,
  onClose,
  onSaved,
  onDuplicated,
}: {
  agent: Agent | null;
  readOnly: boolean;
  onClose: () => void;
  onSaved: (agent: Agent, created: boolean) => void;
  onDuplicated: (copy: Agent) => void;
}) {
  const create = useCreateAgent();
  const update = useUpdateAgent();
  const duplicate = useDuplicateAgent();
  const save = agent ? update : create;
  const [values, setValues] = useState<Values>(() => (agent ? valuesOf(agent) : NEW_AGENT));
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const backend = editorErrors(save.error ?? duplicate.error);
  const errors: FormErrors = { fields: { ...backend.fields, ...invalid }, form: backend.form };
  const change = (patch: Partial<Values>) => setValues((current) => ({ ...current, ...patch }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (readOnly) return;
    const result = inputOf(values);
    if ("invalid" in result) {
      setInvalid(result.invalid);
      return;
    }
    setInvalid({});
    if (agent) {
      update.mutate(
        { id: agent.id, input: result.input },
        { onSuccess: (saved) => onSaved(saved, false) },
      );
    } else {
      create.mutate(result.input, { onSuccess: (saved) => onSaved(saved, true) });
    }
  };

  return (
    <form className="form agent-form" onSubmit={onSubmit} noValidate>
      <fieldset className="agent-form-fields" disabled={readOnly}>
        <div className="agent-form-identity">
          <TextField
            label="Name"
            name="name"
            autoFocus={!readOnly}
            value={values.name}
            onChange={(event) => change({ name: event.target.value })}
            error={errors.fields.name}
            placeholder="Trip planner"
          />
          <TextField
            label="Description"
            name="description"
            value={values.description}
            onChange={(event) => change({ description: event.target.value })}
            error={errors.fields.description}
            placeholder="What it is good at, in a line"
          />
        </div>
        <AppearancePicker
          color={values.color}
          icon={values.icon}
          onChange={change}
          colorError={errors.fields.color}
          iconError={errors.fields.icon}
        />
        <TextAreaField
          label="System prompt"
          name="systemPrompt"
          rows={6}
          value={values.systemPrompt}
          onChange={(event) => change({ systemPrompt: event.target.value })}
          error={errors.fields.systemPrompt}
          hint="How the agent should behave. It is sent before every conversation."
        />
        <ModelFields values={values} onChange={change} errors={errors} />
        <ToolsField
          tools={values.tools}
          onChange={(tools) => change({ tools })}
          error={errors.fields.tools}
        />
        <StartersEditor
          starters={values.starters}
          onChange={(starters) => change({ starters })}
          error={errors.fields.starters}
        />
        <div className="field">
          <span className="field-label" aria-hidden>
            Who can use it
          </span>
          <SegmentedControl<AgentVisibility>
            name="visibility"
            label="Who can use it"
            value={values.visibility}
            onChange={(visibility) => change({ visibility })}
            options={[
              {
                value: "private",
                label: "Only me",
                icon: <Lock size={14} />,
                testId: "visibility-private",
              },
              {
                value: "shared",
                label: "Everyone on this computer",
                icon: <Users size={14} />,
                testId: "visibility-shared",
              },
            ]}
          />
          {errors.fields.visibility ? (
            <p className="field-error" data-testid="field-error-visibility">
              {errors.fields.visibility}
            </p>
          ) : (
            <p className="field-hint">
              Shared agents can be used and duplicated by the other profiles, but only you (or an
              administrator) can change them.
            </p>
          )}
        </div>
      </fieldset>

      {errors.form && <Alert tone="error">{errors.form}</Alert>}

      <div className="form-actions agent-form-actions">
        {readOnly && agent ? (
          <>
            <Button onClick={onClose}>Close</Button>
            <Button
              variant="primary"
              icon={<Copy size={15} />}
              loading={duplicate.isPending}
              onClick={() => duplicate.mutate(agent.id, { onSuccess: onDuplicated })}
              data-testid="agent-duplicate"
            >
              Duplicate
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              type="submit"
              variant="primary"
              loading={save.isPending}
              data-testid="agent-save"
            >
              {agent ? "Save" : "Create agent"}
            </Button>
          </>
        )}
      </div>
    </form>
  );
}

function AppearancePicker({
  color,
  icon,
  onChange,
  colorError,
  iconError,
}: {
  color: string;
  icon: string;
  onChange: (patch: Partial<Values>) => void;
  colorError?: string;
  iconError?: string;
}) {
  return (
    <div className="agent-appearance">
      <fieldset className="field picker">
        <legend className="field-label">Colour</legend>
        <div className="swatches" role="radiogroup" aria-label="Colour">
          {AGENT_COLORS.map((option) => (
            <label key={option} className={`swatch agent-color-${option}`} title={option}>
              <input
                type="radio"
                name="color"
                value={option}
                checked={color === option}
                onChange={() => onChange({ color: option })}
                aria-label={option}
              />
              <span className="swatch-face" />
            </label>
          ))}
        </div>
        {colorError && <p className="field-error">{colorError}</p>}
      </fieldset>
      <fieldset className="field picker">
        <legend className="field-label">Icon</legend>
        <div className={`icon-choices agent-color-${color}`} role="radiogroup" aria-label="Icon">
          {AGENT_ICONS.map((option) => (
            <label key={option} className="icon-choice" title={iconLabel(option)}>
              <input
                type="radio"
                name="icon"
                value={option}
                checked={icon === option}
                onChange={() => onChange({ icon: option })}
                aria-label={iconLabel(option)}
              />
              <span className="icon-choice-face">
                <AgentIconGlyph icon={option} size={16} />
              </span>
            </label>
          ))}
        </div>
        {iconError && <p className="field-error">{iconError}</p>}
      </fieldset>
    </div>
  );
}

function connectionOptions(
  connections: readonly ProviderConnection[],
  current: string,
): SelectOption[] {
  const options: SelectOption[] = [{ value: "", label: "Default connection" }];
  for (const connection of connections) {
    options.push({
      value: connection.id,
      label: connection.isDefault ? `${connection.name} (your default)` : connection.name,
    });
  }
  // A shared agent may name its owner's connection, or one since removed.
  if (current !== "" && !connections.some((connection) => connection.id === current)) {
    options.push({ value: current, label: "A connection you do not have" });
  }
  return options;
}

function ModelFields({
  values,
  onChange,
  errors,
}: {
  values: Values;
  onChange: (patch: Partial<Values>) => void;
  errors: FormErrors;
}) {
  const providers = useProviders();
  const connections = providers.data ?? [];
  const connection =
    connections.find((item) => item.id === values.connectionId) ??
    (values.connectionId === "" ? connections.find((item) => item.isDefault) : undefined);
  // Listing models is a request to the provider: only once the person goes to the field.
  const [wantModels, setWantModels] = useState(false);
  const models = useProviderModels(connection?.id ?? "", wantModels && connection !== undefined);
  const listId = useId();

  return (
    <>
      <div className="form-grid">
        <SelectField
          label="Provider connection"
          name="connectionId"
          options={connectionOptions(connections, values.connectionId)}
          value={values.connectionId}
          onChange={(event) => onChange({ connectionId: event.target.value })}
          error={errors.fields.connectionId}
          hint={connections.length === 0 ? "Add one in Settings → Providers." : undefined}
        />
        <TextField
          label="Model"
          name="model"
          list={listId}
          autoComplete="off"
          spellCheck={false}
          value={values.model}
          onFocus={() => setWantModels(true)}
          onChange={(event) => onChange({ model: event.target.value })}
          error={errors.fields.model}
          placeholder={
            connection?.defaultModel
              ? `Default: ${connection.defaultModel}`
              : "The connection's default"
          }
        />
        <datalist id={listId}>
          {models.data?.map((model) => (
            <option key={model.id} value={model.id} />
          ))}
        </datalist>
      </div>
      <div className="form-grid agent-numbers">
        <TextField
          label="Temperature"
          name="temperature"
          inputMode="decimal"
          value={values.temperature}
          onChange={(event) => onChange({ temperature: event.target.value })}
          error={errors.fields.temperature}
          placeholder="Provider default"
          hint="0 is focused, 2 is adventurous."
        />
        <TextField
          label="Max answer tokens"
          name="maxTokens"
          inputMode="numeric"
          value={values.maxTokens}
          onChange={(event) => onChange({ maxTokens: event.target.value })}
          error={errors.fields.maxTokens}
          placeholder="Default"
        />
        <TextField
          label="Context window"
          name="contextWindow"
          inputMode="numeric"
          value={values.contextWindow}
          onChange={(event) => onChange({ contextWindow: event.target.value })}
          error={errors.fields.contextWindow}
          placeholder="From the model"
          hint="In tokens; empty guesses from the model name."
        />
      </div>
    </>
  );
}

/**
 * The tools the agent may call, as checkboxes in the order they are offered. A tool the list
 * does not know (one removed since) is kept as it is rather than silently dropped.
 */
/** The app's own tools first, then each tool server's, in the order they are offered. */
function groupByServer(tools: readonly ToolInfo[]): [string | null, ToolInfo[]][] {
  const groups = new Map<string | null, ToolInfo[]>();
  for (const tool of tools) {
    const group = groups.get(tool.server) ?? [];
    group.push(tool);
    groups.set(tool.server, group);
  }
  return [...groups.entries()];
}

function ToolsField({
  tools,
  onChange,
  error,
}: {
  tools: string[];
  onChange: (tools: string[]) => void;
  error?: string;
}) {
  const list = useTools();
  const offered = list.data ?? [];
  const toggle = (name: string, on: boolean) => {
    const chosen = new Set(tools);
    if (on) chosen.add(name);
    else chosen.delete(name);
    const known = offered.map((tool) => tool.name);
    onChange([
      ...known.filter((item) => chosen.has(item)),
      ...tools.filter((item) => !known.includes(item) && chosen.has(item)),
    ]);
  };
  const listError = formErrors(list.error, []).form;

  return (
    <fieldset className="field agent-tools" data-testid="agent-tools">
      <legend className="field-label">Tools</legend>
      <p className="field-hint">
        What the agent may do in this app for you. Those marked “Asks first” can change or remove
        things: they wait for your approval each time, unless you allow them for this agent.
      </p>
      {list.isPending ? (
        <p className="muted small">
          <Spinner size={12} /> Loading tools…
        </p>
      ) : listError ? (
        <p className="field-error">{listError}</p>
      ) : (
        groupByServer(offered).map(([server, group]) => (
          <div key={server ?? ""} className="agent-tool-group">
            {server && (
              <p className="agent-tool-server" data-testid="agent-tool-server">
                From the tool server <strong>{server}</strong>
              </p>
            )}
            <ul className="boxed-list">
              {group.map((tool) => (
                <li key={tool.name}>
                  <label className="agent-tool">
                    <input
                      type="checkbox"
                      name="tools"
                      value={tool.name}
                      checked={tools.includes(tool.name)}
                      onChange={(event) => toggle(tool.name, event.target.checked)}
                      data-testid="agent-tool"
                      data-tool={tool.name}
                    />
                    <span className="agent-tool-text">
                      <span className="agent-tool-title">
                        {tool.title}
                        <code className="agent-tool-name">{tool.name}</code>
                        {tool.hints.destructive && (
                          <span
                            className="agent-tool-asks"
                            title="Waits for your approval before it runs"
                            data-testid="agent-tool-asks"
                          >
                            <Badge tone="warning">
                              <ShieldAlert size={12} aria-hidden /> Asks first
                            </Badge>
                          </span>
                        )}
                      </span>
                      {tool.description && (
                        <span className="agent-tool-description">{tool.description}</span>
                      )}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
      {error && (
        <p className="field-error" data-testid="field-error-tools">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function StartersEditor({
  starters,
  onChange,
  error,
}: {
  starters: AgentStarter[];
  onChange: (starters: AgentStarter[]) => void;
  error?: string;
}) {
  const set = (index: number, patch: Partial<AgentStarter>) =>
    onChange(starters.map((starter, i) => (i === index ? { ...starter, ...patch } : starter)));
  return (
    <fieldset className="field starters-editor">
      <legend className="field-label">Conversation starters</legend>
      <p className="field-hint">
        Shown as chips in a new chat. Write <code>{"{{name}}"}</code> for a blank to fill in, as in
        “Plan a weekend in <code>{"{{city}}"}</code>”.
      </p>
      {starters.map((starter, index) => (
        <div key={index} className="starter-row" data-testid="starter-row">
          <div className="starter-row-fields">
            <input
              className="input input-sm"
              placeholder="Title"
              aria-label={`Starter ${index + 1} title`}
              value={starter.title}
              onChange={(event) => set(index, { title: event.target.value })}
              data-testid="starter-title"
            />
            <textarea
              className="input textarea starter-prompt"
              placeholder="Prompt, e.g. Summarise {{topic}} in five bullet points"
              aria-label={`Starter ${index + 1} prompt`}
              rows={2}
              value={starter.prompt}
              onChange={(event) => set(index, { prompt: event.target.value })}
              data-testid="starter-prompt"
            />
          </div>
          <IconButton
            label={`Remove starter ${index + 1}`}
            className="icon-btn-danger"
            onClick={() => onChange(starters.filter((_, i) => i !== index))}
          >
            <Trash2 size={15} />
          </IconButton>
        </div>
      ))}
      <div>
        <Button
          size="sm"
          variant="ghost"
          icon={<Plus size={14} />}
          onClick={() => onChange([...starters, { title: "", prompt: "" }])}
          data-testid="starter-add"
        >
          Add starter
        </Button>
      </div>
      {error && (
        <p className="field-error" data-testid="field-error-starters">
          {error}
        </p>
      )}
    </fieldset>
  );
}
