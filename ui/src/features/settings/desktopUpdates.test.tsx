import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { signedIn } from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { DesktopSettings } from "../desktop/api";

const defaults: DesktopSettings = {
  quickChatShortcut: "CommandOrControl+Shift+Space",
  closeToTray: true,
  closeToTrayExplained: true,
  dueNotifications: true,
  startAtLogin: false,
  updateEndpoint: null,
};

/** A backend that keeps the desktop settings as Rust does (saved, then read back). */
function backend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  let settings = defaults;
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    desktop_status: () => ({ settings, shortcutError: null }),
    desktop_update: ({ settings: next }) => {
      settings = next as DesktopSettings;
      return { settings, shortcutError: null };
    },
    ...overrides,
  };
}

async function openTab(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-settings"));
  await user.click(await screen.findByTestId("settings-tab-desktop"));
  return screen.findByTestId("desktop-settings");
}

describe("settings → desktop → updates", () => {
  it("is off until an address is saved, then checks it and offers a newer version", async () => {
    const { user, callsTo } = renderApp(
      backend({
        updates_check: () => ({
          currentVersion: "0.1.0",
          available: { version: "0.2.0", notes: "Faster start-up." },
        }),
      }),
    );
    await openTab(user);
    expect(screen.getByTestId("desktop-update-check")).toBeDisabled();

    await user.type(
      screen.getByLabelText("Update address"),
      "https://updates.example.com/latest.json",
    );
    // An unsaved address is not checked: save first.
    expect(screen.getByTestId("desktop-update-check")).toBeDisabled();
    await user.click(screen.getByTestId("desktop-update-endpoint-save"));
    await waitFor(() => expect(screen.getByTestId("desktop-update-check")).toBeEnabled());
    expect(callsTo("desktop_update")[0]?.args).toMatchObject({
      settings: { ...defaults, updateEndpoint: "https://updates.example.com/latest.json" },
    });

    await user.click(screen.getByTestId("desktop-update-check"));
    const result = await screen.findByTestId("desktop-update-result");
    expect(result).toHaveTextContent("Version 0.2.0 is available (you have 0.1.0).");
    expect(result).toHaveTextContent("Faster start-up.");
    expect(screen.getByTestId("desktop-update-install")).toBeEnabled();
  });

  it("shows a refused address on its field, keeps what was typed, and says why a check failed", async () => {
    const { user } = renderApp(
      backend({
        desktop_update: ({ settings }) =>
          (settings as DesktopSettings).updateEndpoint?.startsWith("http:")
            ? ipcError("Validation", "Updates are only fetched over https.", {
                field: "updateEndpoint",
              })
            : { settings, shortcutError: null },
        updates_check: () =>
          ipcError("UpdateFailed", "Could not get the update: connection refused.", {
            field: "updateEndpoint",
          }),
      }),
    );
    await openTab(user);
    const field = screen.getByLabelText("Update address");
    await user.type(field, "http://updates.example.com/latest.json");
    await user.click(screen.getByTestId("desktop-update-endpoint-save"));
    expect(await screen.findByText("Updates are only fetched over https.")).toBeInTheDocument();
    expect(field).toHaveValue("http://updates.example.com/latest.json");

    await user.clear(field);
    await user.type(field, "https://updates.example.com/latest.json");
    await user.click(screen.getByTestId("desktop-update-endpoint-save"));
    await waitFor(() => expect(screen.getByTestId("desktop-update-check")).toBeEnabled());
    await user.click(screen.getByTestId("desktop-update-check"));
    expect(await screen.findByTestId("desktop-update-error")).toHaveTextContent(
      "Could not get the update: connection refused.",
    );
  });
});
