import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { message, run, thread, toolCall } from "../../test/fixtures";
import { chatBackend, FakeStream, messagePage, openChat, openThread, page } from "../../test/chat";
import { ipcError, renderApp } from "../../test/render";
import type { Message, ToolCallView } from "./api";
import { OFFLINE_NOTE } from "./describe";
import { answerParts } from "./format";
import { ChatStreams } from "./stream";
import { displayText } from "./ToolCall";

// jsdom lays nothing out; give the virtualised lists a viewport so they render their rows.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(800);
});

/** The answer's pieces in document order: its text runs and its cards (as "tool:<name>"). */
function sequence(answer: HTMLElement): string[] {
  return Array.from(answer.querySelectorAll<HTMLElement>(".markdown, [data-testid='tool-call']"))
    .map((element) =>
      element.dataset.testid === "tool-call"
        ? `tool:${element.dataset.tool}`
        : (element.textContent ?? "").trim(),
    )
    .filter((piece) => piece !== "");
}

function card(scope: HTMLElement, tool: string): HTMLElement {
  const found = within(scope)
    .getAllByTestId("tool-call")
    .find((element) => element.dataset.tool === tool);
  if (!found) throw new Error(`no card for ${tool}`);
  return found;
}

const newThread = thread({ id: "t-tools", title: "Plan the week", streaming: true });
const userMessage = message({ id: "m-user", threadId: "t-tools", content: "Plan the week" });
const emptyAnswer = message({
  id: "m-answer",
  threadId: "t-tools",
  role: "assistant",
  content: "",
  status: "streaming",
});
const runningRun = run({ id: "r-tools", threadId: "t-tools", status: "running", durationMs: null });

/** Opens a new chat, sends a message and plays "started": the answer is ready to stream. */
async function startAnswer(stream: FakeStream, user: ReturnType<typeof renderApp>["user"]) {
  await openChat();
  await user.type(await screen.findByTestId("composer"), "Plan the week{Enter}");
  await stream.emit({
    type: "started",
    thread: newThread,
    userMessage,
    answer: emptyAnswer,
    run: runningRun,
  });
  return screen.findByTestId("message-assistant");
}

const deleteCall = (overrides: Partial<ToolCallView> = {}) =>
  toolCall({
    tool: "delete_tasks",
    title: "Delete tasks",
    arguments: '{"ids":["Buy milk","Call Bob"]}',
    result: null,
    status: "awaitingApproval",
    approval: "pending",
    durationMs: null,
    position: 11,
    ...overrides,
  });

describe("tool call cards", () => {
  it("renders the cards where the calls were made, between the text", async () => {
    const content = "First I look.\n\nThen I add.\n\nAll done.";
    const afterLook = content.indexOf("Then");
    const afterAdd = content.indexOf("All");
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({ id: "u1", content: "Sort my tasks" }),
            message({
              id: "a1",
              role: "assistant",
              content,
              toolCalls: [
                toolCall({
                  id: "c1",
                  tool: "list_tasks",
                  title: "List tasks",
                  position: afterLook,
                }),
                toolCall({ id: "c2", tool: "add_tasks", title: "Add tasks", position: afterAdd }),
                toolCall({
                  id: "c3",
                  tool: "complete_tasks",
                  title: "Complete tasks",
                  position: afterAdd,
                  status: "error",
                  result: "No task matches “Buy milk”.",
                  durationMs: 1500,
                }),
              ],
            }),
          ]),
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const answer = await within(transcript).findByTestId("message-assistant");
    await within(answer).findAllByTestId("markdown");

    expect(sequence(answer)).toEqual([
      "First I look.",
      "tool:list_tasks",
      "Then I add.",
      "tool:add_tasks",
      "tool:complete_tasks",
      "All done.",
    ]);

    const added = card(answer, "add_tasks");
    expect(added).toHaveAttribute("data-status", "ok");
    expect(added).toHaveTextContent("Add tasks");
    expect(within(added).getByText("add_tasks")).toBeInTheDocument();
    expect(within(added).getByTestId("tool-call-status")).toHaveTextContent("Done");
    expect(added).toHaveTextContent("42 ms");
    // A call that worked starts collapsed; its parts open on demand, as pretty JSON.
    expect(within(added).queryByTestId("tool-call-result")).not.toBeInTheDocument();
    expect(within(added).queryByTestId("tool-call-arguments")).not.toBeInTheDocument();
    const resultToggle = within(added).getByRole("button", { name: "Result" });
    expect(resultToggle).toHaveAttribute("aria-expanded", "false");
    await user.click(resultToggle);
    expect(resultToggle).toHaveAttribute("aria-expanded", "true");
    expect(within(added).getByTestId("tool-call-result").querySelector("pre")?.textContent).toBe(
      displayText(toolCall().result ?? ""),
    );
    await user.click(within(added).getByRole("button", { name: "Arguments" }));
    expect(within(added).getByTestId("tool-call-arguments")).toHaveTextContent('"due": "tomorrow"');

    // A failure shows why at once, as the plain text it is.
    const failed = card(answer, "complete_tasks");
    expect(failed).toHaveAttribute("data-status", "error");
    expect(within(failed).getByTestId("tool-call-status")).toHaveTextContent("Failed");
    expect(within(failed).getByRole("button", { name: "Result" })).toHaveAttribute(
      "aria-expanded",
      "true",
    );
    expect(within(failed).getByTestId("tool-call-result")).toHaveTextContent(
      "No task matches “Buy milk”.",
    );
    expect(failed).toHaveTextContent("1.5 s");
  });

  it("cuts a very long result short, with Show more", async () => {
    const long = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => `task ${i}`) });
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({
              id: "a1",
              role: "assistant",
              content: "Here they are.",
              toolCalls: [toolCall({ tool: "list_tasks", position: 0, result: long })],
            }),
          ]),
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const listed = await within(transcript).findByTestId("tool-call");
    await user.click(within(listed).getByRole("button", { name: "Result" }));
    const pre = () => within(listed).getByTestId("tool-call-result").querySelector("pre");
    expect(pre()).toHaveTextContent("task 10");
    expect(pre()).not.toHaveTextContent("task 199");
    await user.click(within(listed).getByTestId("tool-call-more"));
    expect(pre()).toHaveTextContent("task 199");
    expect(within(listed).getByTestId("tool-call-more")).toHaveTextContent("Show less");
  });

  it("adds a streamed call at once, after the text before it, and updates it in place", async () => {
    const stream = new FakeStream();
    let saved = [userMessage, emptyAnswer];
    const { user } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        threads_get: () => newThread,
        messages_list: () => messagePage(saved),
      }),
    );
    const answer = await startAnswer(stream, user);

    const running = toolCall({
      id: "c-stream",
      status: "running",
      result: null,
      durationMs: null,
      position: "Adding it.".length,
    });
    // The delta is still buffered for the next frame when the call arrives: both show now.
    await stream.emit({ type: "delta", text: "Adding it." }, { type: "toolCall", call: running });
    const cards = within(answer).getAllByTestId("tool-call");
    expect(cards).toHaveLength(1);
    expect(cards[0]).toHaveAttribute("data-status", "running");
    expect(within(cards[0] as HTMLElement).getByTestId("tool-call-status")).toHaveTextContent(
      "Running…",
    );
    expect(sequence(answer)).toEqual(["Adding it.", "tool:add_tasks"]);

    await stream.emit({
      type: "toolCall",
      call: { ...running, status: "ok", result: '{"created":1}', durationMs: 80 },
    });
    expect(within(answer).getAllByTestId("tool-call")).toHaveLength(1);
    expect(within(answer).getByTestId("tool-call")).toHaveAttribute("data-status", "ok");
    expect(within(answer).getByTestId("tool-call-status")).toHaveTextContent("Done");
    expect(within(answer).getByTestId("tool-call")).toHaveTextContent("80 ms");

    await stream.emit({ type: "delta", text: " Added Buy milk." });
    await vi.waitFor(() =>
      expect(sequence(answer)).toEqual(["Adding it.", "tool:add_tasks", "Added Buy milk."]),
    );

    const finished: Message = {
      ...emptyAnswer,
      status: "complete",
      content: "Adding it. Added Buy milk.",
      toolCalls: [{ ...running, status: "ok", result: '{"created":1}', durationMs: 80 }],
    };
    saved = [userMessage, finished];
    await stream.finish(finished, { ...runningRun, status: "complete" });
    await vi.waitFor(() =>
      expect(screen.getByTestId("message-assistant")).toHaveAttribute("data-status", "complete"),
    );
    expect(screen.getAllByTestId("tool-call")).toHaveLength(1);
    expect(sequence(screen.getByTestId("message-assistant"))).toEqual([
      "Adding it.",
      "tool:add_tasks",
      "Added Buy milk.",
    ]);
  });
});

describe("tool approvals", () => {
  it("asks before a destructive call, allows it once with Enter, and follows the stream", async () => {
    const stream = new FakeStream();
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        chat_decide_tool: () => null,
        threads_get: () => newThread,
        messages_list: () => messagePage([userMessage, emptyAnswer]),
      }),
    );
    const answer = await startAnswer(stream, user);
    const waiting = deleteCall({ id: "c-allow" });
    await stream.emit({ type: "delta", text: "Clearing." }, { type: "toolCall", call: waiting });

    const deleting = within(answer).getByTestId("tool-call");
    expect(deleting).toHaveAttribute("data-status", "awaitingApproval");
    expect(within(deleting).getByTestId("tool-call-status")).toHaveTextContent(
      "Waiting for your approval",
    );
    expect(deleting).toHaveTextContent("The assistant wants to delete tasks. Allow it?");
    expect(within(deleting).getByTestId("approval-arguments")).toHaveTextContent(
      "IDsBuy milk, Call Bob",
    );
    // The answer says it is waiting for the person, not writing.
    expect(within(answer).getByTestId("message-paused")).toHaveTextContent("Paused");
    expect(within(answer).queryByTestId("message-typing")).not.toBeInTheDocument();

    // The composer was empty, so "Allow once" took the focus: Enter allows.
    expect(within(deleting).getByTestId("approve-once")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(callsTo("chat_decide_tool").map((call) => call.args)).toEqual([
      { toolCallId: "c-allow", decision: "allowOnce" },
    ]);
    // Decided: no second answer while the stream catches up.
    await vi.waitFor(() => expect(within(deleting).getByTestId("approve-once")).toBeDisabled());
    expect(within(deleting).getByTestId("approve-deny")).toBeDisabled();

    await stream.emit({
      type: "toolCall",
      call: { ...waiting, status: "running", approval: "once" },
    });
    const now = within(answer).getByTestId("tool-call");
    expect(now).toHaveAttribute("data-status", "running");
    expect(within(now).queryByTestId("approve-once")).not.toBeInTheDocument();
    expect(within(answer).queryByTestId("message-paused")).not.toBeInTheDocument();

    await stream.emit({
      type: "toolCall",
      call: { ...waiting, status: "ok", approval: "once", result: '{"deleted":2}', durationMs: 9 },
    });
    expect(within(answer).getByTestId("tool-call")).toHaveAttribute("data-status", "ok");
  });

  it("leaves the focus in a composer being typed in, and says when a request no longer waits", async () => {
    const stream = new FakeStream();
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        chat_decide_tool: () => ipcError("NotFound", "Nothing waits under that id."),
        threads_get: () => newThread,
        messages_list: () => messagePage([userMessage, emptyAnswer]),
      }),
    );
    const answer = await startAnswer(stream, user);
    const composer = screen.getByTestId("composer");
    await user.type(composer, "also buy bread");
    await stream.emit({ type: "toolCall", call: deleteCall({ id: "c-typing" }) });

    const deleting = within(answer).getByTestId("tool-call");
    expect(composer).toHaveFocus();
    expect(within(deleting).getByTestId("approve-once")).not.toHaveFocus();

    await user.click(within(deleting).getByTestId("approve-always"));
    expect(callsTo("chat_decide_tool").map((call) => call.args)).toEqual([
      { toolCallId: "c-typing", decision: "alwaysForAgent" },
    ]);
    expect(await within(deleting).findByTestId("approval-error")).toHaveTextContent(
      "This request is no longer waiting.",
    );
    expect(within(deleting).getByTestId("approve-once")).toBeDisabled();
    // The backend's wording is not what the person reads.
    expect(deleting).not.toHaveTextContent("Nothing waits under that id.");
  });

  it("denies with Escape inside the card, without stopping the answer", async () => {
    const stream = new FakeStream();
    const { user, callsTo } = renderApp(
      chatBackend({
        chat_send: stream.handler,
        chat_decide_tool: () => null,
        chat_cancel: () => null,
        threads_get: () => newThread,
        messages_list: () => messagePage([userMessage, emptyAnswer]),
      }),
    );
    const answer = await startAnswer(stream, user);
    const waiting = deleteCall({ id: "c-escape" });
    await stream.emit({ type: "toolCall", call: waiting });
    expect(within(answer).getByTestId("approve-once")).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(callsTo("chat_decide_tool").map((call) => call.args)).toEqual([
      { toolCallId: "c-escape", decision: "deny" },
    ]);
    expect(callsTo("chat_cancel")).toHaveLength(0);

    await stream.emit({
      type: "toolCall",
      call: { ...waiting, status: "denied", approval: "denied", result: "The person denied it." },
    });
    const denied = within(answer).getByTestId("tool-call");
    expect(denied).toHaveAttribute("data-status", "denied");
    expect(within(denied).getByTestId("tool-call-status")).toHaveTextContent("Denied");
    // Why it did not run is open from the start.
    expect(within(denied).getByTestId("tool-call-result")).toHaveTextContent(
      "The person denied it.",
    );
  });
});

describe("offline answers", () => {
  it("marks an offline answer and its run", async () => {
    const { user } = renderApp(
      chatBackend({
        threads_list: () => page([thread()]),
        messages_list: () =>
          messagePage([
            message({ id: "u1", content: "add milk tomorrow" }),
            message({ id: "a1", role: "assistant", content: "Added “milk”.", offline: true }),
            message({ id: "u2", content: "thanks" }),
            message({ id: "a2", role: "assistant", content: "You're welcome.", model: "m" }),
          ]),
        runs_list: () => [run({ id: "r2" }), run({ id: "r1", offline: true, model: "offline" })],
      }),
    );
    const transcript = await openThread(user, "Groceries");
    const answers = await within(transcript).findAllByTestId("message-assistant");
    const badge = within(answers[0] as HTMLElement).getByTestId("offline-badge");
    expect(badge).toHaveTextContent("Offline mode");
    expect(badge).toHaveAttribute("title", OFFLINE_NOTE);
    expect(OFFLINE_NOTE).toContain("Settings → Providers");
    expect(within(answers[1] as HTMLElement).queryByTestId("offline-badge")).toBeNull();

    await user.click(screen.getByTestId("activity-toggle"));
    const runs = await within(await screen.findByTestId("activity-panel")).findAllByTestId(
      "run-item",
    );
    expect(within(runs[1] as HTMLElement).getByTestId("run-offline")).toHaveTextContent(
      "Offline assistant",
    );
    expect(within(runs[0] as HTMLElement).queryByTestId("run-offline")).toBeNull();
  });
});

describe("answer parts", () => {
  const at = (id: string, position: number) => ({ id, position });

  it("splits the text at the calls, keeping calls at one position together and in order", () => {
    expect(answerParts("abcdef", [at("x", 2), at("y", 4), at("z", 4)])).toEqual([
      { kind: "text", text: "ab", start: 0 },
      { kind: "tools", position: 2, calls: [at("x", 2)] },
      { kind: "text", text: "cd", start: 2 },
      { kind: "tools", position: 4, calls: [at("y", 4), at("z", 4)] },
      { kind: "text", text: "ef", start: 4 },
    ]);
  });

  it("puts calls at the start, past the end, and counts UTF-16 code units", () => {
    expect(answerParts("hi", [at("a", 0), at("b", 99)])).toEqual([
      { kind: "tools", position: 0, calls: [at("a", 0)] },
      { kind: "text", text: "hi", start: 0 },
      { kind: "tools", position: 2, calls: [at("b", 99)] },
    ]);
    // "🙂" is two code units: position 4 falls after it and the space.
    expect(answerParts("a🙂 b", [at("c", 4)])[0]).toEqual({
      kind: "text",
      text: "a🙂 ",
      start: 0,
    });
    expect(answerParts("", [])).toEqual([]);
  });

  it("shows a streamed call at once, with the text buffered before it", () => {
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

    streams.append("r1", "Looking.");
    expect(listener).not.toHaveBeenCalled();
    streams.toolCall("r1", toolCall({ id: "c1", status: "running" }));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(streams.forThread("t1")?.content).toBe("Looking.");
    expect(streams.forThread("t1")?.toolCalls.map((call) => call.status)).toEqual(["running"]);

    streams.toolCall("r1", toolCall({ id: "c1", status: "ok" }));
    streams.toolCall("r1", toolCall({ id: "c2", status: "running" }));
    expect(streams.forThread("t1")?.toolCalls.map((call) => [call.id, call.status])).toEqual([
      ["c1", "ok"],
      ["c2", "running"],
    ]);
    // The frame that was scheduled has nothing left to add.
    frames[0]?.(0);
    expect(streams.forThread("t1")?.content).toBe("Looking.");
  });
});
