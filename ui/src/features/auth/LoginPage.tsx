import type { FormEvent } from "react";
import { Alert, Button, TextField } from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import { useLogin } from "./api";
import { AuthLayout } from "./AuthLayout";

const FIELDS = ["username", "password"] as const;

export function LoginPage({
  notice,
  onRegister,
  onRecover,
}: {
  /** A calm note to show above the form, e.g. after a password reset. */
  notice?: string | null;
  onRegister: () => void;
  onRecover: () => void;
}) {
  const login = useLogin();
  const errors = formErrors(login.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    login.mutate({
      username: formValue(form, "username").trim(),
      password: formValue(form, "password"),
    });
  };

  return (
    <AuthLayout
      testId="login"
      title="Log in"
      subtitle="Pick up where you left off."
      footer={
        <p>
          New on this computer?{" "}
          <button type="button" className="link" onClick={onRegister} data-testid="go-register">
            Create a profile
          </button>
        </p>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {notice && !errors.form && <Alert tone="success">{notice}</Alert>}
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          error={errors.fields.username}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.fields.password}
        />
        <div className="form-aside">
          <button
            type="button"
            className="link link-subtle"
            onClick={onRecover}
            data-testid="go-recover"
          >
            Forgot password?
          </button>
        </div>
        <Button
          type="submit"
          variant="primary"
          block
          loading={login.isPending}
          data-testid="login-submit"
        >
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
