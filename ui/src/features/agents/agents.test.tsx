import { act, screen, within } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { describe, expect, it, vi } from "vitest";
import { agent, connection, signedIn, taskAssistant, tools } from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { AgentInput } from "./api";
import { fillStarter, starterVariables } from "./starters";

const shared = agent({
  id: "a-shared",
  ownerId: "p2",
  ownerName: "Grace Hopper",
  isOwn: false,
  canEdit: false,
  name: "Code reviewer",
  description: "Reads diffs.",
  color: "violet",
  icon: "code",
  visibility: "shared",
  model: "gpt-4o",
  starters: [{ title: "Review", prompt: "Review {{file}}" }],
});

/** The handlers every Agents page needs; tests override what they look at. */
function agentsBackend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    agents_list: () => [taskAssistant, agent(), shared],
    providers_list: () => [connection()],
    tools_list: () => tools,
    ...overrides,
  };
}

async function openAgents(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-agents"));
  return screen.findByTestId("agents");
}

function card(name: string): HTMLElement {
  const found = screen
    .getAllByTestId("agent-card")
    .find((element) => element.dataset.name === name);
  if (!found) throw new Error(`no agent card named ${name}`);
  return found;
}

function input(scope: HTMLElement, name: string): HTMLInputElement {
  const found = scope.querySelector<HTMLInputElement>(`[name="${name}"]`);
  if (!found) throw new Error(`no input named ${name}`);
  return found;
}

describe("agents", () => {
  it("lists own and shared agents with their badges", async () => {
    const { user, callsTo } = renderApp(agentsBackend());
    await openAgents(user);

    const own = await screen.findByTestId("agents-own");
    expect(
      within(own)
        .getAllByTestId("agent-card")
        .map((element) => element.dataset.name),
    ).toEqual(["Task assistant", "Trip planner"]);
    expect(within(card("Task assistant")).getByText("Built-in")).toBeInTheDocument();
    expect(within(card("Trip planner")).queryByTestId("agent-shared-badge")).toBeNull();

    const others = screen.getByTestId("agents-shared");
    expect(within(others).getByTestId("agent-shared-badge")).toHaveTextContent(
      "Shared by Grace Hopper",
    );
    expect(within(card("Code reviewer")).getByTestId("agent-open")).toHaveTextContent("View");
    expect(within(card("Trip planner")).getByTestId("agent-open")).toHaveTextContent("Edit");
    expect(callsTo("agents_list").at(-1)?.args).toEqual({
      query: { search: null, includeArchived: false },
    });

    await user.type(screen.getByTestId("agent-search"), "trip");
    await user.click(screen.getByTestId("agent-archived-toggle"));
    await vi.waitFor(() =>
      expect(callsTo("agents_list").at(-1)?.args).toEqual({
        query: { search: "trip", includeArchived: true },
      }),
    );
  });

  it("creates an agent with every field, showing a field error under its input", async () => {
    let attempt = 0;
    const { user, callsTo } = renderApp(
      agentsBackend({
        agents_create: (args) => {
          attempt += 1;
          if (attempt === 1) {
            return ipcError("Validation", "Give the agent a name.", { field: "name" });
          }
          return agent({ id: "a-new", ...(args.input as AgentInput) });
        },
      }),
    );
    await openAgents(user);
    await user.click(screen.getByTestId("agent-new"));
    const editor = await screen.findByTestId("agent-editor");

    await user.click(screen.getByTestId("agent-save"));
    expect(await within(editor).findByTestId("field-error-name")).toHaveTextContent(
      "Give the agent a name.",
    );
    expect(input(editor, "name")).toHaveAttribute("aria-invalid", "true");

    await user.type(input(editor, "name"), "Chef");
    await user.type(input(editor, "description"), "Cooks with what you have");
    await user.click(within(editor).getByRole("radio", { name: "orange" }));
    await user.click(within(editor).getByRole("radio", { name: "Light bulb" }));
    await user.clear(input(editor, "systemPrompt"));
    await user.type(input(editor, "systemPrompt"), "You are a chef.");
    await user.selectOptions(input(editor, "connectionId"), connection().id);
    await user.type(input(editor, "model"), "gpt-4o");
    await user.type(input(editor, "temperature"), "0.7");
    await user.type(input(editor, "maxTokens"), "800");
    await user.type(input(editor, "contextWindow"), "128000");
    await user.click(screen.getByTestId("starter-add"));
    await user.type(screen.getByTestId("starter-title"), "Dinner");
    await user.click(screen.getByTestId("starter-prompt"));
    await user.paste("Dinner with {{ingredient}}");
    await user.click(screen.getByTestId("visibility-shared"));
    await user.click(screen.getByTestId("agent-save"));

    expect(await screen.findByTestId("toast")).toHaveTextContent("Created “Chef”");
    expect(screen.queryByTestId("agent-editor")).not.toBeInTheDocument();
    expect(callsTo("agents_create")[1]?.args).toEqual({
      input: {
        name: "Chef",
        description: "Cooks with what you have",
        color: "orange",
        icon: "lightbulb",
        systemPrompt: "You are a chef.",
        connectionId: connection().id,
        model: "gpt-4o",
        temperature: 0.7,
        maxTokens: 800,
        contextWindow: 128000,
        tools: [],
        starters: [{ title: "Dinner", prompt: "Dinner with {{ingredient}}" }],
        visibility: "shared",
      } satisfies AgentInput,
    });
  });

  it("saves an edited agent and shows a starter error from the backend", async () => {
    const { user, callsTo } = renderApp(
      agentsBackend({
        agents_update: () =>
          ipcError("Validation", "A starter needs a title.", { field: "starters[0].title" }),
      }),
    );
    await openAgents(user);
    await user.click(within(card("Trip planner")).getByTestId("agent-open"));
    const editor = await screen.findByTestId("agent-editor");
    expect(input(editor, "name")).toHaveValue("Trip planner");
    await user.type(input(editor, "temperature"), "warm");
    await user.click(screen.getByTestId("agent-save"));
    // Not a number: caught here, the backend is not asked.
    expect(await within(editor).findByTestId("field-error-temperature")).toBeInTheDocument();
    expect(callsTo("agents_update")).toHaveLength(0);

    await user.clear(input(editor, "temperature"));
    await user.click(screen.getByTestId("agent-save"));
    expect(await within(editor).findByTestId("field-error-starters")).toHaveTextContent(
      "A starter needs a title.",
    );
    expect(callsTo("agents_update")[0]?.args).toMatchObject({ id: agent().id });
  });

  it("offers the tools as checkboxes, marks those that ask first, and saves the choice", async () => {
    const planner = agent({ tools: ["add_tasks", "a_tool_since_removed"] });
    const { user, callsTo } = renderApp(
      agentsBackend({
        agents_list: () => [taskAssistant, planner],
        agents_update: (args) => agent({ ...(args.input as AgentInput) }),
      }),
    );
    await openAgents(user);
    await user.click(within(card("Trip planner")).getByTestId("agent-open"));
    const editor = await screen.findByTestId("agent-editor");

    const boxes = await within(editor).findAllByTestId("agent-tool");
    expect(boxes.map((box) => box.dataset.tool)).toEqual([
      "list_tasks",
      "add_tasks",
      "delete_tasks",
    ]);
    const box = (name: string) => {
      const found = boxes.find((element) => element.dataset.tool === name);
      if (!found) throw new Error(`no checkbox for ${name}`);
      return found;
    };
    expect(box("add_tasks")).toBeChecked();
    expect(box("list_tasks")).not.toBeChecked();
    expect(box("delete_tasks")).toHaveAccessibleName(expect.stringContaining("Delete tasks"));
    const asks = within(editor).getAllByTestId("agent-tool-asks");
    expect(asks).toHaveLength(1);
    expect(asks[0]).toHaveTextContent("Asks first");
    expect(box("delete_tasks").closest("label")).toContainElement(asks[0] as HTMLElement);

    await user.click(box("delete_tasks"));
    await user.click(box("list_tasks"));
    await user.click(box("add_tasks"));
    await user.click(screen.getByTestId("agent-save"));
    await vi.waitFor(() => expect(callsTo("agents_update")).toHaveLength(1));
    // In the order they are offered; a tool the list no longer has is kept, not dropped.
    expect((callsTo("agents_update")[0]?.args.input as AgentInput).tools).toEqual([
      "list_tasks",
      "delete_tasks",
      "a_tool_since_removed",
    ]);
  });

  it("shows a shared agent read-only, with Duplicate instead of Save", async () => {
    const copy = agent({
      id: "a-copy",
      name: "Code reviewer (copy)",
      color: "violet",
      icon: "code",
    });
    const { user, callsTo } = renderApp(agentsBackend({ agents_duplicate: () => copy }));
    await openAgents(user);
    await user.click(within(card("Code reviewer")).getByTestId("agent-open"));
    const editor = await screen.findByTestId("agent-editor");

    expect(editor).toHaveTextContent("Shared by Grace Hopper");
    expect(within(editor).queryByTestId("agent-save")).not.toBeInTheDocument();
    expect(input(editor, "name")).toBeDisabled();
    expect(input(editor, "systemPrompt")).toBeDisabled();
    expect(input(editor, "name")).toHaveValue("Code reviewer");

    await user.click(within(editor).getByTestId("agent-duplicate"));
    expect(callsTo("agents_duplicate")[0]?.args).toEqual({ id: shared.id });
    // The copy opens, now editable.
    await vi.waitFor(() =>
      expect(input(screen.getByTestId("agent-editor"), "name")).toHaveValue("Code reviewer (copy)"),
    );
    expect(screen.getByTestId("agent-save")).toBeInTheDocument();
    expect(input(screen.getByTestId("agent-editor"), "name")).toBeEnabled();
  });

  it("archives with undo, but never the built-in agent", async () => {
    const { user, callsTo } = renderApp(
      agentsBackend({
        agents_set_archived: (args) => agent({ archived: args.archived as boolean }),
      }),
    );
    await openAgents(user);
    await user.click(within(card("Task assistant")).getByTestId("agent-menu"));
    expect(screen.queryByTestId("agent-archive")).not.toBeInTheDocument();
    await user.keyboard("{Escape}");

    await user.click(within(card("Trip planner")).getByTestId("agent-menu"));
    await user.click(screen.getByTestId("agent-archive"));
    expect(await screen.findByTestId("toast")).toHaveTextContent("Archived “Trip planner”");
    await user.click(screen.getByTestId("toast-action"));
    expect(callsTo("agents_set_archived").map((call) => call.args)).toEqual([
      { id: agent().id, archived: true },
      { id: agent().id, archived: false },
    ]);
  });

  it("exports to JSON with a copy button, and imports pasted JSON", async () => {
    const exported = '{"name":"Trip planner"}';
    let attempt = 0;
    const { user, callsTo } = renderApp(
      agentsBackend({
        agents_export: () => exported,
        agents_import: () => {
          attempt += 1;
          if (attempt === 1) {
            return ipcError("Validation", "This is not an agent export.", { field: "json" });
          }
          return agent({ id: "a-imported", name: "Imported planner" });
        },
      }),
    );
    await openAgents(user);
    await user.click(within(card("Trip planner")).getByTestId("agent-menu"));
    await user.click(screen.getByTestId("agent-export"));
    const pretty = '{\n  "name": "Trip planner"\n}';
    expect(await screen.findByTestId("agent-export-json")).toHaveValue(pretty);
    await user.click(screen.getByTestId("agent-export-copy"));
    expect(await navigator.clipboard.readText()).toBe(pretty);
    expect(callsTo("agents_export")[0]?.args).toEqual({ id: agent().id });
    await user.keyboard("{Escape}");

    await user.click(screen.getByTestId("agent-import"));
    const dialog = await screen.findByTestId("agent-import-dialog");
    await user.click(within(dialog).getByTestId("agent-import-json"));
    await user.paste("not json");
    await user.click(within(dialog).getByTestId("agent-import-save"));
    expect(await within(dialog).findByTestId("field-error-json")).toHaveTextContent(
      "This is not an agent export.",
    );
    await user.click(within(dialog).getByTestId("agent-import-save"));
    expect(await screen.findByTestId("toast")).toHaveTextContent("Imported “Imported planner”");
    expect(callsTo("agents_import")[1]?.args).toEqual({ json: "not json" });
  });

  it("opens a new chat with the agent from its Chat button", async () => {
    const { user } = renderApp(agentsBackend());
    await openAgents(user);
    await user.click(within(card("Code reviewer")).getByTestId("agent-chat"));
    await screen.findByTestId("chat");
    await vi.waitFor(() => expect(screen.getByTestId("agent-picker")).toHaveValue(shared.id));
    expect(await screen.findByTestId("starter-chip")).toHaveTextContent("Review");
  });

  it("reads the agents again when another window or a provider change touches them", async () => {
    let list = [taskAssistant];
    const { user, callsTo } = renderApp(agentsBackend({ agents_list: () => list }), {
      events: true,
    });
    await openAgents(user);
    expect(await screen.findAllByTestId("agent-card")).toHaveLength(1);
    list = [taskAssistant, agent()];
    await act(() => emit("agents-changed", null));
    await vi.waitFor(() => expect(screen.getAllByTestId("agent-card")).toHaveLength(2));
    const before = callsTo("agents_list").length;
    await act(() => emit("providers-changed", null));
    await vi.waitFor(() => expect(callsTo("agents_list").length).toBeGreaterThan(before));
  });

  it("reads starter variables in order, once each", () => {
    expect(starterVariables("Plan {{ city }} for {{days}} days in {{city}}")).toEqual([
      "city",
      "days",
    ]);
    expect(fillStarter("Plan {{ city }} in {{x}}", { city: "Rome" })).toBe("Plan Rome in {{x}}");
  });
});
