import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { profile, session, signedIn } from "../../test/fixtures";
import { ipcError, renderApp } from "../../test/render";

describe("settings", () => {
  it("does not render the Profiles tab for a member", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => signedIn(session({}, { role: "member", username: "bob" })),
    });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));

    expect(await screen.findByTestId("settings")).toBeInTheDocument();
    expect(screen.getByTestId("settings-tab-profile")).toBeInTheDocument();
    expect(screen.getByTestId("settings-tab-appearance")).toBeInTheDocument();
    expect(screen.queryByTestId("settings-tab-profiles")).not.toBeInTheDocument();
    expect(callsTo("profiles_list")).toHaveLength(0);
  });

  it("lets an admin list profiles and create one, then shows its recovery key", async () => {
    const admin = profile();
    const member = profile({
      id: "p2",
      username: "bob",
      displayName: "Bob",
      role: "member",
      lastLoginAt: null,
    });
    const created = profile({ id: "p3", username: "cleo", displayName: "Cleo", role: "member" });
    let list = [admin, member];
    let attempts = 0;
    const { user, callsTo } = renderApp({
      auth_status: () => signedIn(session({}, admin)),
      profiles_list: () => list,
      profiles_create: () => {
        attempts += 1;
        if (attempts === 1) {
          return ipcError("Conflict", "That username is already taken.", { field: "username" });
        }
        list = [...list, created];
        return { profile: created, recoveryKey: "CLEO-KEY0-1234-5678" };
      },
    });

    await screen.findByTestId("app-frame");
    await user.keyboard("{Control>}4{/Control}");
    await user.click(await screen.findByTestId("settings-tab-profiles"));

    const bobRow = await screen.findByTestId("profile-row-bob");
    expect(within(bobRow).getByText("Member")).toBeInTheDocument();
    expect(within(bobRow).getByText("Never")).toBeInTheDocument();
    expect(screen.getByTestId("profile-row-ada")).toBeInTheDocument();

    await user.click(screen.getByTestId("profiles-create"));
    const dialog = await screen.findByTestId("profile-create-dialog");
    await user.type(within(dialog).getByLabelText("Username"), "bob");
    await user.type(within(dialog).getByLabelText("Display name"), "Cleo");
    await user.type(within(dialog).getByLabelText("Password"), "cleo-password-1");
    await user.click(within(dialog).getByTestId("profile-create-submit"));
    expect(await within(dialog).findByTestId("field-error-username")).toHaveTextContent(
      "That username is already taken.",
    );

    const username = within(dialog).getByLabelText("Username");
    await user.clear(username);
    await user.type(username, "cleo");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "member");
    await user.click(within(dialog).getByTestId("profile-create-submit"));

    expect(await screen.findByTestId("recovery-key")).toHaveTextContent(/^CLEO-KEY0-1234-5678$/);
    expect(callsTo("profiles_create")[1]?.args).toEqual({
      input: { username: "cleo", displayName: "Cleo", password: "cleo-password-1", role: "member" },
    });
    await user.click(screen.getByTestId("recovery-key-saved"));
    await user.click(screen.getByTestId("recovery-key-continue"));
    expect(await screen.findByTestId("profile-row-cleo")).toBeInTheDocument();
  });

  it("shows a Forbidden answer from a row action inline", async () => {
    const admin = profile();
    const { user } = renderApp({
      auth_status: () => signedIn(session({}, admin)),
      profiles_list: () => [admin],
      profiles_set_role: () => ipcError("Forbidden", "There must be at least one administrator."),
    });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));
    await user.click(await screen.findByTestId("settings-tab-profiles"));
    await user.click(await screen.findByTestId("profile-role-ada"));

    expect(await screen.findByTestId("form-error")).toHaveTextContent(
      "There must be at least one administrator.",
    );
    expect(screen.getByTestId("settings-profiles")).toBeInTheDocument();

    // Dialogs close with Escape and give focus back.
    await user.click(screen.getByTestId("profiles-create"));
    expect(await screen.findByTestId("profile-create-dialog")).toBeInTheDocument();
    expect(screen.getByLabelText("Username")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("profile-create-dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("profiles-create")).toHaveFocus();
  });

  it("saves the idle lock choice", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => signedIn(session({ idleLockMinutes: 15 })),
      auth_set_idle_lock: (args) => session({ idleLockMinutes: args.minutes as number }),
    });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));
    const select = await screen.findByLabelText("Lock the app");
    expect(select).toHaveValue("15");
    await user.selectOptions(select, "5");

    expect(callsTo("auth_set_idle_lock")).toEqual([
      { cmd: "auth_set_idle_lock", args: { minutes: 5 } },
    ]);
    await vi.waitFor(() => expect(select).toHaveValue("5"));
  });

  it("changes the password after checking the confirmation", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => signedIn(),
      auth_change_password: () => null,
    });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));
    await user.type(await screen.findByLabelText("Current password"), "old-password-1");
    await user.type(screen.getByLabelText("New password"), "new-password-1");
    await user.type(screen.getByLabelText("Confirm new password"), "new-password-2");
    await user.click(screen.getByTestId("change-password-submit"));
    expect(await screen.findByTestId("field-error-confirmPassword")).toBeInTheDocument();
    expect(callsTo("auth_change_password")).toHaveLength(0);

    await user.clear(screen.getByLabelText("Confirm new password"));
    await user.type(screen.getByLabelText("Confirm new password"), "new-password-1");
    await user.click(screen.getByTestId("change-password-submit"));

    expect(await screen.findByTestId("form-success")).toHaveTextContent("password was changed");
    expect(callsTo("auth_change_password")[0]?.args).toEqual({
      currentPassword: "old-password-1",
      newPassword: "new-password-1",
    });
  });

  it("stores and applies the chosen theme", async () => {
    const { user } = renderApp({ auth_status: () => signedIn() });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));
    await user.click(await screen.findByTestId("settings-tab-appearance"));
    await user.click(screen.getByTestId("theme-dark"));

    expect(screen.getByTestId("theme-dark")).toBeChecked();
    expect(window.localStorage.getItem("kickstart.theme")).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");

    await user.click(screen.getByTestId("theme-light"));
    expect(document.documentElement.dataset.theme).toBe("light");
  });
});
