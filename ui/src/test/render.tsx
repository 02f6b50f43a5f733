import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { vi } from "vitest";
import { App } from "../App";
import { QuickChatApp } from "../features/desktop/QuickChatApp";
import { createQueryClient } from "../lib/ipc";

/** What a mocked command answers: a value, or a rejected IpcError-shaped object. */
export type Handler = (args: Record<string, unknown>) => unknown;

export type IpcCall = { cmd: string; args: Record<string, unknown> };

/** An IpcError as the Rust side rejects `invoke` with it. */
export function ipcError(
  code: string,
  message: string,
  extra: { field?: string; retryAfterSecs?: number } = {},
) {
  return Promise.reject({
    code,
    message,
    field: extra.field ?? null,
    retryAfterSecs: extra.retryAfterSecs ?? null,
  });
}

/**
 * What the landing page (Chat) reads on every start. Tests about other pages get an empty chat;
 * chat tests override these.
 */
export const landingHandlers: Record<string, Handler> = {
  threads_list: () => ({ threads: [], nextCursor: null }),
  agents_list: () => [],
};

/**
 * Renders the whole app (the main window's, or the quick chat's) against a fake backend. Commands without a handler fail the test
 * loudly, so a test never passes by silently skipping IPC it did not expect.
 */
export function renderApp(
  handlers: Record<string, Handler>,
  options: { events?: boolean; window?: "main" | "quick" } = {},
) {
  const calls: IpcCall[] = [];
  const unexpected = vi.fn();
  mockIPC(
    (cmd, payload) => {
      // Event plumbing (listen/unlisten) only matters to tests that ask for `events`.
      if (cmd.startsWith("plugin:event|")) return 1;
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = handlers[cmd] ?? landingHandlers[cmd];
      if (!handler) {
        unexpected(cmd);
        return Promise.reject({
          code: "Internal",
          message: `unexpected command ${cmd}`,
          field: null,
          retryAfterSecs: null,
        });
      }
      return handler(args);
    },
    { shouldMockEvents: options.events ?? false },
  );
  const user = userEvent.setup();
  const queryClient = createQueryClient();
  const utils = render(
    options.window === "quick" ? (
      <QuickChatApp queryClient={queryClient} />
    ) : (
      <App queryClient={queryClient} />
    ),
  );
  const callsTo = (cmd: string) => calls.filter((call) => call.cmd === cmd);
  return { ...utils, user, calls, callsTo, unexpected };
}
