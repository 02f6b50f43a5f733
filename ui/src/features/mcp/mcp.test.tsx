import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import {
  mcpHttpListening,
  mcpHttpStatus,
  mcpLaunch,
  mcpToken,
  signedIn,
} from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { McpToken } from "./api";
import { claudeDesktopConfig, httpClientConfig, TOKEN_PLACEHOLDER } from "./McpTab";

const used = mcpToken();
const fresh = mcpToken({
  id: "0190a5b2-0000-7000-8000-000000000202",
  name: "Cursor",
  hint: "9kLm",
  lastUsedAt: null,
});
const revoked = mcpToken({
  id: "0190a5b2-0000-7000-8000-000000000203",
  name: "Old laptop",
  hint: "q1w2",
  revokedAt: "2025-01-03T12:00:00Z",
});

function mcpBackend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    mcp_tokens_list: () => [used, fresh, revoked],
    mcp_launch: () => mcpLaunch,
    mcp_http_status: () => mcpHttpStatus(),
    ...overrides,
  };
}

async function openMcp(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-settings"));
  await user.click(await screen.findByTestId("settings-tab-mcp"));
  return screen.findByTestId("settings-mcp");
}

function row(name: string): HTMLElement {
  const found = screen.getAllByTestId("mcp-token").find((element) => element.dataset.name === name);
  if (!found) throw new Error(`no token row named ${name}`);
  return found;
}

function httpSwitch(): HTMLElement {
  return screen.getByRole("switch", { name: "Serve MCP over HTTP" });
}

function httpConfigJson(): unknown {
  const config = screen.getByTestId("mcp-http-config");
  return JSON.parse(within(config).getByTestId("mcp-http-config-json").textContent ?? "");
}

function configJson(): unknown {
  const text = within(screen.getByTestId("mcp-config")).getByTestId("mcp-config-json").textContent;
  return JSON.parse(text ?? "");
}

describe("settings → MCP", () => {
  it("lists the tokens with their hint, use and state", async () => {
    const { user } = renderApp(mcpBackend());
    const tab = await openMcp(user);
    expect(tab).toHaveTextContent(
      "Let Claude Desktop, Cursor and other MCP clients manage this profile's tasks.",
    );
    expect(screen.getByTestId("settings-tab-mcp")).toHaveAttribute("aria-selected", "true");

    const rows = await screen.findAllByTestId("mcp-token");
    expect(rows.map((element) => element.dataset.name)).toEqual([
      "Claude Desktop",
      "Cursor",
      "Old laptop",
    ]);
    expect(row("Claude Desktop")).toHaveTextContent("…x7Qa");
    expect(within(row("Claude Desktop")).getByTestId("mcp-token-last-used")).toHaveTextContent(
      "Last used",
    );
    expect(within(row("Cursor")).getByTestId("mcp-token-last-used")).toHaveTextContent(
      "Never used",
    );
    expect(row("Old laptop")).toHaveTextContent("Revoked");
    expect(within(row("Old laptop")).queryByTestId("mcp-token-revoke")).not.toBeInTheDocument();
    expect(within(row("Cursor")).getByTestId("mcp-token-revoke")).toHaveAccessibleName(
      "Revoke Cursor",
    );

    // With no new token, the configuration asks for one to be pasted in.
    expect(configJson()).toEqual({
      mcpServers: {
        kickstart: {
          command: mcpLaunch.command,
          args: mcpLaunch.args,
          env: { KICKSTART_MCP_TOKEN: TOKEN_PLACEHOLDER },
        },
      },
    });
    expect(screen.getByTestId("mcp-config")).not.toHaveTextContent(used.hint);
    expect(tab).toHaveTextContent("claude_desktop_config.json");
    expect(tab).toHaveTextContent("Settings → Developer → Edit Config");

    // The HTTP server is off, so there is no configuration for it.
    const http = screen.getByTestId("mcp-http");
    expect(http).toHaveTextContent(
      "For clients that connect to a URL instead of starting a program. It listens on this computer only (127.0.0.1); each client still needs its own token.",
    );
    expect(await screen.findByTestId("mcp-http-status")).toHaveTextContent("Off");
    expect(httpSwitch()).not.toBeChecked();
    expect(screen.getByTestId("mcp-http-port")).toHaveValue("39217");
    expect(screen.queryByTestId("mcp-http-config")).not.toBeInTheDocument();
  });

  it("shows where the HTTP server listens", async () => {
    const running = mcpHttpListening();
    const { user } = renderApp(mcpBackend({ mcp_http_status: () => running }));
    await openMcp(user);

    const status = await screen.findByTestId("mcp-http-status");
    expect(status).toHaveTextContent(`Listening at ${running.url}`);
    expect(status).toHaveAttribute("data-state", "listening");
    expect(httpSwitch()).toBeChecked();
    expect(screen.getByLabelText("Port")).toHaveValue("39217");
    await user.click(within(status).getByRole("button", { name: "Copy URL" }));
    expect(await navigator.clipboard.readText()).toBe(running.url);

    // Without a new token, the HTTP configuration asks for one to be pasted in.
    expect(httpConfigJson()).toEqual({
      mcpServers: {
        kickstart: {
          type: "http",
          url: running.url,
          headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}` },
        },
      },
    });
  });

  it("switches the HTTP server on, says when its port is taken, and moves it", async () => {
    const { user, callsTo } = renderApp(
      mcpBackend({
        mcp_http_set: (args) => {
          const { enabled, port } = args.settings as { enabled: boolean; port: number };
          if (port < 1024) {
            return ipcError("Validation", "Use a port from 1024 to 65535.", { field: "port" });
          }
          if (port === 39217) {
            return mcpHttpStatus({
              settings: { enabled, port },
              error: "Port 39217 is in use by another program.",
            });
          }
          return mcpHttpListening(port);
        },
      }),
    );
    await openMcp(user);
    await screen.findByTestId("mcp-http-status");

    await user.click(httpSwitch());
    const status = screen.getByTestId("mcp-http-status");
    expect(callsTo("mcp_http_set").map((call) => call.args)).toEqual([
      { settings: { enabled: true, port: 39217 } },
    ]);
    // Switched on, but the port is taken: the switch stays on and the status says why.
    await waitFor(() =>
      expect(status).toHaveTextContent("Port 39217 is in use by another program."),
    );
    expect(status).toHaveAttribute("data-state", "failed");
    expect(httpSwitch()).toBeChecked();
    expect(screen.queryByTestId("mcp-http-config")).not.toBeInTheDocument();

    // Not a number: nothing is sent.
    const port = screen.getByTestId("mcp-http-port");
    await user.clear(port);
    await user.type(port, "http");
    await user.click(screen.getByTestId("mcp-http-save"));
    expect(await screen.findByTestId("field-error-port")).toHaveTextContent("Enter a port number.");
    expect(callsTo("mcp_http_set")).toHaveLength(1);

    // A port the backend refuses: its message goes under the field.
    await user.clear(port);
    await user.type(port, "80{Enter}");
    await waitFor(() =>
      expect(screen.getByTestId("field-error-port")).toHaveTextContent(
        "Use a port from 1024 to 65535.",
      ),
    );
    expect(port).toHaveAttribute("aria-invalid", "true");

    await user.clear(port);
    await user.type(port, "39218");
    await user.click(screen.getByTestId("mcp-http-save"));
    await waitFor(() =>
      expect(status).toHaveTextContent("Listening at http://127.0.0.1:39218/mcp"),
    );
    expect(callsTo("mcp_http_set").map((call) => call.args)).toEqual([
      { settings: { enabled: true, port: 39217 } },
      { settings: { enabled: true, port: 80 } },
      { settings: { enabled: true, port: 39218 } },
    ]);
    expect(screen.queryByTestId("field-error-port")).not.toBeInTheDocument();
    expect(port).toHaveValue("39218");
    expect(screen.getByTestId("mcp-http-config")).toHaveTextContent("http://127.0.0.1:39218/mcp");
  });

  it("tells a member that only an administrator can change the HTTP server", async () => {
    const { user, callsTo } = renderApp(
      mcpBackend({
        mcp_http_set: () =>
          ipcError("Forbidden", "Only administrators can change the MCP HTTP server."),
      }),
    );
    await openMcp(user);
    await screen.findByTestId("mcp-http-status");

    await user.click(httpSwitch());
    expect(await screen.findByTestId("form-error")).toHaveTextContent(
      "Only an administrator can change this.",
    );
    expect(callsTo("mcp_http_set")).toHaveLength(1);
    expect(httpSwitch()).not.toBeChecked();
    expect(screen.getByTestId("mcp-http-status")).toHaveTextContent("Off");
  });

  it("creates a token and shows its secret once, in the configuration too", async () => {
    const secret = "kst_5f1c2b9e8a7d6c5b4a39281706f5e4d3";
    const made = mcpToken({
      id: "0190a5b2-0000-7000-8000-000000000204",
      name: "Work laptop",
      hint: "e4d3",
      lastUsedAt: null,
    });
    let list: McpToken[] = [used];
    let attempts = 0;
    const { user, callsTo } = renderApp(
      mcpBackend({
        mcp_tokens_list: () => list,
        mcp_tokens_create: (args) => {
          attempts += 1;
          if (attempts === 1) {
            return ipcError("Validation", "Give the token a name.", { field: "name" });
          }
          list = [{ ...made, name: args.name as string }, ...list];
          return { token: { ...made, name: args.name as string }, secret };
        },
      }),
    );
    await openMcp(user);
    await screen.findAllByTestId("mcp-token");

    await user.click(screen.getByTestId("mcp-token-create"));
    expect(await screen.findByTestId("field-error-name")).toHaveTextContent(
      "Give the token a name.",
    );
    expect(screen.getByTestId("mcp-token-name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByTestId("mcp-token-secret")).not.toBeInTheDocument();

    await user.type(screen.getByTestId("mcp-token-name"), "  Work laptop {Enter}");
    const panel = await screen.findByTestId("mcp-token-secret");
    expect(callsTo("mcp_tokens_create").map((call) => call.args)).toEqual([
      { name: "" },
      { name: "Work laptop" },
    ]);
    expect(within(panel).getByTestId("mcp-token-secret-value")).toHaveTextContent(secret);
    expect(panel).toHaveTextContent("Copy it now — it won't be shown again.");
    expect(screen.getByTestId("mcp-token-name")).toHaveValue("");
    expect(await screen.findAllByTestId("mcp-token")).toHaveLength(2);
    expect(row("Work laptop")).toHaveTextContent("…e4d3");

    // The configuration is ready to paste, with the new secret and this app's launch command.
    expect(configJson()).toEqual({
      mcpServers: {
        kickstart: {
          command: mcpLaunch.command,
          args: mcpLaunch.args,
          env: { [mcpLaunch.tokenVariable]: secret },
        },
      },
    });
    await user.click(within(panel).getByTestId("mcp-token-secret-copy"));
    expect(await navigator.clipboard.readText()).toBe(secret);
    await user.click(screen.getByTestId("mcp-config-copy"));
    expect(await navigator.clipboard.readText()).toBe(claudeDesktopConfig(mcpLaunch, secret));

    // Once put away, the secret is gone from the page for good.
    await user.click(within(panel).getByTestId("mcp-token-secret-done"));
    expect(screen.queryByTestId("mcp-token-secret")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
    expect(configJson()).toMatchObject({
      mcpServers: { kickstart: { env: { KICKSTART_MCP_TOKEN: TOKEN_PLACEHOLDER } } },
    });
  });

  it("puts a new token in the HTTP configuration while the server runs", async () => {
    const secret = "ksm_8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    const running = mcpHttpListening();
    const made = mcpToken({
      id: "0190a5b2-0000-7000-8000-000000000205",
      name: "Cursor",
      hint: "4a39",
      lastUsedAt: null,
    });
    const { user } = renderApp(
      mcpBackend({
        mcp_http_status: () => running,
        mcp_tokens_list: () => [used],
        mcp_tokens_create: () => ({ token: made, secret }),
      }),
    );
    await openMcp(user);
    await screen.findByTestId("mcp-http-config");

    await user.type(screen.getByTestId("mcp-token-name"), "Cursor{Enter}");
    await screen.findByTestId("mcp-token-secret");
    const config = screen.getByTestId("mcp-http-config");
    expect(config).toHaveTextContent(running.url ?? "");
    expect(config).toHaveTextContent(`Bearer ${secret}`);
    expect(httpConfigJson()).toEqual({
      mcpServers: {
        kickstart: {
          type: "http",
          url: running.url,
          headers: { Authorization: `Bearer ${secret}` },
        },
      },
    });
    // Both snippets sit side by side, each with its own copy button.
    expect(configJson()).toMatchObject({
      mcpServers: { kickstart: { env: { KICKSTART_MCP_TOKEN: secret } } },
    });
    await user.click(within(config).getByRole("button", { name: "Copy HTTP configuration" }));
    expect(await navigator.clipboard.readText()).toBe(httpClientConfig(running.url ?? "", secret));

    await user.click(screen.getByTestId("mcp-token-secret-done"));
    expect(document.body).not.toHaveTextContent(secret);
    expect(httpConfigJson()).toMatchObject({
      mcpServers: { kickstart: { headers: { Authorization: `Bearer ${TOKEN_PLACEHOLDER}` } } },
    });
  });

  it("revokes a token after a confirmation", async () => {
    let list = [used, fresh];
    const { user, callsTo } = renderApp(
      mcpBackend({
        mcp_tokens_list: () => list,
        mcp_tokens_revoke: (args) => {
          const gone = { ...fresh, revokedAt: "2025-01-04T09:00:00Z" };
          list = [used, gone];
          expect(args).toEqual({ id: fresh.id });
          return gone;
        },
      }),
    );
    await openMcp(user);
    await screen.findAllByTestId("mcp-token");

    await user.click(within(row("Cursor")).getByTestId("mcp-token-revoke"));
    const dialog = await screen.findByTestId("mcp-token-revoke-dialog");
    expect(dialog).toHaveTextContent("Revoke “Cursor”?");
    // Cancelling changes nothing.
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("mcp-token-revoke-dialog")).not.toBeInTheDocument();
    expect(callsTo("mcp_tokens_revoke")).toHaveLength(0);

    await user.click(within(row("Cursor")).getByTestId("mcp-token-revoke"));
    await user.click(await screen.findByTestId("mcp-token-revoke-confirm"));
    expect(callsTo("mcp_tokens_revoke")).toHaveLength(1);
    expect(await screen.findByTestId("form-success")).toHaveTextContent("Revoked “Cursor”");
    expect(row("Cursor")).toHaveTextContent("Revoked");
    expect(within(row("Cursor")).queryByTestId("mcp-token-revoke")).not.toBeInTheDocument();
    expect(within(row("Claude Desktop")).getByTestId("mcp-token-revoke")).toBeInTheDocument();
  });
});
