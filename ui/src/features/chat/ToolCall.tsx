import { memo, useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { Check, ChevronRight, ShieldCheck, Wrench, X } from "lucide-react";
import { Badge, Button, Spinner } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import {
  useDecideTool,
  type ApprovalDecision,
  type ToolCallStatus,
  type ToolCallView,
} from "./api";
import { formatDuration } from "./format";

type Tone = "accent" | "success" | "danger" | "neutral" | "warning";

const STATUS: Record<ToolCallStatus, { label: string; tone: Tone }> = {
  awaitingApproval: { label: "Waiting for your approval", tone: "warning" },
  running: { label: "Running…", tone: "accent" },
  ok: { label: "Done", tone: "success" },
  error: { label: "Failed", tone: "danger" },
  denied: { label: "Denied", tone: "neutral" },
  cancelled: { label: "Stopped", tone: "neutral" },
  interrupted: { label: "Interrupted", tone: "warning" },
};

/** Longer texts (arguments, results) show their start and a "Show more". */
const CAP_CHARS = 2000;
const CAP_LINES = 40;

/** Pretty-printed when the text is JSON; a JSON string shows as its text; anything else as is. */
export function displayText(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  } catch {
    return text;
  }
}

function capped(text: string): string | null {
  const lines = text.split("\n");
  let cut = text.length > CAP_CHARS ? text.slice(0, CAP_CHARS) : null;
  if (lines.length > CAP_LINES) {
    const byLines = lines.slice(0, CAP_LINES).join("\n");
    if (cut === null || byLines.length < cut.length) cut = byLines;
  }
  return cut;
}

/** A block of monospace text, cut short when very long, with "Show more". */
function LongText({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  const short = capped(text);
  return (
    <div className="tool-call-text">
      <pre>{all || short === null ? text : `${short}…`}</pre>
      {short !== null && (
        <button
          type="button"
          className="link link-subtle"
          aria-expanded={all}
          onClick={() => setAll((shown) => !shown)}
          data-testid="tool-call-more"
        >
          {all ? "Show less" : "Show more"}
        </button>
      )}
    </div>
  );
}

/**
 * Whether a part of the card (arguments, result) is open: `defaultOpen` until the person toggles
 * it. A call that turns into a failure takes its new default (its reason opens).
 */
function usePartOpen(defaultOpen: boolean, failed: boolean): [boolean, () => void] {
  const [toggled, setToggled] = useState<{ failed: boolean; open: boolean } | null>(null);
  const open = toggled?.failed === failed ? toggled.open : defaultOpen;
  return [open, () => setToggled({ failed, open: !open })];
}

function PartToggle({
  label,
  open,
  controls,
  onToggle,
  testId,
}: {
  label: string;
  open: boolean;
  controls: string;
  onToggle: () => void;
  testId: string;
}) {
  return (
    <button
      type="button"
      className="tool-call-toggle"
      aria-expanded={open}
      aria-controls={open ? controls : undefined}
      onClick={onToggle}
      data-testid={testId}
    >
      <ChevronRight size={14} className="tool-call-chevron" aria-hidden />
      {label}
    </button>
  );
}

function PartBody({
  id,
  label,
  text,
  testId,
}: {
  id: string;
  label: string;
  text: string;
  testId: string;
}) {
  return (
    <div id={id} className="tool-call-body" role="group" aria-label={label} data-testid={testId}>
      <span className="tool-call-body-label" aria-hidden>
        {label}
      </span>
      <LongText text={displayText(text)} />
    </div>
  );
}

/** "dueDate" and "due_date" read as "Due date"; "taskIds" as "Task IDs". */
function humanKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .toLowerCase()
    .replace(/\bid(s?)\b/g, "ID$1");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function isPlain(value: unknown): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/** The arguments of a call waiting for approval, as a short list rather than JSON. */
function PlainArguments({ text }: { text: string }) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return <LongText text={text} />;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return <LongText text={displayText(text)} />;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return <p className="muted small">No details.</p>;
  return (
    <dl className="tool-call-args" data-testid="approval-arguments">
      {entries.map(([key, item]) => (
        <div key={key} className="tool-call-arg">
          <dt>{humanKey(key)}</dt>
          <dd>
            {isPlain(item) ? (
              String(item)
            ) : Array.isArray(item) && item.every(isPlain) ? (
              item.map(String).join(", ")
            ) : (
              <LongText text={JSON.stringify(item, null, 2)} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** "Delete tasks" → "delete tasks", to go inside a sentence; "MCP…" stays as it is. */
function inSentence(title: string): string {
  return /^[A-Z][a-z]/.test(title) ? title.charAt(0).toLowerCase() + title.slice(1) : title;
}

const TEXT_INPUTS = new Set(["text", "search", "email", "url", "tel", "password", "number"]);

/** The person is writing something (the composer, an edit): a new card must not take focus. */
function personIsTyping(): boolean {
  if (document.querySelector('[aria-modal="true"]')) return true;
  const active = document.activeElement;
  if (active instanceof HTMLTextAreaElement) return active.value !== "";
  if (active instanceof HTMLInputElement && TEXT_INPUTS.has(active.type)) {
    return active.value !== "";
  }
  return active instanceof HTMLElement && active.isContentEditable;
}

/**
 * The calls whose "Allow once" already had its chance at focus. The transcript is virtualised,
 * so a card scrolled away and back mounts again; it must not pull the focus a second time.
 */
const offeredFocus = new Set<string>();

/** Allow once, always for this agent, or deny: what a destructive call waits for. */
function ApprovalPrompt({ call }: { call: ToolCallView }) {
  const decide = useDecideTool();
  const allowOnce = useRef<HTMLButtonElement>(null);
  const callId = call.id;

  useEffect(() => {
    if (offeredFocus.has(callId)) return;
    offeredFocus.add(callId);
    if (!personIsTyping()) allowOnce.current?.focus();
  }, [callId]);

  const gone = isAppError(decide.error, "NotFound");
  const failure = gone ? null : formErrors(decide.error, []).form;
  // After a decision the buttons stay off until the stream reports the call again.
  const locked = decide.isPending || decide.isSuccess || gone;
  const chosen = decide.isPending ? decide.variables.decision : null;
  const choose = (decision: ApprovalDecision) => {
    if (!locked) decide.mutate({ toolCallId: callId, decision });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Escape") return;
    // Denying is all Escape does here: it must not also stop the answer.
    event.preventDefault();
    event.stopPropagation();
    choose("deny");
  };

  return (
    <div className="tool-call-approval" onKeyDown={onKeyDown} data-testid="tool-call-approval">
      <p className="tool-call-question">
        The assistant wants to {inSentence(call.title)}. Allow it?
      </p>
      <PlainArguments text={call.arguments} />
      <div className="tool-call-actions">
        <Button
          ref={allowOnce}
          size="sm"
          variant="primary"
          icon={<Check size={14} />}
          disabled={locked}
          loading={chosen === "allowOnce"}
          onClick={() => choose("allowOnce")}
          data-testid="approve-once"
        >
          Allow once
        </Button>
        <Button
          size="sm"
          icon={<ShieldCheck size={14} />}
          disabled={locked}
          loading={chosen === "alwaysForAgent"}
          onClick={() => choose("alwaysForAgent")}
          title={`From now on, “${call.title}” runs without asking, for this agent`}
          data-testid="approve-always"
        >
          Always for this agent
        </Button>
        <Button
          size="sm"
          variant="ghost"
          icon={<X size={14} />}
          disabled={locked}
          loading={chosen === "deny"}
          onClick={() => choose("deny")}
          data-testid="approve-deny"
        >
          Deny
        </Button>
      </div>
      {gone && (
        <p className="tool-call-note" role="status" data-testid="approval-error">
          This request is no longer waiting.
        </p>
      )}
      {failure && (
        <p className="tool-call-failure" role="alert" data-testid="approval-error">
          {failure}
        </p>
      )}
    </div>
  );
}

/**
 * One tool call in an answer: what was called, how it went, its arguments and result. A call
 * that waits for the person asks them here (Escape in its buttons denies it).
 */
export const ToolCallCard = memo(function ToolCallCard({ call }: { call: ToolCallView }) {
  const status = STATUS[call.status];
  const waiting = call.status === "awaitingApproval";
  const failed = call.status === "error" || call.status === "denied";
  const titleId = useId();
  const argumentsId = useId();
  const resultId = useId();
  // While it waits, the approval shows the arguments in plain words instead.
  const showArguments = !waiting;
  const hasResult = call.result !== null;
  const [argumentsOpen, toggleArguments] = usePartOpen(false, failed);
  const [resultOpen, toggleResult] = usePartOpen(failed, failed);

  return (
    <section
      className={`tool-call tool-call-is-${call.status}`}
      aria-labelledby={titleId}
      data-testid="tool-call"
      data-status={call.status}
      data-tool={call.tool}
    >
      <header className="tool-call-head">
        <Wrench size={14} className="tool-call-icon" aria-hidden />
        <span className="tool-call-title" id={titleId}>
          {call.title}
        </span>
        <code className="tool-call-name">{call.tool}</code>
        <span className="tool-call-status" data-testid="tool-call-status">
          <Badge tone={status.tone}>
            {call.status === "running" && <Spinner size={10} />}
            {status.label}
          </Badge>
        </span>
        {call.durationMs != null && (
          <span className="tool-call-duration" title="How long it took">
            {formatDuration(call.durationMs)}
          </span>
        )}
      </header>
      {waiting && <ApprovalPrompt call={call} />}
      {(showArguments || hasResult) && (
        <div className="tool-call-toggles">
          {showArguments && (
            <PartToggle
              label="Arguments"
              open={argumentsOpen}
              controls={argumentsId}
              onToggle={toggleArguments}
              testId="tool-call-arguments-toggle"
            />
          )}
          {hasResult && (
            <PartToggle
              label="Result"
              open={resultOpen}
              controls={resultId}
              onToggle={toggleResult}
              testId="tool-call-result-toggle"
            />
          )}
        </div>
      )}
      {showArguments && argumentsOpen && (
        <PartBody
          id={argumentsId}
          label="Arguments"
          text={call.arguments}
          testId="tool-call-arguments"
        />
      )}
      {hasResult && resultOpen && (
        <PartBody id={resultId} label="Result" text={call.result ?? ""} testId="tool-call-result" />
      )}
    </section>
  );
});
