import { screen } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { freshComputer, session, signedOut } from "../../test/fixtures";
import { ipcError, renderApp } from "../../test/render";

async function fillRegistration(user: UserEvent, confirm = "correct-horse-battery") {
  await user.type(screen.getByLabelText("Username"), "ada");
  await user.type(screen.getByLabelText("Display name"), "Ada Lovelace");
  await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
  await user.type(screen.getByLabelText("Confirm password"), confirm);
}

describe("registration", () => {
  it("blocks a confirmation that does not match, without calling the backend", async () => {
    const { user, callsTo } = renderApp({ auth_status: () => freshComputer });

    await screen.findByTestId("first-run");
    await fillRegistration(user, "something-else");
    await user.click(screen.getByTestId("register-submit"));

    expect(await screen.findByTestId("field-error-confirmPassword")).toHaveTextContent(
      "The passwords do not match.",
    );
    expect(callsTo("auth_register")).toHaveLength(0);
  });

  it("shows a Validation error on password under the password field", async () => {
    const { user } = renderApp({
      auth_status: () => freshComputer,
      auth_register: () =>
        ipcError("Validation", "This password is too common. Pick another one.", {
          field: "password",
        }),
    });

    await screen.findByTestId("first-run");
    await fillRegistration(user);
    await user.click(screen.getByTestId("register-submit"));

    const error = await screen.findByTestId("field-error-password");
    expect(error).toHaveTextContent("This password is too common. Pick another one.");
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(password).toHaveAccessibleDescription("This password is too common. Pick another one.");
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("shows the recovery key once and continues only after it is marked as saved", async () => {
    const { user, callsTo } = renderApp({
      auth_status: () => freshComputer,
      auth_register: () => ({ session: session(), recoveryKey: "K7QX-2M9P-RT4W-8HZD" }),
    });

    await screen.findByTestId("first-run");
    await fillRegistration(user);
    await user.click(screen.getByTestId("register-submit"));

    const key = await screen.findByTestId("recovery-key");
    expect(key.textContent).toBe("K7QX-2M9P-RT4W-8HZD");
    expect(callsTo("auth_register")[0]?.args).toEqual({
      input: { username: "ada", displayName: "Ada Lovelace", password: "correct-horse-battery" },
    });

    const proceed = screen.getByTestId("recovery-key-continue");
    expect(proceed).toBeDisabled();
    // Escape must not skip past the key.
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("recovery-key")).toBeInTheDocument();

    await user.click(screen.getByTestId("recovery-key-saved"));
    expect(proceed).toBeEnabled();
    await user.click(proceed);

    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
    expect(screen.queryByTestId("recovery-key")).not.toBeInTheDocument();
  });

  it("offers member registration from the login screen", async () => {
    const { user } = renderApp({ auth_status: () => signedOut });

    await screen.findByTestId("login");
    await user.click(screen.getByTestId("go-register"));

    expect(await screen.findByTestId("register")).toBeInTheDocument();
    expect(screen.queryByTestId("first-run")).not.toBeInTheDocument();
  });
});
