import { useCallback, useMemo, useSyncExternalStore } from "react";
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from "@tanstack/react-query";
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  events,
  type ApprovalDecision,
  type ChatEvent,
  type ChatOutcome,
  type Message,
  type MessagePage,
  type Run,
  type SendInput,
  type Thread,
  type ThreadPage,
  type ThreadPatch,
} from "../../bindings";
import {
  findInLoadedPages,
  isAppError,
  unwrap,
  useBackendEvent,
  type CommandResult,
} from "../../lib/ipc";
import { ChatStreams, type LiveAnswer } from "./stream";

export type {
  Approval,
  ApprovalDecision,
  ChatEvent,
  Message,
  MessageRole,
  MessageStatus,
  ProviderErrorKind,
  Run,
  RunStatus,
  SendInput,
  Thread,
  ThreadPatch,
  ToolCallStatus,
  ToolCallView,
} from "../../bindings";
export type { LiveAnswer } from "./stream";

/** What the thread list shows, apart from the cursor (which the infinite query handles). */
export type ThreadFilter = { search: string | null; archived: boolean };

export const THREAD_PAGE_SIZE = 50;
export const MESSAGE_PAGE_SIZE = 50;
/** How often a thread is read again while another window (or a lost channel) writes its answer. */
const FOREIGN_STREAM_POLL_MS = 1000;

export const chatKeys = {
  all: ["chat"] as const,
  threadLists: ["chat", "threads"] as const,
  threadList: (filter: ThreadFilter) => ["chat", "threads", filter] as const,
  thread: (id: string) => ["chat", "thread", id] as const,
  messages: (threadId: string) => ["chat", "messages", threadId] as const,
  runs: (threadId: string) => ["chat", "runs", threadId] as const,
};

type Messages = InfiniteData<MessagePage, string | null>;

/** Everything the UI holds about one thread is stale: read it again. */
function invalidateThread(client: QueryClient, threadId: string) {
  return Promise.all([
    client.invalidateQueries({ queryKey: chatKeys.threadLists }),
    client.invalidateQueries({ queryKey: chatKeys.thread(threadId) }),
    client.invalidateQueries({ queryKey: chatKeys.messages(threadId) }),
    client.invalidateQueries({ queryKey: chatKeys.runs(threadId) }),
  ]);
}

/**
 * Keeps this window in step with threads changed anywhere (the quick-chat window, MCP…). The
 * start and end of an answer this window asked for are skipped: its channel brought them.
 */
export function useThreadChangedListener() {
  const client = useQueryClient();
  useBackendEvent(events.threadChanged, "thread-changed", ({ threadId, requestId }) => {
    if (requestId !== null && streamsFor(client).asked(requestId)) return;
    void invalidateThread(client, threadId);
  });
}

/** The thread list, page by page: pinned first, then most recent. */
export function useThreads(filter: ThreadFilter) {
  return useInfiniteQuery({
    queryKey: chatKeys.threadList(filter),
    queryFn: ({ pageParam }) =>
      unwrap(commands.threadsList({ ...filter, cursor: pageParam, limit: THREAD_PAGE_SIZE })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Typing a search keeps the old rows until the new ones arrive; switching to the archive
    // never shows the active threads.
    placeholderData: (previous, previousQuery) => {
      const before = previousQuery?.queryKey[2] as ThreadFilter | undefined;
      return before?.archived === filter.archived ? previous : undefined;
    },
  });
}

/** One thread, taken from a loaded list page when there is one. */
export function useThread(id: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: chatKeys.thread(id ?? ""),
    queryFn: () => unwrap(commands.threadsGet(id ?? "")),
    enabled: id !== null,
    initialData: () =>
      id
        ? findInLoadedPages(client, chatKeys.threadLists, (page: ThreadPage) => page.threads, id)
        : undefined,
  });
}

/** The messages of a thread, oldest first, as loaded so far. */
export function messagesOf(data: InfiniteData<MessagePage, unknown> | undefined): Message[] {
  if (!data) return [];
  // Page 0 is the newest; each next page holds older messages.
  return [...data.pages].reverse().flatMap((page) => page.messages);
}

/**
 * A thread's messages, newest page first; `fetchNextPage` loads older ones. While the newest
 * answer is streaming somewhere this window has no channel for, the thread is polled.
 */
export function useMessages(threadId: string | null) {
  const client = useQueryClient();
  const streams = streamsFor(client);
  return useInfiniteQuery({
    queryKey: chatKeys.messages(threadId ?? ""),
    queryFn: ({ pageParam }) =>
      unwrap(commands.messagesList(threadId ?? "", pageParam, MESSAGE_PAGE_SIZE)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.olderCursor ?? undefined,
    enabled: threadId !== null,
    refetchInterval: (query) => {
      const newest = query.state.data?.pages[0]?.messages.at(-1);
      const foreign = newest?.status === "streaming" && !streams.forThread(threadId);
      return foreign ? FOREIGN_STREAM_POLL_MS : false;
    },
  });
}

/** The thread's runs, newest first, for the activity panel. */
export function useRuns(threadId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: chatKeys.runs(threadId ?? ""),
    queryFn: () => unwrap(commands.runsList(threadId ?? "")),
    enabled: enabled && threadId !== null,
  });
}

const NO_CHANGE: ThreadPatch = { title: null, pinned: null, archived: null };

/** A patch that changes only the given fields. */
export function threadPatch(change: Partial<ThreadPatch>): ThreadPatch {
  return { ...NO_CHANGE, ...change };
}

export function useUpdateThread() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: ThreadPatch }) =>
      unwrap(commands.threadsUpdate(id, patch)),
    onSuccess: (thread) => {
      client.setQueryData(chatKeys.thread(thread.id), thread);
      return client.invalidateQueries({ queryKey: chatKeys.threadLists });
    },
  });
}

export function useDeleteThread() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.threadsDelete(id)),
    onSuccess: () => client.invalidateQueries({ queryKey: chatKeys.threadLists }),
  });
}

export function useRestoreThread() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.threadsRestore(id)),
    onSuccess: (thread) => {
      client.setQueryData(chatKeys.thread(thread.id), thread);
      return client.invalidateQueries({ queryKey: chatKeys.threadLists });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Streaming

/** One stream store per query client: per window, and fresh for every test. */
const STREAMS = new WeakMap<QueryClient, ChatStreams>();

function streamsFor(client: QueryClient): ChatStreams {
  let streams = STREAMS.get(client);
  if (!streams) {
    streams = new ChatStreams();
    STREAMS.set(client, streams);
  }
  return streams;
}

/** The answer streaming into a thread in this window (`null`: a new thread not started yet). */
export function useLiveAnswer(threadId: string | null): LiveAnswer | undefined {
  const streams = streamsFor(useQueryClient());
  return useSyncExternalStore(streams.subscribe, () => streams.forThread(threadId));
}

/** Whether an answer is streaming into a thread in this window: "idle", "live" or "stopping". */
export type LiveState = "idle" | "live" | "stopping";

/**
 * Whether a thread has a live answer, without its text: a component that only needs to know
 * (the composer's Send or Stop) does not re-render on every frame of the stream.
 */
export function useLiveState(threadId: string | null): LiveState {
  const streams = streamsFor(useQueryClient());
  return useSyncExternalStore(streams.subscribe, () => {
    const live = streams.forThread(threadId);
    if (!live) return "idle";
    return live.stopping ? "stopping" : "live";
  });
}

/**
 * Puts what "started" reports into the cache: edit and regenerate drop the messages they replace,
 * then the (edited) user message and the empty answer are appended to the newest page.
 */
function spliceStarted(
  data: Messages | undefined,
  event: Extract<ChatEvent, { type: "started" }>,
): Messages {
  const added = [event.userMessage, event.answer].filter((m): m is Message => m !== null);
  if (!data) {
    return { pages: [{ messages: added, olderCursor: null }], pageParams: [null] };
  }
  const all = messagesOf(data);
  const addedIds = new Set(added.map((message) => message.id));
  let cut = all.length;
  if (event.userMessage) {
    const edited = all.findIndex((message) => message.id === event.userMessage?.id);
    if (edited >= 0) cut = edited;
  } else {
    // Regenerate replaces the answers after the last user message.
    while (cut > 0 && all[cut - 1]?.role === "assistant") cut -= 1;
  }
  const dropped = new Set(all.slice(cut).map((message) => message.id));
  const pages = data.pages.map((page, index) => {
    const kept = page.messages.filter(
      (message) => !dropped.has(message.id) && !addedIds.has(message.id),
    );
    return { ...page, messages: index === 0 ? [...kept, ...added] : kept };
  });
  return { ...data, pages };
}

/** Puts a finished answer in place of the streaming one. */
function replaceMessage(data: Messages | undefined, answer: Message): Messages | undefined {
  if (!data) return data;
  const known = data.pages.some((page) => page.messages.some((m) => m.id === answer.id));
  const pages = data.pages.map((page, index) => {
    if (known) {
      return { ...page, messages: page.messages.map((m) => (m.id === answer.id ? answer : m)) };
    }
    return index === 0 ? { ...page, messages: [...page.messages, answer] } : page;
  });
  return { ...data, pages };
}

function upsertRun(client: QueryClient, run: Run) {
  client.setQueryData<Run[]>(chatKeys.runs(run.threadId), (old) =>
    old ? [run, ...old.filter((item) => item.id !== run.id)] : old,
  );
}

function onStarted(client: QueryClient, event: Extract<ChatEvent, { type: "started" }>) {
  const threadId = event.thread.id;
  client.setQueryData(chatKeys.thread(threadId), event.thread);
  client.setQueryData<Messages>(chatKeys.messages(threadId), (old) => spliceStarted(old, event));
  upsertRun(client, event.run);
  // A new thread appears, an old one moves to the top: placed in the loaded list here rather
  // than read again, since each read costs this window a render in the frames of the stream.
  // A search or the archive is read again (the thread may or may not belong in it).
  for (const [queryKey] of client.getQueriesData<ThreadPages>({ queryKey: chatKeys.threadLists })) {
    const filter = queryKey[2] as ThreadFilter | undefined;
    if (!filter?.search && !filter?.archived && !event.thread.archived) {
      client.setQueryData<ThreadPages>(queryKey, (old) => placeFirst(old, event.thread));
    } else {
      void client.invalidateQueries({ queryKey, exact: true });
    }
  }
}

function onFinished(client: QueryClient, answer: Message, run: Run) {
  client.setQueryData<Messages>(chatKeys.messages(answer.threadId), (old) =>
    replaceMessage(old, answer),
  );
  upsertRun(client, run);
  // The answer and its run as saved came with "finished"; the thread's own state (its last
  // activity, no longer streaming) and its place in the list are read again.
  void client.invalidateQueries({ queryKey: chatKeys.threadLists });
  void client.invalidateQueries({ queryKey: chatKeys.thread(answer.threadId) });
}

type ThreadPages = InfiniteData<ThreadPage, string | null>;

/**
 * A thread that just became the most recent, at the top of a loaded list: first if pinned,
 * otherwise first after the pinned ones (the list's order), and nowhere else in it.
 */
function placeFirst(data: ThreadPages | undefined, thread: Thread): ThreadPages | undefined {
  if (!data) return data;
  const pages = data.pages.map((page, index) => {
    const others = page.threads.filter((item) => item.id !== thread.id);
    if (index !== 0)
      return others.length === page.threads.length ? page : { ...page, threads: others };
    const at = thread.pinned ? 0 : others.findIndex((item) => !item.pinned);
    const position = at < 0 ? others.length : at;
    return { ...page, threads: [...others.slice(0, position), thread, ...others.slice(position)] };
  });
  return { ...data, pages };
}

export type StreamHooks = {
  /** The thread the answer goes to, as soon as it is known (a new thread gets its id here). */
  onStarted?: (thread: Thread) => void;
};

type StreamCall = (
  requestId: string,
  channel: Channel<ChatEvent>,
) => Promise<CommandResult<ChatOutcome>>;

/**
 * Sends, regenerates and edits with a streamed answer, and stops it. The promise each returns
 * settles when the answer is finished, and rejects with an AppError when the backend refused
 * the request (before "started", so nothing was saved and the caller still holds the text).
 */
export function useChatStream() {
  const client = useQueryClient();
  const streams = streamsFor(client);

  const run = useCallback(
    async (threadId: string | null, call: StreamCall, hooks: StreamHooks = {}) => {
      const requestId = crypto.randomUUID();
      const channel = new Channel<ChatEvent>();
      let startedThread: string | null = threadId;
      streams.begin(requestId, threadId);
      channel.onmessage = (event) => {
        if (!streams.get(requestId)) return;
        switch (event.type) {
          case "started":
            startedThread = event.thread.id;
            streams.started(
              requestId,
              event.thread.id,
              event.answer.id,
              event.answer.content,
              event.answer.toolCalls,
            );
            onStarted(client, event);
            hooks.onStarted?.(event.thread);
            break;
          case "delta":
            streams.append(requestId, event.text);
            break;
          case "usage":
            // Shown with the finished answer; nothing to do while it streams.
            break;
          case "toolCall":
            streams.toolCall(requestId, event.call);
            break;
          case "finished":
            streams.flush();
            onFinished(client, event.answer, event.run);
            streams.end(requestId);
            break;
        }
      };
      try {
        const outcome = await unwrap(call(requestId, channel));
        // The reply can overtake the channel's last message; the outcome is the same answer.
        if (streams.get(requestId)) {
          onFinished(client, outcome.answer, outcome.run);
          streams.end(requestId);
        }
        return outcome;
      } catch (error) {
        const wasStarted = streams.get(requestId)?.answerId != null;
        streams.end(requestId);
        if (wasStarted && startedThread) void invalidateThread(client, startedThread);
        throw error;
      }
    },
    [client, streams],
  );

  const send = useCallback(
    (input: SendInput, hooks?: StreamHooks) =>
      run(
        input.threadId,
        (requestId, channel) => commands.chatSend(requestId, input, channel),
        hooks,
      ),
    [run],
  );

  const regenerate = useCallback(
    (threadId: string) =>
      run(threadId, (requestId, channel) => commands.chatRegenerate(requestId, threadId, channel)),
    [run],
  );

  const edit = useCallback(
    (threadId: string, messageId: string, text: string) =>
      run(threadId, (requestId, channel) => commands.chatEdit(requestId, messageId, text, channel)),
    [run],
  );

  /** Stops the thread's answer; what was written so far is kept, marked "Stopped". */
  const cancel = useCallback(
    async (threadId: string | null) => {
      const live = streams.forThread(threadId);
      if (!live || live.stopping) return;
      streams.stopping(live.requestId);
      try {
        await unwrap(commands.chatCancel(live.requestId));
      } catch (error) {
        // NotFound: it finished on its own meanwhile, which is what Stop wanted.
        if (!isAppError(error, "NotFound")) throw error;
      }
    },
    [streams],
  );

  return useMemo(() => ({ send, regenerate, edit, cancel }), [send, regenerate, edit, cancel]);
}

/**
 * Answers a tool call that waits for the person: allow it once, always for this agent, or deny
 * it. The card changes when the answer's stream reports the call again (running, then done);
 * NotFound means it no longer waits (decided elsewhere, or its answer stopped).
 */
export function useDecideTool() {
  return useMutation({
    mutationFn: ({ toolCallId, decision }: { toolCallId: string; decision: ApprovalDecision }) =>
      unwrap(commands.chatDecideTool(toolCallId, decision)),
  });
}
