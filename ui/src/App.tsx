import { lazy, Suspense, useEffect, useState } from "react";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { Button, Spinner } from "./components/ui";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { useAuthStatus, useResyncSession, useSessionGuards } from "./features/auth/api";
import { LockScreen } from "./features/auth/LockScreen";
import { LoginPage } from "./features/auth/LoginPage";
import { RecoverPage } from "./features/auth/RecoverPage";
import { RegisterPage } from "./features/auth/RegisterPage";
import { formErrors } from "./lib/forms";
import { useFollowTheme } from "./lib/theme/theme";

// The signed-in app (Tasks, Chat, Agents, Settings) is its own chunk: the sign-in screen, the
// first thing every start shows, loads and keeps only what it needs (docs/BENCHMARKS.md).
const AppFrame = lazy(() =>
  import("./features/shell/AppFrame").then((module) => ({ default: module.AppFrame })),
);

function Booting() {
  return (
    <div className="boot">
      <Spinner size={22} label="Starting KickStartMyAI" />
    </div>
  );
}

/** The main window: providers, the error boundary, and the boot gate. */
export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <Gate />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}

/**
 * Decides the screen from what Rust says: no profiles → first run, no session → login,
 * locked session → lock screen, else the app. Rust owns the session; this only follows it.
 */
function Gate() {
  useSessionGuards();
  useFollowTheme();
  const status = useAuthStatus();
  // The quick chat window can unlock the session (or see it end): coming back here, check.
  const resync = useResyncSession();
  useEffect(() => {
    const onFocus = () => void resync();
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, [resync]);

  if (status.isPending) return <Booting />;
  if (status.isError) {
    return (
      <div className="boot" role="alert">
        <p>{formErrors(status.error, []).form ?? "KickStartMyAI could not start."}</p>
        <Button variant="primary" onClick={() => void status.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  const { hasProfiles, session } = status.data;
  if (!hasProfiles) return <RegisterPage firstRun />;
  if (!session) return <SignedOut />;
  if (session.locked) return <LockScreen session={session} />;
  return (
    <Suspense fallback={<Booting />}>
      <AppFrame key={session.profile.id} session={session} />
    </Suspense>
  );
}

type SignedOutScreen = "login" | "register" | "recover";

function SignedOut() {
  const [screen, setScreen] = useState<SignedOutScreen>("login");
  const [notice, setNotice] = useState<string | null>(null);
  const go = (next: SignedOutScreen) => {
    setNotice(null);
    setScreen(next);
  };

  switch (screen) {
    case "register":
      return <RegisterPage firstRun={false} onCancel={() => go("login")} />;
    case "recover":
      return (
        <RecoverPage
          onCancel={() => go("login")}
          onDone={() => {
            setScreen("login");
            setNotice("Your password was reset. Log in with the new one.");
          }}
        />
      );
    default:
      return (
        <LoginPage
          notice={notice}
          onRegister={() => go("register")}
          onRecover={() => go("recover")}
        />
      );
  }
}
