import type { ToolCallView } from "./api";

/** An answer being written right now, as this window receives it over its channel. */
export type LiveAnswer = {
  requestId: string;
  /** None until "started" when the message opens a new thread. */
  threadId: string | null;
  /** The answer message's id, from "started". */
  answerId: string | null;
  /** Everything received so far (flushed once per animation frame). */
  content: string;
  /** The tools it called so far, in order, each as last reported (shown at once, not per frame). */
  toolCalls: ToolCallView[];
  /** Set by Stop, until "finished" arrives. */
  stopping: boolean;
};

type Listener = () => void;

/** How many of this window's requests `asked` remembers: more than can stream at once. */
const RECENT_REQUESTS = 32;

const nextFrame: (callback: () => void) => void =
  typeof requestAnimationFrame === "function"
    ? (callback) => requestAnimationFrame(callback)
    : (callback) => setTimeout(callback, 16);

/**
 * The answers streaming in this window. Deltas are buffered and applied together once per
 * animation frame, so a model writing a thousand tokens a second costs sixty renders a second,
 * not a thousand. Components read it through `useSyncExternalStore`; `forThread` returns the same
 * object until that thread's answer changes, so other threads' components do not re-render.
 */
export class ChatStreams {
  private live = new Map<string, LiveAnswer>();
  /** The latest requests this window made, kept after they end (see `asked`). */
  private recent: string[] = [];
  private pending = new Map<string, string>();
  private scheduled = false;
  private listeners = new Set<Listener>();

  subscribe = (listener: Listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The live answer of a thread (`null`: the new thread whose first message is on its way). */
  forThread(threadId: string | null): LiveAnswer | undefined {
    for (const answer of this.live.values()) {
      if (answer.threadId === threadId) return answer;
    }
    return undefined;
  }

  get(requestId: string): LiveAnswer | undefined {
    return this.live.get(requestId);
  }

  /**
   * Whether this window asked for that answer. Kept for the last few requests after they end:
   * the backend's broadcast about an answer's end can arrive after its channel's last message.
   */
  asked(requestId: string): boolean {
    return this.recent.includes(requestId);
  }

  begin(requestId: string, threadId: string | null) {
    this.recent = [requestId, ...this.recent.slice(0, RECENT_REQUESTS - 1)];
    this.live.set(requestId, {
      requestId,
      threadId,
      answerId: null,
      content: "",
      toolCalls: [],
      stopping: false,
    });
    this.emit();
  }

  started(
    requestId: string,
    threadId: string,
    answerId: string,
    content: string,
    toolCalls: ToolCallView[] = [],
  ) {
    this.pending.delete(requestId);
    this.update(requestId, { threadId, answerId, content, toolCalls });
  }

  /** Buffers a delta; it shows on the next frame. */
  append(requestId: string, text: string) {
    if (!this.live.has(requestId) || text === "") return;
    this.pending.set(requestId, (this.pending.get(requestId) ?? "") + text);
    if (!this.scheduled) {
      this.scheduled = true;
      nextFrame(this.flush);
    }
  }

  /**
   * Adds a tool call, or replaces the one with its id (a new status, its result). It shows at
   * once, together with the text buffered before it: the call's position points into that text.
   */
  toolCall(requestId: string, call: ToolCallView) {
    const answer = this.live.get(requestId);
    if (!answer) return;
    const buffered = this.pending.get(requestId) ?? "";
    this.pending.delete(requestId);
    const known = answer.toolCalls.some((item) => item.id === call.id);
    const toolCalls = known
      ? answer.toolCalls.map((item) => (item.id === call.id ? call : item))
      : [...answer.toolCalls, call];
    this.update(requestId, { content: answer.content + buffered, toolCalls });
  }

  stopping(requestId: string) {
    this.update(requestId, { stopping: true });
  }

  /** Forgets an answer (finished, failed or broken off); buffered text goes with it. */
  end(requestId: string) {
    this.pending.delete(requestId);
    if (this.live.delete(requestId)) this.emit();
  }

  /** Applies every buffered delta now. */
  flush = () => {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    for (const [requestId, text] of this.pending) {
      const answer = this.live.get(requestId);
      if (answer) this.live.set(requestId, { ...answer, content: answer.content + text });
    }
    this.pending.clear();
    this.emit();
  };

  private update(requestId: string, change: Partial<LiveAnswer>) {
    const answer = this.live.get(requestId);
    if (!answer) return;
    this.live.set(requestId, { ...answer, ...change });
    this.emit();
  }

  private emit() {
    for (const listener of this.listeners) listener();
  }
}
