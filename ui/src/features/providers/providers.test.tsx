import { act, screen, within } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { describe, expect, it, vi } from "vitest";
import { connection, keychainOk, presets, session, signedIn } from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { ConnectionPatch, NewConnection, ProviderConnection } from "./api";

/** The handlers every Providers tab needs; tests override what they look at. */
function providersBackend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    providers_list: () => [],
    providers_presets: () => presets,
    secrets_status: () => keychainOk,
    ...overrides,
  };
}

async function openProviders(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-settings"));
  await user.click(await screen.findByTestId("settings-tab-providers"));
  return screen.findByTestId("settings-providers");
}

function row(name: string): HTMLElement {
  const found = screen
    .getAllByTestId("provider-row")
    .find((element) => element.dataset.name === name);
  if (!found) throw new Error(`no provider row named ${name}`);
  return found;
}

function input(scope: HTMLElement, name: string): HTMLInputElement {
  const found = scope.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  if (!found) throw new Error(`no input named ${name}`);
  return found;
}

const NO_CHANGE: ConnectionPatch = {
  name: null,
  baseUrl: null,
  defaultModel: null,
  apiKey: null,
  clearKey: false,
};

const ollama = connection({
  id: "c2",
  kind: "openaiCompatible",
  name: "Ollama",
  baseUrl: "http://localhost:11434/v1",
  defaultModel: null,
  isDefault: false,
  hasKey: false,
  keyStorage: "none",
});

describe("providers", () => {
  it("explains providers when there are none, for members too", async () => {
    const { user, callsTo } = renderApp(
      providersBackend({ auth_status: () => signedIn(session({}, { role: "member" })) }),
    );
    const tab = await openProviders(user);

    expect(await within(tab).findByText("Connect an AI provider")).toBeInTheDocument();
    expect(within(tab).getByText(/A provider runs the models your agents talk to/)).toBeVisible();
    expect(screen.getAllByTestId("providers-add")).toHaveLength(1);
    expect(screen.queryByTestId("secrets-warning")).not.toBeInTheDocument();
    expect(callsTo("providers_list")).toHaveLength(1);
  });

  it("lists connections with their kind, model, default and key status", async () => {
    const vaulted = connection({
      id: "c3",
      kind: "anthropic",
      name: "Claude at work",
      baseUrl: "https://api.anthropic.com/v1",
      defaultModel: "claude-sonnet-4-5",
      isDefault: false,
      keyStorage: "vault",
    });
    const { user } = renderApp(
      providersBackend({ providers_list: () => [connection(), vaulted, ollama] }),
    );
    await openProviders(user);

    const rows = await screen.findAllByTestId("provider-row");
    expect(rows.map((element) => element.dataset.name)).toEqual([
      "OpenAI",
      "Claude at work",
      "Ollama",
    ]);
    const openai = row("OpenAI");
    expect(within(openai).getByText("Default")).toBeInTheDocument();
    expect(within(openai).getByText("https://api.openai.com/v1")).toBeInTheDocument();
    expect(within(openai).getByTestId("provider-default-model")).toHaveTextContent("gpt-4o-mini");
    expect(within(openai).getByTestId("provider-key-status")).toHaveTextContent(
      "Key stored in your system keychain",
    );
    expect(within(openai).queryByTestId("provider-set-default")).not.toBeInTheDocument();

    const claude = row("Claude at work");
    expect(within(claude).getByText("Anthropic")).toBeInTheDocument();
    expect(within(claude).getByTestId("provider-key-status")).toHaveTextContent(
      "Key stored in the encrypted vault",
    );
    expect(within(claude).queryByText("Default")).not.toBeInTheDocument();

    const local = row("Ollama");
    // The address matches the Ollama preset, so the badge names it.
    expect(within(local).getAllByText("Ollama")).toHaveLength(2);
    expect(within(local).getByTestId("provider-default-model")).toHaveTextContent(
      "No default model",
    );
    expect(within(local).getByTestId("provider-key-status")).toHaveTextContent("No key");
  });

  it("adds a provider from a preset, sending the key only to the backend", async () => {
    let list: ProviderConnection[] = [];
    const created = connection({ id: "new" });
    const { user, callsTo, unexpected } = renderApp(
      providersBackend({
        providers_list: () => list,
        providers_create: () => {
          list = [created];
          return created;
        },
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("providers-add"));
    const form = await screen.findByTestId("provider-dialog");

    // The first preset is chosen and focused; choosing another fills its address and model.
    expect(screen.getByTestId("provider-preset-openai")).toBeChecked();
    expect(screen.getByTestId("provider-preset-openai")).toHaveFocus();
    await user.click(screen.getByTestId("provider-preset-ollama"));
    expect(input(form, "name")).toHaveValue("Ollama");
    expect(input(form, "baseUrl")).toHaveValue("http://localhost:11434/v1");
    expect(input(form, "defaultModel")).toHaveValue("llama3.2");
    expect(within(form).getByText("(optional)")).toBeInTheDocument();

    // What the person typed stays when the preset changes; the rest follows the preset.
    await user.clear(input(form, "name"));
    await user.type(input(form, "name"), "My OpenAI");
    await user.click(screen.getByTestId("provider-preset-openai"));
    expect(input(form, "name")).toHaveValue("My OpenAI");
    expect(input(form, "baseUrl")).toHaveValue("https://api.openai.com/v1");
    expect(input(form, "defaultModel")).toHaveValue("gpt-4o-mini");
    expect(within(form).queryByText("(optional)")).not.toBeInTheDocument();

    const key = input(form, "apiKey");
    expect(key).toHaveAttribute("type", "password");
    expect(
      within(form).getByText(/Stored in your system keychain, never in the app's files/),
    ).toBeInTheDocument();
    await user.type(key, "sk-test-123");
    // The first connection becomes the default unless unchecked.
    expect(input(form, "makeDefault")).toBeChecked();
    await user.click(screen.getByTestId("provider-save"));

    expect(await screen.findByText("Added OpenAI.")).toBeInTheDocument();
    expect(screen.queryByTestId("provider-dialog")).not.toBeInTheDocument();
    expect(callsTo("providers_create")[0]?.args).toEqual({
      input: {
        kind: "openai",
        name: "My OpenAI",
        baseUrl: "https://api.openai.com/v1",
        defaultModel: "gpt-4o-mini",
        apiKey: "sk-test-123",
        makeDefault: true,
      } satisfies NewConnection,
    });
    expect(await screen.findByTestId("provider-row")).toHaveAttribute("data-name", "OpenAI");
    expect(document.body).not.toHaveTextContent("sk-test-123");
    expect(unexpected).not.toHaveBeenCalled();
  });

  it("sends no key for a local server and suggests a free name", async () => {
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [ollama],
        providers_create: (args) => ({ ...ollama, id: "c9", ...(args.input as object) }),
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("providers-add"));
    const form = await screen.findByTestId("provider-dialog");
    await user.click(screen.getByTestId("provider-preset-ollama"));
    expect(input(form, "name")).toHaveValue("Ollama 2");
    // There is no default yet, so the box starts ticked; leave it off this time.
    await user.click(input(form, "makeDefault"));
    await user.click(screen.getByTestId("provider-save"));

    await vi.waitFor(() => expect(callsTo("providers_create")).toHaveLength(1));
    expect(callsTo("providers_create")[0]?.args.input).toMatchObject({
      kind: "openaiCompatible",
      name: "Ollama 2",
      baseUrl: "http://localhost:11434/v1",
      apiKey: null,
      makeDefault: false,
    });
  });

  it("shows a field error under its input and other errors in an alert", async () => {
    let attempt = 0;
    const { user } = renderApp(
      providersBackend({
        providers_create: () => {
          attempt += 1;
          if (attempt === 1) {
            return ipcError("Validation", "Enter an address starting with http:// or https://.", {
              field: "baseUrl",
            });
          }
          return ipcError("Conflict", "You already have a connection named OpenAI.", {
            field: "name",
          });
        },
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("providers-add"));
    const form = await screen.findByTestId("provider-dialog");
    await user.clear(input(form, "baseUrl"));
    await user.type(input(form, "baseUrl"), "api.openai.com");
    await user.click(screen.getByTestId("provider-save"));

    expect(await within(form).findByTestId("field-error-baseUrl")).toHaveTextContent(
      "Enter an address starting with http:// or https://.",
    );
    expect(input(form, "baseUrl")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByTestId("form-error")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("provider-save"));
    expect(await within(form).findByTestId("field-error-name")).toHaveTextContent(
      "You already have a connection named OpenAI.",
    );
    expect(within(form).queryByTestId("field-error-baseUrl")).not.toBeInTheDocument();
  });

  it("puts an error about no field of the form in an alert", async () => {
    const { user } = renderApp(
      providersBackend({
        providers_create: () => ipcError("VaultLocked", "The vault is locked. Sign in again."),
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("providers-add"));
    const form = await screen.findByTestId("provider-dialog");
    await user.click(screen.getByTestId("provider-save"));
    expect(await within(form).findByTestId("form-error")).toHaveTextContent(
      "The vault is locked. Sign in again.",
    );
  });

  it("tests a connection: latency and models, or what failed in plain words", async () => {
    const { user, callsTo, unexpected } = renderApp(
      providersBackend({
        providers_list: () => [connection(), ollama],
        providers_check: (args) =>
          args.id === "c2"
            ? ipcError("ProviderAuth", "OpenAI says the API key is not valid (401).")
            : {
                latencyMs: 142.4,
                models: [
                  { id: "gpt-4o", ownedBy: "openai" },
                  { id: "gpt-4o-mini", ownedBy: "openai" },
                ],
                message: "Connected — 2 models available.",
              },
      }),
    );
    await openProviders(user);

    const openai = row("OpenAI");
    await user.click(within(openai).getByTestId("provider-check"));
    const ok = await within(openai).findByTestId("provider-check-result");
    expect(ok).toHaveTextContent("Connected — 2 models available.");
    expect(ok).toHaveTextContent("Answered in 142 ms.");
    expect(callsTo("providers_check")[0]?.args).toEqual({ id: connection().id });

    // The models the check read open without asking the provider again.
    await user.click(within(ok).getByRole("button", { name: "Show the 2 models" }));
    expect(within(openai).getAllByTestId("provider-model")).toHaveLength(2);
    expect(callsTo("providers_models")).toHaveLength(0);

    const local = row("Ollama");
    await user.click(within(local).getByTestId("provider-check"));
    const failed = await within(local).findByTestId("provider-check-result");
    expect(failed).toHaveTextContent("The API key was refused.");
    expect(failed).toHaveTextContent("OpenAI says the API key is not valid (401).");
    expect(failed).toHaveAttribute("role", "alert");
    expect(unexpected).not.toHaveBeenCalled();
  });

  it("says when to try again after a rate limit", async () => {
    const { user } = renderApp(
      providersBackend({
        providers_list: () => [connection()],
        providers_check: () =>
          ipcError("ProviderRateLimited", "OpenAI is rate limiting this key.", {
            retryAfterSecs: 30,
          }),
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("provider-check"));
    const result = await screen.findByTestId("provider-check-result");
    expect(result).toHaveTextContent("Too many requests.");
    expect(result).toHaveTextContent("OpenAI is rate limiting this key. Try again in 30 seconds.");
  });

  it("lists models and makes the chosen one the default model", async () => {
    let current = ollama;
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [current],
        providers_models: () => [
          { id: "llama3.2", ownedBy: "library" },
          { id: "qwen2.5-coder", ownedBy: null },
        ],
        providers_update: (args) => {
          const patch = args.patch as ConnectionPatch;
          current = { ...current, defaultModel: patch.defaultModel };
          return current;
        },
      }),
    );
    await openProviders(user);

    const local = row("Ollama");
    const toggle = within(local).getByTestId("provider-models");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const list = await within(local).findByTestId("provider-models-list");
    const items = within(list).getAllByTestId("provider-model");
    expect(items.map((item) => item.dataset.model)).toEqual(["llama3.2", "qwen2.5-coder"]);
    expect(callsTo("providers_models")[0]?.args).toEqual({ id: "c2" });

    await user.click(items[1] as HTMLElement);
    expect(callsTo("providers_update")[0]?.args).toEqual({
      id: "c2",
      patch: { ...NO_CHANGE, defaultModel: "qwen2.5-coder" },
    });
    await vi.waitFor(() =>
      expect(within(list).getAllByTestId("provider-model")[1]).toHaveAttribute(
        "aria-pressed",
        "true",
      ),
    );
    expect(
      within(local).getByText("qwen2.5-coder", { selector: ".provider-meta span" }),
    ).toBeInTheDocument();
    expect(within(local).queryByText("No default model")).not.toBeInTheDocument();
  });

  it("shows a models failure in plain words", async () => {
    const { user } = renderApp(
      providersBackend({
        providers_list: () => [ollama],
        providers_models: () =>
          ipcError("ProviderUnreachable", "Nothing answers at http://localhost:11434."),
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("provider-models"));
    const failed = await screen.findByRole("alert");
    expect(failed).toHaveTextContent("Could not reach the server.");
    expect(failed).toHaveTextContent("Nothing answers at http://localhost:11434.");
  });

  it("shows a refused key once, and no stale model count", async () => {
    let modelsCalls = 0;
    const refused = () => ipcError("ProviderAuth", "OpenAI says the API key is not valid (401).");
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [connection()],
        providers_models: () => {
          modelsCalls += 1;
          return modelsCalls === 1
            ? [
                { id: "gpt-4o", ownedBy: "openai" },
                { id: "gpt-4o-mini", ownedBy: "openai" },
              ]
            : refused();
        },
        providers_update: () => connection(),
        providers_check: refused,
      }),
    );
    await openProviders(user);
    const openai = row("OpenAI");
    await user.click(within(openai).getByTestId("provider-models"));
    const panel = within(openai).getByRole("region", { name: "Models of OpenAI" });
    expect(await within(panel).findAllByTestId("provider-model")).toHaveLength(2);
    expect(within(panel).getByRole("heading", { level: 4 })).toHaveTextContent("Models · 2");

    // A new key reloads the open list; the provider refuses it.
    await user.click(within(openai).getByTestId("provider-edit"));
    const form = await screen.findByTestId("provider-dialog");
    await user.type(input(form, "apiKey"), "sk-wrong");
    await user.click(screen.getByTestId("provider-save"));
    const failed = await within(panel).findByRole("alert");
    expect(failed).toHaveTextContent("The API key was refused.");
    expect(callsTo("providers_models")).toHaveLength(2);
    // The list it had before is gone, and so is its count.
    expect(within(panel).getByRole("heading", { level: 4 })).toHaveTextContent(/^Models$/);
    expect(within(panel).queryByTestId("provider-models-list")).not.toBeInTheDocument();

    // Testing the connection says it under the row; the panel doesn't say it again.
    await user.click(within(openai).getByTestId("provider-check"));
    const result = await within(openai).findByTestId("provider-check-result");
    expect(result).toHaveTextContent("The API key was refused.");
    await vi.waitFor(() => expect(within(openai).getAllByRole("alert")).toHaveLength(1));
    expect(within(openai).getAllByText(/OpenAI says the API key is not valid/)).toHaveLength(1);
    expect(within(panel).getByTestId("provider-models-unavailable")).toHaveTextContent(
      "The models will show here once the connection works.",
    );
    expect(within(panel).getByRole("heading", { level: 4 })).toHaveTextContent(/^Models$/);
  });

  it("makes a connection the default", async () => {
    let list = [connection(), ollama];
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => list,
        providers_set_default: () => {
          list = [
            { ...ollama, isDefault: true },
            { ...connection(), isDefault: false },
          ];
          return list[0];
        },
      }),
    );
    await openProviders(user);
    await user.click(within(row("Ollama")).getByTestId("provider-set-default"));

    expect(await screen.findByText("Ollama is now your default provider.")).toBeInTheDocument();
    expect(callsTo("providers_set_default")[0]?.args).toEqual({ id: "c2" });
    await vi.waitFor(() =>
      expect(screen.getAllByTestId("provider-row")[0]).toHaveAttribute("data-name", "Ollama"),
    );
    expect(within(row("Ollama")).getByText("Default")).toBeInTheDocument();
  });

  it("edits a connection without ever showing its key, and can remove the key", async () => {
    let current = connection();
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [current],
        providers_update: (args) => {
          const patch = args.patch as ConnectionPatch;
          current = {
            ...current,
            name: patch.name ?? current.name,
            hasKey: patch.clearKey ? false : current.hasKey,
            keyStorage: patch.clearKey ? "none" : current.keyStorage,
          };
          return current;
        },
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("provider-edit"));
    let form = await screen.findByTestId("provider-dialog");
    expect(input(form, "name")).toHaveFocus();
    expect(input(form, "apiKey")).toHaveValue("");
    expect(input(form, "apiKey")).toHaveAttribute(
      "placeholder",
      "•••••••• stored — type to replace",
    );

    // A new name only: nothing else is sent.
    await user.type(input(form, "name"), " (work)");
    await user.click(screen.getByTestId("provider-save"));
    expect(await screen.findByText("Saved OpenAI (work).")).toBeInTheDocument();
    expect(callsTo("providers_update")[0]?.args).toEqual({
      id: current.id,
      patch: { ...NO_CHANGE, name: "OpenAI (work)" },
    });

    // Removing the key happens on save, and can be taken back before.
    await user.click(await screen.findByTestId("provider-edit"));
    form = await screen.findByTestId("provider-dialog");
    await user.click(within(form).getByTestId("provider-key-remove"));
    expect(input(form, "apiKey")).not.toHaveAttribute("placeholder");
    expect(within(form).getByText("The stored key will be removed when you save.")).toBeVisible();
    await user.click(screen.getByTestId("provider-save"));
    await vi.waitFor(() =>
      expect(screen.getByTestId("provider-key-status")).toHaveTextContent("No key"),
    );
    expect(callsTo("providers_update")[1]?.args).toEqual({
      id: current.id,
      patch: { ...NO_CHANGE, clearKey: true },
    });

    // Nothing changed: the dialog just closes.
    await user.click(screen.getByTestId("provider-edit"));
    await user.click(await screen.findByTestId("provider-save"));
    expect(screen.queryByTestId("provider-dialog")).not.toBeInTheDocument();
    expect(callsTo("providers_update")).toHaveLength(2);
  });

  it("replaces a stored key with a new one", async () => {
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [connection()],
        providers_update: () => connection(),
      }),
    );
    await openProviders(user);
    await user.click(await screen.findByTestId("provider-edit"));
    const form = await screen.findByTestId("provider-dialog");
    await user.type(input(form, "apiKey"), "sk-new");
    await user.clear(input(form, "defaultModel"));
    await user.click(screen.getByTestId("provider-save"));
    await vi.waitFor(() => expect(callsTo("providers_update")).toHaveLength(1));
    expect(callsTo("providers_update")[0]?.args.patch).toEqual({
      ...NO_CHANGE,
      defaultModel: "",
      apiKey: "sk-new",
    });
  });

  it("removes a connection after confirming", async () => {
    let list = [connection(), ollama];
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => list,
        providers_delete: () => {
          list = [connection()];
          return null;
        },
      }),
    );
    await openProviders(user);
    await user.click(within(row("Ollama")).getByTestId("provider-delete"));
    const dialog = await screen.findByTestId("provider-delete-dialog");
    expect(dialog).toHaveTextContent("Remove Ollama?");
    await user.keyboard("{Escape}");
    expect(callsTo("providers_delete")).toHaveLength(0);

    await user.click(within(row("Ollama")).getByTestId("provider-delete"));
    await user.click(await screen.findByTestId("provider-delete-confirm"));
    expect(await screen.findByText("Removed Ollama.")).toBeInTheDocument();
    expect(callsTo("providers_delete")[0]?.args).toEqual({ id: "c2" });
    await vi.waitFor(() => expect(screen.getAllByTestId("provider-row")).toHaveLength(1));
  });

  it("warns when there is no keychain and turns the encrypted vault on", async () => {
    let vault: "off" | "unlocked" = "off";
    const { user, callsTo } = renderApp(
      providersBackend({
        secrets_status: () => ({
          keychain: false,
          keychainHelp: "Install and start gnome-keyring (or another Secret Service).",
          vault,
        }),
        secrets_enable_vault: (args) => {
          if (args.password !== "right-password") {
            return ipcError("InvalidCredentials", "That password is not right.");
          }
          vault = "unlocked";
          return { keychain: false, keychainHelp: null, vault };
        },
      }),
    );
    await openProviders(user);

    const warning = await screen.findByTestId("secrets-warning");
    expect(warning).toHaveTextContent("No system keychain found");
    expect(warning).toHaveTextContent("Install and start gnome-keyring");
    await user.click(within(warning).getByTestId("vault-enable"));

    const dialog = await screen.findByTestId("vault-dialog");
    const password = input(dialog, "password");
    expect(password).toHaveFocus();
    await user.type(password, "wrong-password");
    await user.click(within(dialog).getByTestId("vault-submit"));
    expect(await within(dialog).findByTestId("field-error-password")).toHaveTextContent(
      "That password is not right.",
    );

    await user.clear(password);
    await user.type(password, "right-password");
    await user.click(within(dialog).getByTestId("vault-submit"));
    expect(await screen.findByTestId("secrets-vault-note")).toBeInTheDocument();
    expect(screen.queryByTestId("secrets-warning")).not.toBeInTheDocument();
    expect(screen.queryByTestId("vault-dialog")).not.toBeInTheDocument();
    expect(callsTo("secrets_enable_vault").at(-1)?.args).toEqual({ password: "right-password" });
  });

  it("starts a new vault in place of one that no longer opens", async () => {
    let vault: "locked" | "unlocked" = "locked";
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [connection({ keyStorage: "vault" })],
        secrets_status: () => ({ keychain: false, keychainHelp: "Install gnome-keyring.", vault }),
        secrets_enable_vault: () => {
          vault = "unlocked";
          return { keychain: false, keychainHelp: null, vault };
        },
      }),
    );
    await openProviders(user);

    const warning = await screen.findByTestId("secrets-warning");
    expect(warning).toHaveTextContent("Your encrypted vault is locked");
    expect(within(warning).queryByTestId("vault-enable")).not.toBeInTheDocument();
    await user.click(within(warning).getByTestId("vault-replace"));

    const dialog = await screen.findByTestId("vault-dialog");
    expect(dialog).toHaveTextContent("Start a new vault?");
    // Plainly: the keys in the old vault are gone and must be entered again.
    expect(dialog).toHaveTextContent("the API keys stored in it can't be recovered");
    expect(dialog).toHaveTextContent("You will need to enter those API keys again.");
    await user.keyboard("{Escape}");
    expect(callsTo("secrets_enable_vault")).toHaveLength(0);

    await user.click(within(screen.getByTestId("secrets-warning")).getByTestId("vault-replace"));
    const again = await screen.findByTestId("vault-dialog");
    await user.type(input(again, "password"), "login-password");
    await user.click(within(again).getByRole("button", { name: "Start a new vault" }));

    expect(
      await screen.findByText(
        "A new encrypted vault is on. Enter the API keys that were in the old one again.",
      ),
    ).toBeInTheDocument();
    expect(callsTo("secrets_enable_vault")).toEqual([
      expect.objectContaining({ args: { password: "login-password" } }),
    ]);
    expect(screen.getByTestId("secrets-vault-note")).toBeInTheDocument();
    expect(screen.queryByTestId("secrets-warning")).not.toBeInTheDocument();
    expect(screen.queryByTestId("vault-dialog")).not.toBeInTheDocument();
  });

  it("offers a new vault when saving a key finds the vault locked", async () => {
    let vault: "locked" | "unlocked" = "locked";
    const { user, callsTo } = renderApp(
      providersBackend({
        providers_list: () => [connection()],
        secrets_status: () => ({ keychain: false, keychainHelp: null, vault }),
        providers_update: () =>
          vault === "locked"
            ? ipcError("VaultLocked", "Your encrypted vault is locked.")
            : connection({ keyStorage: "vault" }),
        secrets_enable_vault: () => {
          vault = "unlocked";
          return { keychain: false, keychainHelp: null, vault };
        },
      }),
    );
    await openProviders(user);
    await screen.findByTestId("secrets-warning");
    await user.click(await screen.findByTestId("provider-edit"));
    const form = await screen.findByTestId("provider-dialog");
    await user.type(input(form, "apiKey"), "sk-new");
    await user.click(screen.getByTestId("provider-save"));

    const offer = await within(form).findByTestId("provider-store-unavailable");
    expect(offer).toHaveTextContent("Your encrypted vault is locked.");
    await user.click(within(offer).getByTestId("vault-replace"));
    const vaultDialog = await screen.findByTestId("vault-dialog");
    expect(vaultDialog).toHaveTextContent("You will need to enter those API keys again.");
    await user.type(input(vaultDialog, "password"), "login-password");
    await user.click(within(vaultDialog).getByTestId("vault-submit"));

    expect(await within(form).findByText(/The encrypted vault is on/)).toBeInTheDocument();
    await user.click(screen.getByTestId("provider-save"));
    expect(await screen.findByText("Saved OpenAI.")).toBeInTheDocument();
    expect(callsTo("providers_update")).toHaveLength(2);
  });

  it("offers the vault when saving a key finds no keychain, then saves", async () => {
    let stored = false;
    const created = connection({ id: "new", keyStorage: "vault" });
    const { user, callsTo } = renderApp(
      providersBackend({
        secrets_status: () => ({
          keychain: false,
          keychainHelp: "Install gnome-keyring.",
          vault: stored ? "unlocked" : "off",
        }),
        providers_create: () =>
          stored
            ? created
            : ipcError(
                "SecretStoreUnavailable",
                "No system keychain is available: install gnome-keyring, or use the encrypted vault.",
                { field: "apiKey" },
              ),
        secrets_enable_vault: () => {
          stored = true;
          return { keychain: false, keychainHelp: null, vault: "unlocked" };
        },
      }),
    );
    await openProviders(user);
    await screen.findByTestId("secrets-warning");
    await user.click(screen.getByTestId("providers-add"));
    const form = await screen.findByTestId("provider-dialog");
    await user.type(input(form, "apiKey"), "sk-test");
    await user.click(screen.getByTestId("provider-save"));

    const offer = await within(form).findByTestId("provider-store-unavailable");
    expect(offer).toHaveTextContent("No system keychain is available");
    // One vault button on screen: the one in the dialog.
    expect(screen.getAllByTestId("vault-enable")).toHaveLength(1);
    await user.click(within(offer).getByTestId("vault-enable"));
    const vaultDialog = await screen.findByTestId("vault-dialog");
    await user.type(input(vaultDialog, "password"), "right-password");
    await user.click(within(vaultDialog).getByTestId("vault-submit"));

    expect(await within(form).findByText(/The encrypted vault is on/)).toBeInTheDocument();
    expect(input(form, "apiKey")).toHaveValue("sk-test");
    await user.click(screen.getByTestId("provider-save"));
    expect(await screen.findByText("Added OpenAI.")).toBeInTheDocument();
    expect(callsTo("providers_create")).toHaveLength(2);
    expect(screen.queryByTestId("secrets-warning")).not.toBeInTheDocument();
  });

  it("refreshes when another window changes the connections", async () => {
    let list: ProviderConnection[] = [];
    const { user } = renderApp(providersBackend({ providers_list: () => list }), {
      events: true,
    });
    await openProviders(user);
    expect(await screen.findByText("Connect an AI provider")).toBeInTheDocument();

    list = [connection()];
    await act(() => emit("providers-changed", null));
    expect(await screen.findByTestId("provider-row")).toHaveAttribute("data-name", "OpenAI");
  });

  it("drops a test result once the key or address changes, not when the model does", async () => {
    let list: ProviderConnection[] = [connection()];
    const { user } = renderApp(
      providersBackend({
        providers_list: () => list,
        providers_check: () => ipcError("ProviderAuth", "The key was refused (401)."),
      }),
      { events: true },
    );
    await openProviders(user);
    await user.click(within(row("OpenAI")).getByTestId("provider-check"));
    expect(await within(row("OpenAI")).findByTestId("provider-check-result")).toHaveTextContent(
      "The API key was refused.",
    );

    // Another default model (picked from the list the test returned): the result stands.
    const withModel = { ...connection(), defaultModel: "gpt-4o" };
    list = [{ ...withModel, updatedAt: "2026-11-23T10:00:01.000Z" }];
    await act(() => emit("providers-changed", null));
    await screen.findByText("gpt-4o");
    expect(within(row("OpenAI")).getByTestId("provider-check-result")).toBeInTheDocument();

    // A new key (same fields, later updatedAt): the old result no longer says anything true.
    list = [{ ...withModel, updatedAt: "2026-11-23T10:00:02.000Z" }];
    await act(() => emit("providers-changed", null));
    await vi.waitFor(() =>
      expect(within(row("OpenAI")).queryByTestId("provider-check-result")).not.toBeInTheDocument(),
    );
  });
});
