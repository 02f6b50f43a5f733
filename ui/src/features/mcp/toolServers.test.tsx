import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mcpServer, signedIn } from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { McpServer } from "./api";
import { describeTransport } from "./ToolServersTab";

const running = mcpServer();
const failing = mcpServer({
  id: "0190a5b2-0000-7000-8000-000000000302",
  name: "github",
  variableNames: [],
  tools: [],
  status: {
    state: "failed",
    message: "The server did not start an MCP session: connection closed.",
    stderr: "Error: GITHUB_TOKEN is not set",
  },
});

function backend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    mcp_servers_list: () => [running, failing],
    ...overrides,
  };
}

async function openTab(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-settings"));
  await user.click(await screen.findByTestId("settings-tab-tool-servers"));
  return screen.findByTestId("settings-tool-servers");
}

function card(name: string): HTMLElement {
  const found = screen.getAllByTestId("tool-server").find((item) => item.dataset.name === name);
  if (!found) throw new Error(`no server card named ${name}`);
  return found;
}

describe("settings → tool servers", () => {
  it("shows each server's launch line, status, tools and what a failing one wrote", async () => {
    const { user } = renderApp(backend());
    await openTab(user);
    await screen.findAllByTestId("tool-server");
    const files = card("files");
    expect(files).toHaveTextContent("Running");
    expect(files).toHaveTextContent(
      "npx -y @modelcontextprotocol/server-filesystem /home/ada/Documents",
    );
    expect(files).toHaveTextContent("Environment: API_TOKEN");
    const tools = within(files).getAllByTestId("tool-server-tool");
    expect(tools.map((tool) => tool.textContent)).toEqual(["Read file", "Write file"]);
    expect(within(files).getByLabelText("Asks first")).toBeInTheDocument();
    expect(within(files).getByTestId("tool-server-connect")).toHaveTextContent("Restart");

    const github = card("github");
    expect(github).toHaveTextContent("Not working");
    expect(within(github).getByTestId("tool-server-problem")).toHaveTextContent(
      "did not start an MCP session",
    );
    expect(within(github).getByTestId("tool-server-stderr")).toHaveTextContent(
      "GITHUB_TOKEN is not set",
    );
    expect(within(github).getByTestId("tool-server-connect")).toHaveTextContent("Connect");
  });

  it("adds a program with arguments one per line and secret variables, then connects it", async () => {
    let saved: McpServer[] = [];
    const { user, callsTo } = renderApp(
      backend({
        mcp_servers_list: () => saved,
        mcp_servers_create: () => {
          const made = mcpServer({ tools: [], status: { state: "stopped" } });
          saved = [made];
          return made;
        },
        mcp_servers_connect: () => {
          saved = [mcpServer()];
          return saved[0];
        },
        tools_list: () => [],
      }),
    );
    await openTab(user);
    expect(await screen.findByTestId("tool-server-empty")).toHaveTextContent("No tool servers yet");
    await user.click(screen.getByTestId("tool-server-add"));
    const dialog = await screen.findByTestId("tool-server-dialog");
    await user.type(within(dialog).getByTestId("tool-server-name"), "Files");
    expect(within(dialog).getByTestId("tool-server-name")).toHaveValue("files");
    await user.type(within(dialog).getByTestId("tool-server-command"), "npx");
    await user.type(
      within(dialog).getByTestId("tool-server-args"),
      "-y{enter}@modelcontextprotocol/server-filesystem{enter}{enter}/home/ada/My Documents",
    );
    await user.click(within(dialog).getByTestId("tool-server-variable-add"));
    await user.type(within(dialog).getByTestId("tool-server-variable-name"), "API_TOKEN");
    await user.type(within(dialog).getByTestId("tool-server-variable-value"), "s3cret");
    expect(within(dialog).getByTestId("tool-server-variable-value")).toHaveAttribute(
      "type",
      "password",
    );
    await user.click(within(dialog).getByTestId("tool-server-save"));

    await waitFor(() => expect(callsTo("mcp_servers_connect")).toHaveLength(1));
    expect(callsTo("mcp_servers_create")[0]?.args).toEqual({
      server: {
        name: "files",
        transport: {
          kind: "stdio",
          command: "npx",
          args: ["-y", "@modelcontextprotocol/server-filesystem", "/home/ada/My Documents"],
        },
        variables: [{ name: "API_TOKEN", value: "s3cret" }],
      },
    });
    expect(await screen.findAllByTestId("tool-server-tool")).toHaveLength(2);
  });

  it("edits without re-sending stored values, and shows the backend's field errors", async () => {
    const { user, callsTo } = renderApp(
      backend({
        mcp_servers_update: (args) => {
          const patch = args.patch as { transport: { kind: string } };
          if (patch.transport.kind === "http") {
            return ipcError("Validation", "The address must start with http:// or https://.", {
              field: "url",
            });
          }
          return running;
        },
        tools_list: () => [],
      }),
    );
    await openTab(user);
    await user.click(within(card("files")).getByTestId("tool-server-edit"));
    const dialog = await screen.findByTestId("tool-server-dialog");
    expect(within(dialog).getByTestId("tool-server-name")).toBeDisabled();
    expect(within(dialog).getByTestId("tool-server-variable-value")).toHaveAttribute(
      "placeholder",
      expect.stringContaining("stored"),
    );
    await user.click(within(dialog).getByTestId("tool-server-enabled"));
    await user.click(within(dialog).getByTestId("tool-server-save"));
    await waitFor(() => expect(callsTo("mcp_servers_update")).toHaveLength(1));
    expect(callsTo("mcp_servers_update")[0]?.args).toEqual({
      id: running.id,
      patch: {
        transport: running.transport,
        variables: [{ name: "API_TOKEN", value: null }],
        enabled: false,
      },
    });
    await waitFor(() => expect(screen.queryByTestId("tool-server-dialog")).not.toBeInTheDocument());

    await user.click(within(card("files")).getByTestId("tool-server-edit"));
    const again = await screen.findByTestId("tool-server-dialog");
    await user.click(within(again).getByTestId("tool-server-kind-http"));
    await user.type(within(again).getByTestId("tool-server-url"), "ftp://example.com");
    await user.click(within(again).getByTestId("tool-server-save"));
    expect(await within(again).findByTestId("field-error-url")).toHaveTextContent(
      "must start with http://",
    );
  });

  it("removes a server after asking", async () => {
    let list = [running, failing];
    const { user, callsTo } = renderApp(
      backend({
        mcp_servers_list: () => list,
        mcp_servers_delete: () => {
          list = [failing];
          return null;
        },
        tools_list: () => [],
      }),
    );
    await openTab(user);
    await user.click(within(card("files")).getByTestId("tool-server-remove"));
    await user.click(await screen.findByTestId("tool-server-remove-confirm"));
    await waitFor(() => expect(screen.getAllByTestId("tool-server")).toHaveLength(1));
    expect(callsTo("mcp_servers_delete")[0]?.args).toEqual({ id: running.id });
  });

  it("quotes arguments with spaces in the launch line", () => {
    expect(
      describeTransport({ kind: "stdio", command: "npx", args: ["-y", "pkg", "/My Files"] }),
    ).toBe('npx -y pkg "/My Files"');
    expect(describeTransport({ kind: "http", url: "https://example.com/mcp" })).toBe(
      "https://example.com/mcp",
    );
  });
});
