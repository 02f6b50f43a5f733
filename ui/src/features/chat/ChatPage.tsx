import { startTransition, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Activity, MessageSquarePlus, Search, SearchX } from "lucide-react";
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  IconButton,
  Spinner,
  TextField,
  Toast,
} from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import { useDebounced } from "../../lib/useDebounced";
import { useLatestCallback } from "../../lib/useLatestCallback";
import { useAgents, useAgentsChangedListener, type AgentStarter } from "../agents/api";
import { AgentAvatar } from "../agents/appearance";
import { starterVariables } from "../agents/starters";
import {
  messagesOf,
  threadPatch,
  useChatStream,
  useDeleteThread,
  useLiveState,
  useMessages,
  useRestoreThread,
  useThread,
  useThreadChangedListener,
  useThreads,
  useUpdateThread,
  type Message,
  type Thread,
} from "./api";
import { ActivityPanel } from "./ActivityPanel";
import { Composer } from "./Composer";
import { describeChatError, type ChatFix } from "./describe";
import { preloadMarkdown, preloadMarkdownSoon, type AgentLook } from "./Message";
import { AgentPicker, defaultAgent, NewChatIntro, StarterDialog } from "./NewChat";
import { ProblemNotice } from "./Problem";
import { ThreadList } from "./ThreadList";
import { Transcript } from "./Transcript";
import { useExportThreadMarkdown } from "../exports/api";

export type ChatPageProps = {
  /** Open a new chat with this agent (from the Agents page's Chat button). */
  initialAgentId?: string | null;
  /** Open this conversation (from the quick chat). */
  initialThreadId?: string | null;
  onOpenProviders: () => void;
  onOpenAgents: () => void;
};

/** The draft and error slot of the chat not started yet. */
const NEW = "new";

type ToastState = { id: number; message: string; undo?: () => void };
/** A failed action, shown in the view it happened in, with how to try it again (if any). */
type Problem = { view: string; error: unknown; retry?: () => void };

const ALL_AGENTS = { search: null, includeArchived: false };

/** Conversations on the left, the open one in the middle, its activity on the right. */
export function ChatPage({
  initialAgentId = null,
  initialThreadId = null,
  onOpenProviders,
  onOpenAgents,
}: ChatPageProps) {
  useThreadChangedListener();
  useAgentsChangedListener();
  const chat = useChatStream();
  const [openId, setOpenId] = useState<string | null>(initialThreadId);
  const [pickedAgentId, setPickedAgentId] = useState<string | null>(initialAgentId);
  const [search, setSearch] = useState("");
  const searchText = useDebounced(search.trim(), 200);
  const [archived, setArchived] = useState(false);
  const [activityOpen, setActivityOpen] = useState(false);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [toast, setToast] = useState<ToastState | null>(null);
  const [renaming, setRenaming] = useState<Thread | null>(null);
  const [starter, setStarter] = useState<AgentStarter | null>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  const threads = useThreads({ search: searchText === "" ? null : searchText, archived });
  const agents = useAgents(ALL_AGENTS);
  const thread = useThread(openId);
  // A thread deleted in another window leaves this page on a new chat.
  const threadGone = isAppError(thread.error, "NotFound");
  const threadId = threadGone ? null : openId;
  const messages = useMessages(threadId);
  const liveState = useLiveState(threadId);
  const update = useUpdateThread();
  const remove = useDeleteThread();
  const restore = useRestoreThread();
  const exportMarkdown = useExportThreadMarkdown();

  const view = threadId ?? NEW;
  const draft = drafts[view] ?? "";
  const threadList = useMemo(
    () => threads.data?.pages.flatMap((page) => page.threads) ?? [],
    [threads.data],
  );
  const agentList = agents.data ?? [];
  const newChatAgent = defaultAgent(agentList, pickedAgentId);
  const current = threadId ? thread.data : undefined;
  // The newest answer is being written by another window (or a channel this page lost).
  const newest = messagesOf(messages.data).at(-1);
  const streaming = liveState !== "idle";
  const foreignStreaming = !streaming && newest?.status === "streaming";

  const agentLook: AgentLook = useMemo(
    () =>
      current
        ? { name: current.agentName, color: current.agentColor, icon: current.agentIcon }
        : { name: "Assistant", color: "slate", icon: "bot" },
    [current],
  );

  const setDraft = (key: string, value: string) => setDrafts((all) => ({ ...all, [key]: value }));
  const showToast = (message: string, undo?: () => void) =>
    setToast({ id: Date.now(), message, undo });
  const fail = (viewKey: string, retry?: () => void) => (error: unknown) =>
    setProblem({ view: viewKey, error, retry });

  const openThread = (id: string | null) => {
    setOpenId(id);
    composerRef.current?.focus();
  };

  const send = () => {
    const text = draft.trim();
    if (text === "") return;
    const from = view;
    setDraft(from, "");
    setProblem(null);
    preloadMarkdown();
    let started: string | null = null;
    chat
      .send(
        { threadId, agentId: threadId ? null : (newChatAgent?.id ?? null), text },
        {
          onStarted: (startedThread) => {
            started = startedThread.id;
            // Move to the new thread, unless the person went elsewhere meanwhile. As a
            // transition: mounting the thread's transcript then yields to the frames the answer
            // streams into, instead of taking the frame that "started" arrives in.
            if (from === NEW)
              startTransition(() => setOpenId((now) => (now === null ? startedThread.id : now)));
          },
        },
      )
      .catch((error: unknown) => {
        // Refused before anything was saved: the text goes back to the composer.
        if (started === null) setDrafts((all) => (all[from] ? all : { ...all, [from]: text }));
        setProblem({ view: started ?? from, error });
      });
  };

  const stop = () => {
    chat.cancel(threadId).catch(fail(view));
  };

  const regenerate = () => {
    if (!threadId) return;
    setProblem(null);
    chat.regenerate(threadId).catch(fail(threadId, regenerate));
  };

  const edit = (message: Message, text: string) => {
    if (!threadId) return;
    setProblem(null);
    chat.edit(threadId, message.id, text).catch(fail(threadId, () => edit(message, text)));
  };

  const onFix = (fix: ChatFix) => (fix === "providers" ? onOpenProviders() : onOpenAgents());

  const applyStarter = (chosen: AgentStarter) => {
    if (starterVariables(chosen.prompt).length > 0) {
      setStarter(chosen);
      return;
    }
    setDraft(view, chosen.prompt);
    composerRef.current?.focus();
  };

  const togglePin = (target: Thread) =>
    update.mutate(
      { id: target.id, patch: threadPatch({ pinned: !target.pinned }) },
      { onError: fail(view) },
    );

  const toggleArchive = (target: Thread) => {
    const archive = !target.archived;
    update.mutate(
      { id: target.id, patch: threadPatch({ archived: archive }) },
      {
        onError: fail(view),
        onSuccess: () =>
          showToast(archive ? `Archived “${target.title}”` : `Unarchived “${target.title}”`, () =>
            update.mutate(
              { id: target.id, patch: threadPatch({ archived: !archive }) },
              { onError: fail(view) },
            ),
          ),
      },
    );
  };

  const exportThread = (target: Thread) =>
    exportMarkdown.mutate(
      { threadId: target.id, title: target.title },
      {
        onError: fail(view),
        onSuccess: (file) => {
          if (file) showToast(`Saved “${target.title}” to ${file.path}`);
        },
      },
    );

  const deleteThread = (target: Thread) =>
    remove.mutate(target.id, {
      onError: fail(view),
      onSuccess: () => {
        if (threadId === target.id) setOpenId(null);
        showToast(`Deleted “${target.title}”`, () =>
          restore.mutate(target.id, { onError: fail(view) }),
        );
      },
    });

  // Escape stops the answer being written here, wherever the focus is on this page. Dialogs
  // and inline editors handle their own Escape first.
  const onKeyRef = useRef<(event: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    onKeyRef.current = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || !streaming) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      stop();
    };
  });
  useEffect(preloadMarkdownSoon, []);
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyRef.current(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  // The thread list is memoised: it gets callbacks that stay the same while the answer streams.
  const listActions = {
    onSelect: useLatestCallback((selected: Thread) => openThread(selected.id)),
    fetchNextPage: useLatestCallback(() => void threads.fetchNextPage()),
    onTogglePin: useLatestCallback(togglePin),
    onToggleArchive: useLatestCallback(toggleArchive),
    onDelete: useLatestCallback(deleteThread),
    onExport: useLatestCallback(exportThread),
  };

  const shownProblem = problem?.view === view ? describeChatError(problem.error) : null;
  const listError = formErrors(threads.error, []).form;
  const searching = searchText !== "";
  const title = current?.title || (threadId ? "" : "New chat");

  return (
    <div
      className={["chat", activityOpen && "chat-with-activity"].filter(Boolean).join(" ")}
      data-testid="chat"
    >
      <nav className="chat-threads" aria-label="Conversations">
        <div className="chat-threads-top">
          <Button
            variant="primary"
            block
            icon={<MessageSquarePlus size={16} />}
            onClick={() => openThread(null)}
            data-testid="new-chat"
          >
            New chat
          </Button>
          <div className="search-field chat-search">
            <Search size={15} aria-hidden />
            <input
              type="search"
              className="input input-sm"
              placeholder="Search conversations"
              aria-label="Search conversations"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === "Escape" && search) {
                  event.preventDefault();
                  setSearch("");
                }
              }}
              data-testid="thread-search"
            />
          </div>
        </div>
        {listError && (
          <Alert tone="error">
            {listError}{" "}
            <button type="button" className="link" onClick={() => void threads.refetch()}>
              Try again
            </button>
          </Alert>
        )}
        {threads.isPending ? (
          <div className="centered-block">
            <Spinner size={18} label="Loading conversations" />
          </div>
        ) : threadList.length === 0 && !threads.isError ? (
          <div className="thread-empty" data-testid="thread-empty">
            {searching ? (
              <>
                <SearchX size={18} aria-hidden />
                No conversations match “{searchText}”.
              </>
            ) : archived ? (
              "No archived conversations."
            ) : (
              "Your conversations will be listed here."
            )}
          </div>
        ) : (
          <ThreadList
            threads={threadList}
            selectedId={threadId}
            hasNextPage={threads.hasNextPage}
            isFetchingNextPage={threads.isFetchingNextPage}
            onRename={setRenaming}
            {...listActions}
          />
        )}
        <div className="chat-threads-foot">
          <Checkbox
            label="Show archived"
            checked={archived}
            onChange={(event) => setArchived(event.target.checked)}
            data-testid="thread-archived-toggle"
          />
        </div>
      </nav>

      <section className="chat-main" aria-label="Conversation">
        <header className="chat-header">
          {current ? (
            <AgentAvatar color={current.agentColor} icon={current.agentIcon} size="md" />
          ) : newChatAgent && !threadId ? (
            <AgentAvatar color={newChatAgent.color} icon={newChatAgent.icon} size="md" />
          ) : null}
          <div className="chat-header-text">
            <h2 className="chat-title" data-testid="chat-title">
              {title}
            </h2>
            <span className="chat-subtitle">
              {current?.agentName ?? (threadId ? "" : newChatAgent?.name)}
            </span>
          </div>
          <IconButton
            label={activityOpen ? "Hide activity" : "Show activity"}
            aria-pressed={activityOpen}
            onClick={() => setActivityOpen((open) => !open)}
            data-testid="activity-toggle"
          >
            <Activity size={16} />
          </IconButton>
        </header>

        {threadId ? (
          <Transcript
            key={threadId}
            threadId={threadId}
            agent={agentLook}
            busy={streaming || foreignStreaming}
            onRegenerate={regenerate}
            onEdit={edit}
            onFix={onFix}
          />
        ) : (
          <div className="transcript-wrap">
            <NewChatIntro agent={newChatAgent} onStarter={applyStarter} />
          </div>
        )}

        <div className="chat-bottom">
          {shownProblem && (
            <ProblemNotice
              problem={shownProblem}
              onFix={onFix}
              // A refused send needs no Retry: its text is back in the composer.
              onRetry={problem?.retry && !streaming ? problem.retry : undefined}
            />
          )}
          {foreignStreaming && (
            <p className="chat-note" data-testid="chat-foreign-stream">
              An answer is being written in another window.
            </p>
          )}
          <Composer
            value={draft}
            onChange={(value) => setDraft(view, value)}
            onSend={send}
            onStop={stop}
            streaming={streaming}
            stopping={liveState === "stopping"}
            busy={foreignStreaming}
            placeholder={`Message ${current?.agentName ?? newChatAgent?.name ?? "the assistant"}…`}
            textareaRef={composerRef}
            leading={
              threadId === null ? (
                <AgentPicker
                  agents={agentList}
                  value={newChatAgent?.id ?? null}
                  onChange={setPickedAgentId}
                />
              ) : undefined
            }
          />
        </div>
      </section>

      {activityOpen && <ActivityPanel threadId={threadId} onClose={() => setActivityOpen(false)} />}

      {toast && (
        <Toast
          key={toast.id}
          message={toast.message}
          actionLabel={toast.undo ? "Undo" : undefined}
          onAction={toast.undo}
          actionTestId="toast-undo"
          onDismiss={() => setToast(null)}
        />
      )}

      <RenameDialog thread={renaming} onClose={() => setRenaming(null)} />

      <StarterDialog
        starter={starter}
        onClose={() => setStarter(null)}
        onFill={(prompt) => {
          setStarter(null);
          setDraft(view, prompt);
          composerRef.current?.focus();
        }}
      />
    </div>
  );
}

function RenameDialog({ thread, onClose }: { thread: Thread | null; onClose: () => void }) {
  return (
    <Dialog
      open={thread !== null}
      onClose={onClose}
      title="Rename conversation"
      testId="thread-rename-dialog"
    >
      {thread && <RenameForm thread={thread} onDone={onClose} />}
    </Dialog>
  );
}

function RenameForm({ thread, onDone }: { thread: Thread; onDone: () => void }) {
  const update = useUpdateThread();
  const [title, setTitle] = useState(thread.title);
  const errors = formErrors(update.error, ["title"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = title.trim();
    if (next === "" || next === thread.title) {
      onDone();
      return;
    }
    update.mutate({ id: thread.id, patch: threadPatch({ title: next }) }, { onSuccess: onDone });
  };
  return (
    <form className="form" onSubmit={submit}>
      <TextField
        label="Title"
        name="title"
        autoFocus
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        error={errors.fields.title}
        data-testid="thread-rename-input"
      />
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      <div className="form-actions">
        <Button onClick={onDone}>Cancel</Button>
        <Button
          type="submit"
          variant="primary"
          loading={update.isPending}
          data-testid="thread-rename-save"
        >
          Rename
        </Button>
      </div>
    </form>
  );
}
