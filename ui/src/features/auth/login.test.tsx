import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { session, signedOut } from "../../test/fixtures";
import { ipcError, renderApp } from "../../test/render";

describe("login", () => {
  it("logs in with the typed username and password and opens the app", async () => {
    const { user, callsTo, unexpected } = renderApp({
      auth_status: () => signedOut,
      auth_login: () => session({}, { displayName: "Grace Hopper", username: "grace" }),
    });

    await screen.findByTestId("login");
    await user.type(screen.getByLabelText("Username"), "grace");
    // Enter in the password field submits the form.
    await user.type(screen.getByLabelText("Password"), "not-a-common-one{Enter}");

    const frame = await screen.findByTestId("app-frame");
    expect(callsTo("auth_login")).toEqual([
      { cmd: "auth_login", args: { username: "grace", password: "not-a-common-one" } },
    ]);
    expect(within(frame).getByTestId("current-profile-name")).toHaveTextContent("Grace Hopper");
    expect(unexpected).not.toHaveBeenCalled();
  });

  it("shows InvalidCredentials inline and stays on the login screen", async () => {
    const { user } = renderApp({
      auth_status: () => signedOut,
      auth_login: () => ipcError("InvalidCredentials", "That username and password don't match."),
    });

    await screen.findByTestId("login");
    await user.type(screen.getByLabelText("Username"), "grace");
    await user.type(screen.getByLabelText("Password"), "wrong-password");
    await user.click(screen.getByTestId("login-submit"));

    expect(await screen.findByTestId("form-error")).toHaveTextContent(
      "That username and password don't match.",
    );
    expect(screen.getByTestId("login")).toBeInTheDocument();
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
  });

  it("tells how long to wait when login is throttled", async () => {
    const { user } = renderApp({
      auth_status: () => signedOut,
      auth_login: () => ipcError("Throttled", "Too many failed attempts.", { retryAfterSecs: 90 }),
    });

    await screen.findByTestId("login");
    await user.type(screen.getByLabelText("Username"), "grace");
    await user.type(screen.getByLabelText("Password"), "whatever-1");
    await user.click(screen.getByTestId("login-submit"));

    expect(await screen.findByTestId("form-error")).toHaveTextContent("Try again in 2 minutes.");
  });

  it("resets a forgotten password and shows the new recovery key once", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => signedOut,
      auth_recover: () => "NEW1-KEY2-ABCD-EFGH",
    });

    await screen.findByTestId("login");
    await user.click(screen.getByTestId("go-recover"));
    await screen.findByTestId("recover");
    await user.type(screen.getByLabelText("Username"), "grace");
    await user.type(screen.getByLabelText("Recovery key"), "OLD1-KEY2-ABCD-EFGH");
    await user.type(screen.getByLabelText("New password"), "brand-new-pass");
    await user.type(screen.getByLabelText("Confirm new password"), "brand-new-pass");
    await user.click(screen.getByTestId("recover-submit"));

    expect(await screen.findByTestId("recovery-key")).toHaveTextContent(/^NEW1-KEY2-ABCD-EFGH$/);
    expect(callsTo("auth_recover")[0]?.args).toEqual({
      username: "grace",
      recoveryKey: "OLD1-KEY2-ABCD-EFGH",
      newPassword: "brand-new-pass",
    });
    await user.click(screen.getByTestId("recovery-key-saved"));
    await user.click(screen.getByTestId("recovery-key-continue"));
    expect(await screen.findByTestId("login")).toBeInTheDocument();
    expect(screen.getByTestId("form-success")).toHaveTextContent("Your password was reset");
  });
});
