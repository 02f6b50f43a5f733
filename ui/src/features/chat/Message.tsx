import { lazy, memo, Suspense, useMemo, useState } from "react";
import { CirclePause, Pencil, RefreshCw, RotateCcw } from "lucide-react";
import { Badge, Button, CopyButton, IconButton } from "../../components/ui";
import { AgentAvatar } from "../agents/appearance";
import type { Message } from "./api";
import { describeAnswerError, OFFLINE_NOTE, type ChatFix } from "./describe";
import { answerParts, formatCount, fullTime } from "./format";
import { ProblemNotice } from "./Problem";
import { ToolCallCard } from "./ToolCall";

export type AgentLook = { name: string; color: string; icon: string };

/*
 * The Markdown renderer and its highlighter are most of the UI's code by size: they load on
 * first use, so the login screen and the rest of the app start without them. Until they are
 * there, an answer shows as plain text (a React text node, so just as inert).
 */
const loadMarkdown = () => import("../../components/Markdown");
const Markdown = lazy(() => loadMarkdown().then((module) => ({ default: module.Markdown })));

/** How long the chat page is left to settle before the Markdown code is fetched. */
const PRELOAD_AFTER_MS = 1_500;

/**
 * Fetches the Markdown code soon after the chat page opens, while the person reads or types,
 * so that the first answer does not also pay for loading it (about 80 ms here, in the frame in
 * which the answer first shows). Returns the cancel for an effect's cleanup.
 */
export function preloadMarkdownSoon(): () => void {
  const timer = setTimeout(preloadMarkdown, PRELOAD_AFTER_MS);
  return () => clearTimeout(timer);
}

/**
 * Fetches the Markdown code now, if it is not there yet: a message sent before the timer above
 * fired still has its code load while the backend starts the answer, not in the frames the
 * answer streams into.
 */
export function preloadMarkdown(): void {
  void loadMarkdown().catch(() => undefined);
}

function AnswerContent({
  content,
  streaming,
  owner,
}: {
  content: string;
  streaming: boolean;
  owner: string;
}) {
  return (
    <Suspense fallback={<div className="markdown markdown-plain">{content}</div>}>
      <Markdown content={content} streaming={streaming} owner={owner} />
    </Suspense>
  );
}

/** A message the person wrote: shown as typed, with Edit (resend from here) and Copy. */
export const UserMessage = memo(function UserMessage({
  message,
  canEdit,
  onEdit,
}: {
  message: Message;
  canEdit: boolean;
  onEdit: (message: Message, text: string) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);

  if (draft !== null) {
    const save = () => {
      if (draft.trim() === "") return;
      setDraft(null);
      onEdit(message, draft);
    };
    return (
      <article className="message message-user" data-testid="message-user" data-editing>
        <div className="message-edit">
          <textarea
            className="input textarea message-edit-input"
            aria-label="Edit message"
            value={draft}
            autoFocus
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                // Cancels the edit; it must not also stop an answer elsewhere.
                event.preventDefault();
                event.stopPropagation();
                setDraft(null);
              } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                save();
              }
            }}
            data-testid="edit-input"
          />
          <p className="message-edit-note">Later messages are replaced by a new answer.</p>
          <div className="message-edit-actions">
            <Button size="sm" onClick={() => setDraft(null)} data-testid="edit-cancel">
              Cancel
            </Button>
            <Button
              size="sm"
              variant="primary"
              disabled={draft.trim() === "" || !canEdit}
              onClick={save}
              data-testid="edit-save"
            >
              Save &amp; resend
            </Button>
          </div>
        </div>
      </article>
    );
  }

  return (
    <article
      className="message message-user"
      data-testid="message-user"
      data-status={message.status}
      data-message-id={message.id}
    >
      <div className="message-user-text" title={fullTime(message.createdAt)}>
        {message.content}
      </div>
      <div className="message-actions">
        <CopyButton text={message.content} label="Copy message" />
        <IconButton
          label="Edit and resend"
          disabled={!canEdit}
          onClick={() => setDraft(message.content)}
          data-testid="edit-button"
        >
          <Pencil size={14} />
        </IconButton>
      </div>
    </article>
  );
});

/** A model's answer: Markdown, its status, tokens and model, and Regenerate on the last one. */
export const AssistantMessage = memo(function AssistantMessage({
  message,
  agent,
  isLast,
  canRegenerate,
  onRegenerate,
  onFix,
}: {
  message: Message;
  agent: AgentLook;
  isLast: boolean;
  canRegenerate: boolean;
  onRegenerate: () => void;
  onFix: (fix: ChatFix) => void;
}) {
  const streaming = message.status === "streaming";
  const retry = isLast && canRegenerate ? onRegenerate : undefined;
  const parts = useMemo(
    () => answerParts(message.content, message.toolCalls),
    [message.content, message.toolCalls],
  );
  // The answer cannot go on until the person allows or denies a call.
  const paused = streaming && message.toolCalls.some((call) => call.status === "awaitingApproval");
  const toolRunning = message.toolCalls.some((call) => call.status === "running");
  const last = parts.at(-1);
  // Dots while the model is on its way to more text: nothing yet, or after its tools finished.
  const writing = streaming && !paused && !toolRunning && last?.kind !== "text";
  return (
    <article
      className="message message-assistant"
      data-testid="message-assistant"
      data-status={message.status}
      data-message-id={message.id}
      data-paused={paused || undefined}
    >
      <AgentAvatar color={agent.color} icon={agent.icon} size="sm" />
      <div className="message-main">
        <div className="message-author">
          <span>{agent.name}</span>
          {message.status === "cancelled" && (
            <span data-testid="message-stopped">
              <Badge>Stopped</Badge>
            </span>
          )}
        </div>
        {parts.length > 0 && (
          <div className="message-content">
            {parts.map((part, index) => {
              if (part.kind === "tools") {
                return (
                  <div key={`tools-${part.position}`} className="tool-calls">
                    {part.calls.map((call) => (
                      <ToolCallCard key={call.id} call={call} />
                    ))}
                  </div>
                );
              }
              // Only the text still growing is the streaming tail; text before a call is done.
              const tail = streaming && !paused && index === parts.length - 1;
              if (part.text.trim() === "" && !tail) return null;
              return (
                <div
                  key={`text-${part.start}`}
                  className={tail ? "message-text message-streaming" : "message-text"}
                >
                  <AnswerContent content={part.text} streaming={tail} owner={message.id} />
                </div>
              );
            })}
          </div>
        )}
        {writing && (
          <div className="typing" aria-label="Writing" data-testid="message-typing">
            <span />
            <span />
            <span />
          </div>
        )}
        {paused && (
          <p className="message-paused" role="status" data-testid="message-paused">
            <CirclePause size={15} aria-hidden />
            Paused — waiting for you to allow or deny the request above.
          </p>
        )}

        {message.status === "interrupted" && (
          <div className="message-interrupted" data-testid="message-interrupted">
            <span>Interrupted — the app stopped before this answer was finished.</span>
            {retry && (
              <Button
                size="sm"
                icon={<RotateCcw size={13} />}
                onClick={retry}
                data-testid="retry-button"
              >
                Retry
              </Button>
            )}
          </div>
        )}
        {message.status === "error" && (
          <ProblemNotice
            problem={describeAnswerError(message.errorKind, message.errorMessage)}
            onFix={onFix}
            onRetry={retry}
            testId="message-error"
          />
        )}

        {!streaming && (
          <div className="message-footer">
            <span className="message-meta" data-testid="message-meta">
              {message.offline && (
                <span className="offline-badge" title={OFFLINE_NOTE} data-testid="offline-badge">
                  <Badge tone="warning">Offline mode</Badge>
                  <span className="visually-hidden">{OFFLINE_NOTE}</span>
                </span>
              )}
              {message.model && <span className="message-model">{message.model}</span>}
              {message.tokensIn != null && (
                <span title="Tokens sent to the model">{formatCount(message.tokensIn)} in</span>
              )}
              {message.tokensOut != null && (
                <span title="Tokens in the answer">{formatCount(message.tokensOut)} out</span>
              )}
            </span>
            <span className="message-actions">
              {message.content !== "" && <CopyButton text={message.content} label="Copy answer" />}
              {isLast &&
                canRegenerate &&
                (message.status === "complete" || message.status === "cancelled") && (
                  <IconButton
                    label="Regenerate"
                    onClick={onRegenerate}
                    data-testid="regenerate-button"
                  >
                    <RefreshCw size={14} />
                  </IconButton>
                )}
            </span>
          </div>
        )}
      </div>
    </article>
  );
});
