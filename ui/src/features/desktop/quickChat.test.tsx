import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FakeStream, messagePage } from "../../test/chat";
import {
  agent,
  message,
  run,
  session,
  signedIn,
  signedOut,
  taskAssistant,
  thread,
} from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";

// jsdom lays nothing out; give the virtualised transcript a viewport so it renders its rows.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(500);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(600);
});

const writer = agent({ id: "a-writer", name: "Writer", builtIn: false });
const kept = thread({ id: "t-quick", title: "Plan my day" });

/** A backend that remembers the quick chat as Rust does (set, then get, gives it back). */
function backend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  let remembered: unknown = { agentId: null, threadId: null };
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    agents_list: () => [taskAssistant, writer],
    quick_chat_get: () => remembered,
    quick_chat_set: ({ quickChat }) => (remembered = quickChat),
    quick_chat_hide: () => null,
    ...overrides,
  };
}

const quick = (handlers: Record<string, Handler>) => renderApp(handlers, { window: "quick" });

describe("the quick chat window", () => {
  it("starts a conversation with the Task assistant and remembers its thread", async () => {
    const stream = new FakeStream();
    const { user, callsTo } = quick(
      backend({
        chat_send: stream.handler,
        threads_get: () => kept,
        messages_list: () => messagePage([]),
      }),
    );
    const composer = await screen.findByTestId("composer");
    await waitFor(() => expect(screen.getByTestId("agent-picker")).toHaveValue(taskAssistant.id));
    expect(screen.getByTestId("quick-open-main")).toBeDisabled();

    await user.type(composer, "What is due today?{Enter}");
    expect(stream.args).toMatchObject({
      input: { threadId: null, agentId: taskAssistant.id, text: "What is due today?" },
    });
    await stream.emit({
      type: "started",
      thread: kept,
      userMessage: message({ id: "m1", threadId: kept.id, content: "What is due today?" }),
      answer: message({
        id: "m2",
        threadId: kept.id,
        role: "assistant",
        content: "",
        status: "streaming",
      }),
      run: run({ id: "r1", threadId: kept.id, status: "running", durationMs: null }),
    });
    await waitFor(() =>
      expect(callsTo("quick_chat_set").at(-1)?.args).toEqual({
        quickChat: { agentId: taskAssistant.id, threadId: kept.id },
      }),
    );
    await stream.emit({ type: "delta", text: "Two things." });
    expect(await screen.findByText("Two things.")).toBeInTheDocument();
  });

  it("continues the remembered thread, opens it in the main window, and hides on Escape", async () => {
    const { user, callsTo } = quick(
      backend({
        quick_chat_get: () => ({ agentId: writer.id, threadId: kept.id }),
        threads_get: () => ({ ...kept, agentName: "Writer" }),
        messages_list: () =>
          messagePage([
            message({ id: "u1", threadId: kept.id, content: "Draft a note" }),
            message({ id: "a1", threadId: kept.id, role: "assistant", content: "Here it is." }),
          ]),
        quick_chat_open_in_main: () => null,
      }),
    );
    expect(await screen.findByText("Here it is.")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("agent-picker")).toHaveValue(writer.id));

    await user.click(screen.getByTestId("quick-open-main"));
    expect(callsTo("quick_chat_open_in_main").at(-1)?.args).toEqual({ threadId: kept.id });

    await user.keyboard("{Escape}");
    expect(callsTo("quick_chat_hide")).toHaveLength(1);

    // Another agent starts a new conversation with it.
    await user.selectOptions(screen.getByTestId("agent-picker"), taskAssistant.id);
    expect(callsTo("quick_chat_set").at(-1)?.args).toEqual({
      quickChat: { agentId: taskAssistant.id, threadId: null },
    });
  });

  it("shows only the unlock prompt while the session is locked", async () => {
    const locked = session({ locked: true });
    let unlocked = false;
    const { user, callsTo } = quick(
      backend({
        auth_status: () => signedIn(unlocked ? session() : locked),
        auth_unlock: ({ password }) => {
          if (password !== "right password")
            return ipcError("InvalidCredentials", "Wrong password.");
          unlocked = true;
          return session();
        },
        threads_get: () => kept,
        messages_list: () => messagePage([]),
      }),
    );
    await screen.findByTestId("quick-lock");
    expect(screen.queryByTestId("composer")).not.toBeInTheDocument();
    expect(callsTo("quick_chat_get")).toHaveLength(0);
    expect(callsTo("agents_list")).toHaveLength(0);

    const password = screen.getByLabelText("Password");
    await user.type(password, "wrong{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong password.");
    await user.clear(password);
    await user.type(password, "right password{Enter}");
    expect(await screen.findByTestId("composer")).toBeInTheDocument();
  });

  it("signed out, it sends the person to the main window", async () => {
    const { user, callsTo } = quick(
      backend({ auth_status: () => signedOut, desktop_perform: () => null }),
    );
    await user.click(await screen.findByRole("button", { name: /Open KickStartMyAI/ }));
    expect(callsTo("desktop_perform").at(-1)?.args).toEqual({ action: "showWindow" });
    await waitFor(() => expect(callsTo("quick_chat_hide")).toHaveLength(1));
  });
});
