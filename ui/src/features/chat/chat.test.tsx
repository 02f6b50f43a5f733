import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  agent,
  connection,
  keychainOk,
  message,
  presets,
  run,
  taskAssistant,
  thread,
} from "../../test/fixtures";
import { chatBackend, FakeStream, messagePage, openChat, openThread, page } from "../../test/chat";
import { ipcError, renderApp } from "../../test/render";
import { AppError } from "../../lib/ipc";
import type { Message } from "./api";
import { describeAnswerError, describeChatError } from "./describe";
import { snippetParts } from "./format";
import { ChatStreams } from "./stream";

// jsdom lays nothing out; give the virtualised lists a viewport so they render their rows.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(800);
});

declare global {
  interface Window {
    __pwned?: number;
  }
}

const newThread = thread({ id: "t-new", title: "Hello there", streaming: true });
const userMessage = message({ id: "m-user", threadId: "t-new", content: "Hello there" });
const emptyAnswer = message({
  id: "m-answer",
  threadId: "t-new",
  role: "assistant",
  content: "",
  status: "streaming",
});
const runningRun = run({ id: "r1", threadId: "t-new", status: "running", durationMs: null });
/** "started" for a message that opened the new thread above. */
const startedNewThread = {
  type: "started" as const,
  thread: newThread,
  userMessage,
  answer: emptyAnswer,
  run: runningRun,
};

describe("chat transcript", () => {
  it("renders hostile model output as inert text, with a highlighted, copyable code block", async () => {
    const hostile = [
      '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [click](javascript:window.__pwned=3)',
      "",
      "```js",
      "const answer = 42;",
      "```",
    ].join("\n");
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({ id: "u1", content: "Show me" }),
            message({
              id: "a1",
              role: "assistant",
              content: hostile,
              model: "gpt-4o-mini",
              tokensIn: 12,
              tokensOut: 34,
            }),
          ]),
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const answer = await within(transcript).findByTestId("message-assistant");
    // The renderer loads on first use; until then the answer shows as plain text.
    const code = await within(answer).findByTestId("code-block");

    // Nothing the model wrote became an element or ran.
    expect(answer.querySelectorAll("img, script, iframe, object")).toHaveLength(0);
    expect(document.querySelectorAll("img, script")).toHaveLength(0);
    expect(window.__pwned).toBeUndefined();
    // The HTML is shown as the text it is.
    expect(answer).toHaveTextContent('<img src=x onerror="window.__pwned=1">');
    expect(answer).toHaveTextContent("<script>window.__pwned=2</script>");
    // The javascript: link is neither a link nor carries its URL.
    const click = within(answer).getByText("click");
    expect(click.closest("a")).toBeNull();
    expect(document.querySelector('a[href^="javascript" i]')).toBeNull();
    for (const link of document.querySelectorAll("a")) {
      expect(link.getAttribute("href") ?? "").toMatch(/^(https?:|mailto:|$)/);
    }

    expect(within(code).getByTestId("code-language")).toHaveTextContent("js");
    // highlight.js loads with the first code that names its language; the block is drawn again.
    await waitFor(() =>
      expect(
        within(answer).getByTestId("code-block").querySelector(".hljs-keyword"),
      ).toHaveTextContent("const"),
    );
    await user.click(within(answer).getByTestId("code-copy"));
    expect(await navigator.clipboard.readText()).toBe("const answer = 42;");
    expect(within(answer).getByTestId("message-meta")).toHaveTextContent("gpt-4o-mini");
    expect(within(answer).getByTestId("message-meta")).toHaveTextContent("12 in");
    expect(within(answer).getByTestId("message-meta")).toHaveTextContent("34 out");
    expect(window.__pwned).toBeUndefined();
  });

  it("opens http links in the browser and keeps relative links inert", async () => {
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({
              id: "a1",
              role: "assistant",
              content:
                "[docs](https://example.com/docs) and [home](/settings) ![pixel](https://t.example/p.gif)",
            }),
          ]),
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const docs = await within(transcript).findByRole("link", { name: "docs" });
    expect(docs).toHaveAttribute("href", "https://example.com/docs");
    expect(docs).toHaveAttribute("target", "_blank");
    expect(docs).toHaveAttribute("rel", expect.stringContaining("noreferrer"));
    expect(within(transcript).getByText("home").closest("a")).toBeNull();
    // An image is a link to it, never a request for it.
    expect(transcript.querySelector("img")).toBeNull();
    expect(within(transcript).getByRole("link", { name: "[pixel]" })).toHaveAttribute(
      "href",
      "https://t.example/p.gif",
    );
  });
});

describe("chat streaming", () => {
  it("streams deltas into a new thread and settles on the saved answer", async () => {
    const stream = new FakeStream();
    const finalAnswer = {
      ...emptyAnswer,
      content: "Hi! How can I help?",
      status: "complete" as const,
      model: "gpt-4o-mini",
      tokensIn: 9,
      tokensOut: 6,
    };
    let saved: Message[] = [];
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        threads_get: () => ({ ...newThread, streaming: false }),
        messages_list: () => messagePage(saved),
      }),
    );
    await openChat();
    expect(await screen.findByTestId("agent-picker")).toHaveValue(taskAssistant.id);

    await user.type(screen.getByTestId("composer"), "Hello there{Enter}");
    expect(callsTo("chat_send")).toHaveLength(1);
    expect(stream.args).toMatchObject({
      input: { threadId: null, agentId: taskAssistant.id, text: "Hello there" },
    });
    expect(typeof stream.args?.requestId).toBe("string");
    expect(screen.getByTestId("composer")).toHaveValue("");
    expect(screen.getByTestId("stop-button")).toBeInTheDocument();

    await stream.emit(startedNewThread);
    expect(await screen.findByTestId("message-user")).toHaveTextContent("Hello there");
    expect(screen.getByTestId("message-assistant")).toHaveAttribute("data-status", "streaming");

    await stream.emit(
      { type: "delta", text: "Hi! " },
      { type: "delta", text: "How can " },
      { type: "delta", text: "I help?" },
      { type: "usage", usage: { inputTokens: 9, outputTokens: 6 } },
    );
    expect(await screen.findByText("Hi! How can I help?")).toBeInTheDocument();
    expect(screen.getByTestId("message-assistant")).toHaveAttribute("data-status", "streaming");
    expect(screen.getByTestId("chat-title")).toHaveTextContent("Hello there");

    saved = [userMessage, finalAnswer];
    await stream.finish(finalAnswer, { ...runningRun, status: "complete", durationMs: 900 });
    const answer = screen.getByTestId("message-assistant");
    await vi.waitFor(() => expect(answer).toHaveAttribute("data-status", "complete"));
    expect(answer).toHaveTextContent("Hi! How can I help?");
    expect(within(answer).getByTestId("message-meta")).toHaveTextContent("gpt-4o-mini");
    expect(screen.getByTestId("send-button")).toBeInTheDocument();
    expect(screen.queryByTestId("stop-button")).not.toBeInTheDocument();
    // The thread list learns of the new thread.
    await vi.waitFor(() => expect(callsTo("threads_list").length).toBeGreaterThan(1));
  });

  it("puts a new thread at the top of the list at once, and skips the broadcasts about its own answer", async () => {
    const stream = new FakeStream();
    const pinned = thread({ id: "t-pinned", title: "Pinned", pinned: true });
    const older = thread({ id: "t-older", title: "Older" });
    let listed = [pinned, older];
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        threads_list: () => page(listed),
        threads_get: () => ({ ...newThread, streaming: false }),
        messages_list: () => messagePage([userMessage, emptyAnswer]),
      }),
      { events: true },
    );
    await openChat();
    const titles = () => screen.getAllByTestId("thread-item").map((row) => row.dataset.title);
    await vi.waitFor(() => expect(titles()).toEqual(["Pinned", "Older"]));
    await user.type(screen.getByTestId("composer"), "Hello there{Enter}");
    const reads = () =>
      ["threads_list", "threads_get", "messages_list"].map((c) => callsTo(c).length);
    const before = reads();

    await stream.emit(startedNewThread);
    // After the pinned thread, before the older one, without reading the list again.
    await vi.waitFor(() => expect(titles()).toEqual(["Pinned", "Hello there", "Older"]));
    const requestId = stream.args?.requestId as string;
    await act(() => emit("thread-changed", { threadId: newThread.id, requestId }));
    await stream.emit({ type: "delta", text: "Hi!" });
    expect(reads()).toEqual(before);

    listed = [pinned, { ...newThread, streaming: false }, older];
    const answered = { ...emptyAnswer, content: "Hi!", status: "complete" as const };
    await stream.finish(answered, { ...runningRun, status: "complete", durationMs: 5 });
    await act(() => emit("thread-changed", { threadId: newThread.id, requestId }));
    // The end reads the list and the thread again, not the messages "finished" brought.
    await vi.waitFor(() => expect(callsTo("threads_list").length).toBe((before[0] ?? 0) + 1));
    expect(callsTo("messages_list").length).toBe(before[2]);

    // A change nobody in this window asked for (the title suggestion) is read again.
    await act(() => emit("thread-changed", { threadId: newThread.id, requestId: null }));
    await vi.waitFor(() => expect(callsTo("threads_list").length).toBe((before[0] ?? 0) + 2));
    await vi.waitFor(() => expect(callsTo("messages_list").length).toBeGreaterThan(before[2] ?? 0));
  });

  it("sends on Enter, makes a new line on Shift+Enter, and stops on Escape", async () => {
    const stream = new FakeStream();
    let saved = [userMessage, emptyAnswer];
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        chat_cancel: () => null,
        threads_get: () => newThread,
        messages_list: () => messagePage(saved),
      }),
    );
    await openChat();
    const composer = await screen.findByTestId("composer");

    await user.type(composer, "line one{Shift>}{Enter}{/Shift}line two");
    expect(composer).toHaveValue("line one\nline two");
    expect(callsTo("chat_send")).toHaveLength(0);
    // Send is off for an empty or blank message.
    await user.clear(composer);
    await user.type(composer, "   {Enter}");
    expect(callsTo("chat_send")).toHaveLength(0);
    expect(screen.getByTestId("send-button")).toBeDisabled();

    await user.clear(composer);
    await user.type(composer, "line one{Shift>}{Enter}{/Shift}line two{Enter}");
    expect(callsTo("chat_send")).toHaveLength(1);
    expect(stream.args).toMatchObject({ input: { text: "line one\nline two" } });

    await stream.emit(startedNewThread);
    await stream.emit({ type: "delta", text: "Partial" });
    expect(await screen.findByText("Partial")).toBeInTheDocument();

    fireEvent.keyDown(screen.getByTestId("composer"), { key: "Escape" });
    await vi.waitFor(() => expect(callsTo("chat_cancel")).toHaveLength(1));
    expect(callsTo("chat_cancel")[0]?.args).toEqual({ requestId: stream.args?.requestId });

    const stopped = { ...emptyAnswer, content: "Partial", status: "cancelled" as const };
    saved = [userMessage, stopped];
    await stream.finish(stopped, { ...runningRun, status: "cancelled" });
    const answer = screen.getByTestId("message-assistant");
    await vi.waitFor(() => expect(answer).toHaveAttribute("data-status", "cancelled"));
    expect(within(answer).getByTestId("message-stopped")).toHaveTextContent("Stopped");
  });

  it("buffers deltas and shows them once per animation frame", () => {
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, "requestAnimationFrame").mockImplementation((callback) => {
      frames.push(callback);
      return frames.length;
    });
    const streams = new ChatStreams();
    const listener = vi.fn();
    streams.subscribe(listener);
    streams.begin("r1", "t1");
    streams.started("r1", "t1", "a1", "");
    listener.mockClear();

    for (let i = 0; i < 1000; i += 1) streams.append("r1", "x");
    // A thousand tokens, one scheduled frame, no render yet.
    expect(listener).not.toHaveBeenCalled();
    expect(frames).toHaveLength(1);
    const before = streams.forThread("t1");

    frames[0]?.(0);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(streams.forThread("t1")?.content).toHaveLength(1000);
    expect(streams.forThread("t1")).not.toBe(before);
    // Another thread's snapshot does not change, so its components do not re-render.
    expect(streams.forThread("other")).toBeUndefined();
  });
});

describe("chat actions", () => {
  it("regenerates the last answer and resends an edited message", async () => {
    const regen = new FakeStream();
    const edit = new FakeStream();
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({ id: "u1", content: "First question" }),
            message({ id: "a1", role: "assistant", content: "First answer", model: "m" }),
          ]),
        chat_regenerate: regen.handler,
        chat_edit: edit.handler,
      }),
    );
    const transcript = await openThread(user, "Groceries");
    await user.click(await within(transcript).findByTestId("regenerate-button"));
    expect(regen.args).toMatchObject({ threadId: thread().id });
    expect(typeof regen.args?.requestId).toBe("string");
    await regen.finish(message({ id: "a2", role: "assistant", content: "Second answer" }), run());

    await user.click(within(transcript).getByTestId("edit-button"));
    const editor = within(transcript).getByTestId("edit-input");
    expect(editor).toHaveValue("First question");
    await user.clear(editor);
    await user.type(editor, "Better question");
    await user.click(within(transcript).getByTestId("edit-save"));
    expect(edit.args).toMatchObject({ messageId: "u1", text: "Better question" });
  });

  it("explains a missing provider, keeps the message, and links to Settings → Providers", async () => {
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: () => ipcError("NoProvider", "There is no provider connection to use."),
        providers_list: () => [connection()],
        providers_presets: () => presets,
        secrets_status: () => keychainOk,
      }),
    );
    await openChat();
    await user.type(await screen.findByTestId("composer"), "Plan my week{Enter}");

    const alert = await screen.findByTestId("chat-error");
    expect(alert).toHaveAttribute("data-code", "NoProvider");
    expect(within(alert).getByTestId("problem-title")).toHaveTextContent(
      "No AI provider to answer",
    );
    expect(alert).toHaveTextContent("There is no provider connection to use.");
    // The message was not lost.
    expect(screen.getByTestId("composer")).toHaveValue("Plan my week");
    expect(callsTo("chat_send")).toHaveLength(1);

    await user.click(within(alert).getByTestId("fix-providers"));
    expect(await screen.findByTestId("settings-providers")).toBeInTheDocument();
    expect(screen.getByTestId("settings-tab-providers")).toHaveAttribute("aria-selected", "true");
  });

  it("shows a failed answer with its cause and retries it", async () => {
    const retry = new FakeStream();
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({ id: "u1", content: "Hi" }),
            message({
              id: "a1",
              role: "assistant",
              content: "",
              status: "error",
              errorKind: "auth",
              errorMessage: "OpenAI refused the API key.",
            }),
          ]),
        chat_regenerate: retry.handler,
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const answer = await within(transcript).findByTestId("message-assistant");
    expect(answer).toHaveAttribute("data-status", "error");
    const card = within(answer).getByTestId("message-error");
    expect(card).toHaveTextContent("The API key was refused");
    expect(card).toHaveTextContent("OpenAI refused the API key.");
    expect(within(card).getByTestId("fix-providers")).toBeInTheDocument();
    await user.click(within(card).getByTestId("retry-button"));
    expect(retry.args).toMatchObject({ threadId: thread().id });
  });

  it("offers Retry on an interrupted answer", async () => {
    const retry = new FakeStream();
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({ id: "u1", content: "Hi" }),
            message({ id: "a1", role: "assistant", content: "Half an", status: "interrupted" }),
          ]),
        chat_regenerate: retry.handler,
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const note = await within(transcript).findByTestId("message-interrupted");
    expect(note).toHaveTextContent("Interrupted");
    await user.click(within(note).getByTestId("retry-button"));
    expect(retry.args).toMatchObject({ threadId: thread().id });
  });

  it("describes every chat error code in plain words, with the page that fixes it", () => {
    const error = (code: string, extra: { retryAfterSecs?: number } = {}) =>
      new AppError({
        code: code as AppError["code"],
        message: "from the backend",
        field: null,
        retryAfterSecs: extra.retryAfterSecs ?? null,
      });
    expect(describeChatError(error("NoModel"))).toMatchObject({
      title: "No model chosen",
      fixes: ["providers", "agents"],
    });
    expect(describeChatError(error("ThreadBusy"))).toMatchObject({
      title: "Already answering",
      fixes: [],
    });
    expect(describeChatError(error("AgentArchived"))).toMatchObject({
      title: "This agent is archived",
      fixes: ["agents"],
    });
    expect(describeChatError(error("ContextTooLong"))).toMatchObject({
      title: "Too long for this model",
    });
    expect(describeChatError(error("ProviderAuth"))).toMatchObject({ fixes: ["providers"] });
    expect(describeChatError(error("ProviderRateLimited", { retryAfterSecs: 30 }))?.hint).toBe(
      "Try again in 30 seconds.",
    );
    expect(describeChatError(error("Locked"))).toBeNull();
    expect(describeChatError(new Error("boom"))?.title).toBe("Something went wrong");
    expect(describeAnswerError("unreachable", null)).toMatchObject({
      code: "ProviderUnreachable",
      fixes: ["providers"],
    });
  });
});

describe("thread list", () => {
  it("marks search matches as text, never as HTML, and lists pinned threads with a pin", async () => {
    const { user, callsTo } = renderApp(
      chatBackend({
        threads_list: (args) => {
          const query = args.query as { search: string | null };
          if (query.search) {
            return page([
              thread({
                id: "t2",
                title: "Trip",
                snippet: "pack \uE000sunscreen\uE001 and <b>hats</b>",
              }),
            ]);
          }
          return page([
            thread({ id: "t1", title: "Pinned one", pinned: true }),
            thread({ id: "t2", title: "Trip" }),
          ]);
        },
      }),
    );
    await openChat();
    const rows = await screen.findAllByTestId("thread-item");
    expect(rows.map((row) => row.dataset.title)).toEqual(["Pinned one", "Trip"]);
    expect(within(rows[0] as HTMLElement).getByTestId("thread-pinned")).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).queryByTestId("thread-pinned")).not.toBeInTheDocument();

    await user.type(screen.getByTestId("thread-search"), "sunscreen");
    const snippet = await screen.findByTestId("thread-snippet");
    expect(snippet.querySelector("mark")).toHaveTextContent("sunscreen");
    expect(snippet.querySelector("b")).toBeNull();
    expect(snippet).toHaveTextContent("pack sunscreen and <b>hats</b>");
    expect(callsTo("threads_list").at(-1)?.args.query).toMatchObject({
      search: "sunscreen",
      archived: false,
      cursor: null,
    });
  });

  it("deletes a thread with undo, and renames and pins from its menu", async () => {
    let threads = [thread()];
    const { user, callsTo } = renderApp(
      chatBackend({
        threads_list: () => page(threads),
        threads_delete: () => {
          threads = [];
          return null;
        },
        threads_restore: () => {
          threads = [thread()];
          return thread();
        },
        threads_update: (args) => ({ ...thread(), ...(args.patch as object) }),
      }),
    );
    await openChat();
    const row = await screen.findByTestId("thread-item");

    await user.click(within(row).getByTestId("thread-actions"));
    await user.click(screen.getByTestId("thread-pin"));
    expect(callsTo("threads_update")[0]?.args).toEqual({
      id: thread().id,
      patch: { title: null, pinned: true, archived: null },
    });

    await user.click(within(row).getByTestId("thread-actions"));
    await user.click(screen.getByTestId("thread-rename"));
    const input = await screen.findByTestId("thread-rename-input");
    await user.clear(input);
    await user.type(input, "Weekly shop{Enter}");
    await vi.waitFor(() =>
      expect(callsTo("threads_update")[1]?.args).toEqual({
        id: thread().id,
        patch: { title: "Weekly shop", pinned: null, archived: null },
      }),
    );

    fireEvent.contextMenu(await screen.findByTestId("thread-item"));
    await user.click(screen.getByTestId("thread-delete"));
    expect(await screen.findByTestId("toast")).toHaveTextContent("Deleted “Groceries”");
    await vi.waitFor(() => expect(screen.queryByTestId("thread-item")).not.toBeInTheDocument());
    await user.click(screen.getByTestId("toast-undo"));
    expect(callsTo("threads_restore")[0]?.args).toEqual({ id: thread().id });
    expect(await screen.findByTestId("thread-item")).toBeInTheDocument();
  });

  it("loads the next page of threads as the end of the list comes into view", async () => {
    const { callsTo } = renderApp(
      chatBackend({
        threads_list: (args) => {
          const query = args.query as { cursor: string | null };
          return query.cursor === null
            ? { threads: [thread({ id: "t1", title: "One" })], nextCursor: "c2" }
            : page([thread({ id: "t2", title: "Two" })]);
        },
      }),
    );
    await openChat();
    await vi.waitFor(() => expect(screen.getAllByTestId("thread-item")).toHaveLength(2));
    expect(callsTo("threads_list")[1]?.args.query).toMatchObject({ cursor: "c2", limit: 50 });
  });
});

describe("history", () => {
  it("loads older messages with the olderCursor and shows them first", async () => {
    const { user, callsTo } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: (args) =>
          args.cursor === null
            ? {
                messages: [
                  message({ id: "u2", content: "Second question" }),
                  message({ id: "a2", role: "assistant", content: "Second answer" }),
                ],
                olderCursor: "older-1",
              }
            : messagePage([
                message({ id: "u1", content: "First question" }),
                message({ id: "a1", role: "assistant", content: "First answer" }),
              ]),
      }),
    );
    const transcript = await openThread(user, "Groceries");
    await vi.waitFor(() =>
      expect(within(transcript).getAllByTestId("message-user")).toHaveLength(2),
    );
    expect(
      within(transcript)
        .getAllByTestId("message-user")
        .map((element) => element.textContent),
    ).toEqual(["First question", "Second question"]);
    expect(callsTo("messages_list").map((call) => call.args)).toEqual([
      { threadId: thread().id, cursor: null, limit: 50 },
      { threadId: thread().id, cursor: "older-1", limit: 50 },
    ]);
  });

  it("reads a thread again when another window changes it", async () => {
    let title = "Groceries";
    const { user, callsTo } = renderApp(
      chatBackend({
        threads_list: () => page([thread({ title })]),
        threads_get: () => thread({ title }),
        messages_list: () => messagePage([message()]),
      }),
      { events: true },
    );
    await openThread(user, "Groceries");
    const before = callsTo("messages_list").length;
    title = "Groceries for the party";
    await act(() => emit("thread-changed", { threadId: thread().id, requestId: null }));
    expect(await screen.findByTestId("chat-title")).toHaveTextContent("Groceries for the party");
    await vi.waitFor(() => expect(callsTo("messages_list").length).toBeGreaterThan(before));
    expect(callsTo("threads_list").length).toBeGreaterThan(1);
  });
});

describe("starters and activity", () => {
  it("fills the composer from a starter, asking for its variables first", async () => {
    const planner = agent({
      id: "a-trip",
      starters: [
        {
          title: "Plan a trip",
          prompt: "Plan a weekend in {{city}} for {{ people }} people in {{city}}",
        },
        { title: "Say hi", prompt: "Hello!" },
      ],
    });
    const { user } = renderApp(chatBackend({ agents_list: () => [taskAssistant, planner] }));
    await openChat();
    // The built-in agent is the default; it has no starters.
    expect(await screen.findByTestId("agent-picker")).toHaveValue(taskAssistant.id);
    expect(screen.queryByTestId("starter-chip")).not.toBeInTheDocument();
    await user.selectOptions(screen.getByTestId("agent-picker"), planner.id);

    const chips = await screen.findAllByTestId("starter-chip");
    expect(chips.map((chip) => chip.textContent)).toEqual(["Plan a trip", "Say hi"]);
    await user.click(chips[0] as HTMLElement);
    const dialog = await screen.findByTestId("starter-dialog");
    const fields = within(dialog).getAllByTestId("starter-variable");
    expect(fields.map((field) => field.getAttribute("name"))).toEqual(["city", "people"]);
    expect(within(dialog).getByTestId("starter-fill")).toBeDisabled();
    await user.type(fields[0] as HTMLElement, "Lisbon");
    await user.type(fields[1] as HTMLElement, "2");
    await user.click(within(dialog).getByTestId("starter-fill"));
    expect(screen.queryByTestId("starter-dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("composer")).toHaveValue(
      "Plan a weekend in Lisbon for 2 people in Lisbon",
    );

    await user.click(screen.getAllByTestId("starter-chip")[1] as HTMLElement);
    expect(screen.getByTestId("composer")).toHaveValue("Hello!");
  });

  it("lists the thread's runs in the activity panel", async () => {
    const { user, callsTo } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () => messagePage([message()]),
        runs_list: () => [
          run({
            id: "r2",
            status: "error",
            errorKind: "rateLimited",
            errorMessage: "Slow down.",
            correlationId: "corr-2",
          }),
          run({ id: "r1" }),
        ],
      }),
    );
    await openThread(user, "Groceries");
    expect(screen.queryByTestId("activity-panel")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("activity-toggle"));
    const panel = await screen.findByTestId("activity-panel");
    const runs = await within(panel).findAllByTestId("run-item");
    expect(runs.map((item) => item.dataset.status)).toEqual(["error", "complete"]);
    expect(runs[0]).toHaveTextContent("Too many requests");
    expect(runs[0]).toHaveTextContent("Slow down.");
    expect(runs[0]).toHaveTextContent("corr-2");
    expect(runs[1]).toHaveTextContent("gpt-4o-mini");
    expect(runs[1]).toHaveTextContent("120 in · 48 out");
    expect(runs[1]).toHaveTextContent("320 ms");
    expect(runs[1]).toHaveTextContent("2.4 s");
    expect(callsTo("runs_list")[0]?.args).toEqual({ threadId: thread().id });
  });
});

describe("snippets", () => {
  it("splits marked runs, dropping stray markers", () => {
    expect(snippetParts("a \uE000b\uE001 c \uE000d")).toEqual([
      { text: "a ", marked: false },
      { text: "b", marked: true },
      { text: " c ", marked: false },
      { text: "d", marked: true },
    ]);
  });
});
