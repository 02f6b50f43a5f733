import { act, screen, within } from "@testing-library/react";
import type { Channel } from "@tauri-apps/api/core";
import type { ChatEvent, Message, Run, Thread } from "../features/chat/api";
import { signedIn, taskAssistant } from "./fixtures";
import type { Handler, renderApp } from "./render";

export const page = (threads: Thread[]) => ({ threads, nextCursor: null });
export const messagePage = (messages: Message[]) => ({ messages, olderCursor: null });

/** The handlers the Chat page needs; tests override what they look at. */
export function chatBackend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    agents_list: () => [taskAssistant],
    threads_list: () => page([]),
    ...overrides,
  };
}

export async function openChat() {
  await screen.findByTestId("app-frame");
  return screen.findByTestId("chat");
}

export async function openThread(user: ReturnType<typeof renderApp>["user"], title: string) {
  await openChat();
  const row = (await screen.findAllByTestId("thread-item")).find(
    (element) => element.dataset.title === title,
  );
  if (!row) throw new Error(`no thread titled ${title}`);
  await user.click(within(row).getByTestId("thread-open"));
  return screen.findByTestId("transcript");
}

type TauriInternals = { runCallback: (id: number, data: unknown) => void };

/**
 * Plays the backend's side of one streamed answer: `handler` takes the chat command (and keeps
 * its Channel, which mockIPC hands over as the object itself), `emit` sends ChatEvents down the
 * channel the way Tauri does (an indexed message to the channel's callback), and `settle`
 * resolves the command's promise.
 */
export class FakeStream {
  channel: Channel<ChatEvent> | null = null;
  args: Record<string, unknown> | null = null;
  private index = 0;
  private resolve: ((value: unknown) => void) | null = null;

  handler: Handler = (args) => {
    this.args = args;
    this.channel = args.onEvent as Channel<ChatEvent>;
    this.index = 0;
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  };

  async emit(...events: ChatEvent[]) {
    const channel = this.channel;
    if (!channel) throw new Error("no channel yet");
    const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals })
      .__TAURI_INTERNALS__;
    await act(async () => {
      for (const event of events)
        internals.runCallback(channel.id, { index: this.index++, message: event });
    });
  }

  async finish(answer: Message, finishedRun: Run) {
    await this.emit({ type: "finished", answer, run: finishedRun });
    await act(async () => this.resolve?.({ answer, run: finishedRun }));
  }
}
