import { act, screen } from "@testing-library/react";
import { emit } from "@tauri-apps/api/event";
import { describe, expect, it } from "vitest";
import { session, signedIn } from "../../test/fixtures";
import { ipcError, renderApp } from "../../test/render";

const locked = signedIn(session({ locked: true }, { displayName: "Ada Lovelace" }));

describe("lock screen", () => {
  it("unlocks with the password and returns to the app", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => locked,
      auth_unlock: () => session(),
    });

    const lock = await screen.findByTestId("lock-screen");
    expect(lock).toHaveTextContent("Ada Lovelace");
    await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
    await user.click(screen.getByTestId("unlock-submit"));

    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
    expect(callsTo("auth_unlock")[0]?.args).toEqual({ password: "correct-horse-battery" });
  });

  it("keeps the screen locked on a wrong password", async () => {
    const { user } = renderApp({
      auth_status: () => locked,
      auth_unlock: () => ipcError("InvalidCredentials", "That password isn't right."),
    });

    await screen.findByTestId("lock-screen");
    await user.type(screen.getByLabelText("Password"), "nope-nope");
    await user.click(screen.getByTestId("unlock-submit"));

    expect(await screen.findByTestId("form-error")).toHaveTextContent("That password isn't right.");
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
  });

  it("switches profile by logging out", async () => {
    const { user, callsTo } = renderApp({ auth_status: () => locked, auth_logout: () => null });

    await screen.findByTestId("lock-screen");
    await user.click(screen.getByTestId("lock-logout"));

    expect(await screen.findByTestId("login")).toBeInTheDocument();
    expect(callsTo("auth_logout")).toHaveLength(1);
  });
});

describe("session changes from anywhere", () => {
  it("locks from the sidebar button and with Ctrl+L", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => signedIn(),
      auth_lock: () => null,
      auth_unlock: () => session(),
    });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("lock-button"));
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();

    await user.type(screen.getByLabelText("Password"), "correct-horse-battery{Enter}");
    await screen.findByTestId("app-frame");
    await user.keyboard("{Control>}l{/Control}");
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(callsTo("auth_lock")).toHaveLength(2);
  });

  it("shows the lock screen when Rust emits session-locked", async () => {
    renderApp({ auth_status: () => signedIn() }, { events: true });

    await screen.findByTestId("app-frame");
    await act(() => emit("session-locked", null));

    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
  });

  it("goes to login when a command answers Unauthenticated", async () => {
    const { user } = renderApp({
      auth_status: () => signedIn(),
      auth_lock: () => ipcError("Unauthenticated", "Please log in again."),
    });

    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("lock-button"));

    expect(await screen.findByTestId("login")).toBeInTheDocument();
  });
});
