import { useEffect, useRef, useState, type ReactNode } from "react";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { ExternalLink, LockKeyhole, MessageSquarePlus, X } from "lucide-react";
import { BrandMark } from "../../components/BrandMark";
import { ErrorBoundary } from "../../components/ErrorBoundary";
import { Alert, Button, IconButton, Kbd, Spinner } from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import { useFollowTheme } from "../../lib/theme/theme";
import { useAgents, useAgentsChangedListener, type AgentStarter } from "../agents/api";
import {
  useAuthStatus,
  useResyncSession,
  useSessionGuards,
  useUnlock,
  type SessionInfo,
} from "../auth/api";
import {
  useChatStream,
  useLiveState,
  useThread,
  useThreadChangedListener,
  type Message,
} from "../chat/api";
import { Composer } from "../chat/Composer";
import { describeChatError } from "../chat/describe";
import { preloadMarkdown, type AgentLook } from "../chat/Message";
import { AgentPicker, defaultAgent, NewChatIntro } from "../chat/NewChat";
import { ProblemNotice } from "../chat/Problem";
import { Transcript } from "../chat/Transcript";
import {
  hideQuickChat,
  openInMainWindow,
  performDesktopAction,
  useQuickChat,
  useQuickChatShown,
  useSetQuickChat,
} from "./api";

const ALL_AGENTS = { search: null, includeArchived: false };

/**
 * The quick chat window: a small always-on-top window summoned by the global shortcut or the
 * tray. It shares the session with the main window (Rust owns it) and checks it again each
 * time it is shown; Escape hides it.
 */
export function QuickChatApp({ queryClient }: { queryClient: QueryClient }) {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <QuickGate />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}

function QuickGate() {
  useSessionGuards();
  useFollowTheme();
  const status = useAuthStatus();
  const resync = useResyncSession();
  // Bumped each time the window is shown: the input takes the focus again.
  const [shown, setShown] = useState(0);
  useQuickChatShown(() => {
    void resync();
    setShown((count) => count + 1);
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      hideQuickChat();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  const session = status.data?.session ?? null;
  let body;
  if (status.isPending) {
    body = (
      <div className="quick-center">
        <Spinner size={20} label="Starting" />
      </div>
    );
  } else if (!session) {
    body = <QuickSignedOut />;
  } else if (session.locked) {
    body = <QuickUnlock session={session} />;
  } else {
    body = <QuickConversation key={session.profile.id} shown={shown} />;
  }
  return (
    <div className="quick" data-testid="quick-chat">
      {body}
    </div>
  );
}

/** The window's top bar; it drags the frameless window. */
function QuickBar({ children }: { children?: ReactNode }) {
  return (
    <header className="quick-bar" data-tauri-drag-region>
      <BrandMark size={22} />
      {children}
      <span className="quick-bar-space" data-tauri-drag-region />
      <IconButton label="Hide (Esc)" onClick={hideQuickChat} data-testid="quick-hide">
        <X size={16} />
      </IconButton>
    </header>
  );
}

function openMainWindow() {
  performDesktopAction("showWindow")
    .then(hideQuickChat)
    .catch((error: unknown) => console.warn("could not show the main window", error));
}

function QuickSignedOut() {
  return (
    <>
      <QuickBar />
      <div className="quick-center" data-testid="quick-signed-out">
        <p>Sign in to KickStartMyAI to use the quick chat.</p>
        <Button variant="primary" onClick={openMainWindow} icon={<ExternalLink size={15} />}>
          Open KickStartMyAI
        </Button>
      </div>
    </>
  );
}

/** A locked session shows only who is locked and the password field, never data. */
function QuickUnlock({ session }: { session: SessionInfo }) {
  const unlock = useUnlock();
  const errors = formErrors(unlock.error, ["password"]);
  return (
    <>
      <QuickBar />
      <form
        className="quick-center quick-unlock"
        onSubmit={(event) => {
          event.preventDefault();
          unlock.mutate(formValue(event.currentTarget, "password"));
        }}
        noValidate
        data-testid="quick-lock"
      >
        <p className="quick-unlock-title">
          <LockKeyhole size={15} aria-hidden /> {session.profile.displayName} is locked
        </p>
        <input
          className="input"
          type="password"
          name="password"
          aria-label="Password"
          placeholder="Password"
          autoComplete="current-password"
          autoFocus
          aria-invalid={errors.fields.password || errors.form ? true : undefined}
        />
        {(errors.fields.password ?? errors.form) && (
          <Alert tone="error">{errors.fields.password ?? errors.form}</Alert>
        )}
        <Button
          type="submit"
          variant="primary"
          loading={unlock.isPending}
          data-testid="quick-unlock"
        >
          Unlock
        </Button>
      </form>
    </>
  );
}

type Problem = { error: unknown; retry?: () => void };

/** The conversation: the remembered agent and thread, the transcript and the composer. */
function QuickConversation({ shown }: { shown: number }) {
  useThreadChangedListener();
  useAgentsChangedListener();
  const chat = useChatStream();
  const stored = useQuickChat();
  const remember = useSetQuickChat();
  const agents = useAgents(ALL_AGENTS);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  const threadId = stored.data?.threadId ?? null;
  const thread = useThread(threadId);
  const agentList = agents.data ?? [];
  const agent = defaultAgent(agentList, stored.data?.agentId ?? null);
  const liveState = useLiveState(threadId);
  const streaming = liveState !== "idle";

  useEffect(() => {
    composerRef.current?.focus();
    void stored.refetch();
    // Only on being shown again, not when the query object changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown]);

  const look: AgentLook = thread.data
    ? { name: thread.data.agentName, color: thread.data.agentColor, icon: thread.data.agentIcon }
    : {
        name: agent?.name ?? "Assistant",
        color: agent?.color ?? "slate",
        icon: agent?.icon ?? "bot",
      };

  const startOver = (agentId: string | null) => {
    setProblem(null);
    remember.mutate({ agentId, threadId: null });
    composerRef.current?.focus();
  };

  const send = () => {
    const text = draft.trim();
    if (text === "" || !agent) return;
    setDraft("");
    setProblem(null);
    // The Markdown code loads while the backend starts the answer, not in its first frames.
    preloadMarkdown();
    let started = false;
    chat
      .send(
        { threadId, agentId: threadId ? null : agent.id, text },
        {
          onStarted: (startedThread) => {
            started = true;
            remember.mutate({ agentId: agent.id, threadId: startedThread.id });
          },
        },
      )
      .catch((error: unknown) => {
        // Refused before anything was saved: the text goes back to the composer.
        if (!started) setDraft((now) => (now === "" ? text : now));
        setProblem({ error });
      });
  };

  const regenerate = () => {
    if (!threadId) return;
    setProblem(null);
    chat.regenerate(threadId).catch((error: unknown) => setProblem({ error, retry: regenerate }));
  };

  const edit = (message: Message, text: string) => {
    if (!threadId) return;
    setProblem(null);
    chat
      .edit(threadId, message.id, text)
      .catch((error: unknown) => setProblem({ error, retry: () => edit(message, text) }));
  };

  const openInMain = () => {
    if (!threadId) return;
    openInMainWindow(threadId).catch((error: unknown) => setProblem({ error }));
  };

  // A starter's {{blanks}} stay in the text to be filled in here (no dialog in a small window).
  const applyStarter = (starter: AgentStarter) => {
    setDraft(starter.prompt);
    composerRef.current?.focus();
  };

  const shownProblem = problem ? describeChatError(problem.error) : null;

  return (
    <>
      <QuickBar>
        <AgentPicker
          agents={agentList}
          value={agent?.id ?? null}
          onChange={(agentId) => startOver(agentId)}
        />
        <IconButton
          label="New chat"
          onClick={() => startOver(agent?.id ?? null)}
          disabled={threadId === null}
          data-testid="quick-new-chat"
        >
          <MessageSquarePlus size={16} />
        </IconButton>
        <IconButton
          label="Open in main window"
          onClick={openInMain}
          disabled={threadId === null}
          data-testid="quick-open-main"
        >
          <ExternalLink size={16} />
        </IconButton>
      </QuickBar>
      {stored.isPending ? (
        <div className="quick-center">
          <Spinner size={18} label="Loading" />
        </div>
      ) : threadId ? (
        <Transcript
          key={threadId}
          threadId={threadId}
          agent={look}
          busy={streaming}
          onRegenerate={regenerate}
          onEdit={edit}
          onFix={openMainWindow}
        />
      ) : (
        <div className="transcript-wrap">
          <NewChatIntro agent={agent} onStarter={applyStarter} />
        </div>
      )}
      <div className="chat-bottom quick-bottom">
        {shownProblem && (
          <ProblemNotice
            problem={shownProblem}
            onFix={openMainWindow}
            onRetry={problem?.retry && !streaming ? problem.retry : undefined}
          />
        )}
        <Composer
          value={draft}
          onChange={setDraft}
          onSend={send}
          onStop={() => void chat.cancel(threadId).catch((error: unknown) => setProblem({ error }))}
          streaming={streaming}
          stopping={liveState === "stopping"}
          busy={false}
          placeholder={`Ask ${agent?.name ?? "the assistant"}…`}
          textareaRef={composerRef}
          hint={
            <>
              <Kbd>Enter</Kbd> to send · <Kbd>Esc</Kbd> to hide
            </>
          }
        />
      </div>
    </>
  );
}
