import { useState, type FormEvent } from "react";
import { Sparkles } from "lucide-react";
import { Button, Dialog, Select, TextField } from "../../components/ui";
import type { Agent, AgentStarter } from "../agents/api";
import { AgentAvatar } from "../agents/appearance";
import { fillStarter, starterVariables } from "../agents/starters";

/** The agent a new chat starts with: the one asked for, else the built-in one, else the first. */
export function defaultAgent(agents: readonly Agent[], wanted: string | null): Agent | undefined {
  return (
    agents.find((agent) => agent.id === wanted) ??
    agents.find((agent) => agent.builtIn) ??
    agents[0]
  );
}

/** Chooses the agent of a new chat. */
export function AgentPicker({
  agents,
  value,
  onChange,
}: {
  agents: readonly Agent[];
  value: string | null;
  onChange: (agentId: string) => void;
}) {
  return (
    <Select
      className="select-sm agent-picker"
      aria-label="Agent"
      value={value ?? ""}
      options={agents.map((agent) => ({ value: agent.id, label: agent.name }))}
      onChange={(event) => onChange(event.target.value)}
      disabled={agents.length === 0}
      data-testid="agent-picker"
    />
  );
}

/** An empty chat: who answers, and their conversation starters as chips. */
export function NewChatIntro({
  agent,
  onStarter,
}: {
  agent: Agent | undefined;
  onStarter: (starter: AgentStarter) => void;
}) {
  return (
    <div className="new-chat" data-testid="new-chat-intro">
      {agent ? (
        <>
          <AgentAvatar color={agent.color} icon={agent.icon} size="lg" />
          <h2 className="new-chat-title">{agent.name}</h2>
          {agent.description && <p className="new-chat-description">{agent.description}</p>}
          {agent.starters.length > 0 && (
            <ul className="starter-list" aria-label="Conversation starters">
              {agent.starters.map((starter, index) => (
                <li key={`${index}-${starter.title}`}>
                  <button
                    type="button"
                    className="starter-chip"
                    title={starter.prompt}
                    onClick={() => onStarter(starter)}
                    data-testid="starter-chip"
                  >
                    <Sparkles size={13} aria-hidden />
                    {starter.title}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <>
          <h2 className="new-chat-title">Start a conversation</h2>
          <p className="new-chat-description">Write a message below to begin.</p>
        </>
      )}
    </div>
  );
}

/** Asks for each {{variable}} of a starter, then hands back the filled-in prompt. */
export function StarterDialog({
  starter,
  onClose,
  onFill,
}: {
  starter: AgentStarter | null;
  onClose: () => void;
  onFill: (prompt: string) => void;
}) {
  return (
    <Dialog
      open={starter !== null}
      onClose={onClose}
      title={starter?.title ?? ""}
      description="Fill in the blanks; you can still change the message before sending it."
      testId="starter-dialog"
    >
      {starter && <StarterForm starter={starter} onCancel={onClose} onFill={onFill} />}
    </Dialog>
  );
}

function StarterForm({
  starter,
  onCancel,
  onFill,
}: {
  starter: AgentStarter;
  onCancel: () => void;
  onFill: (prompt: string) => void;
}) {
  const variables = starterVariables(starter.prompt);
  const [values, setValues] = useState<Record<string, string>>({});
  const complete = variables.every((name) => (values[name] ?? "").trim() !== "");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (complete) onFill(fillStarter(starter.prompt, values));
  };

  return (
    <form className="form" onSubmit={submit}>
      {variables.map((name, index) => (
        <TextField
          key={name}
          label={name}
          name={name}
          autoFocus={index === 0}
          value={values[name] ?? ""}
          onChange={(event) => setValues((current) => ({ ...current, [name]: event.target.value }))}
          data-testid="starter-variable"
        />
      ))}
      <div className="form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={!complete} data-testid="starter-fill">
          Use this message
        </Button>
      </div>
    </form>
  );
}
