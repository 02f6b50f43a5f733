import { useCallback, useEffect } from "react";
import {
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import {
  commands,
  events,
  type AppStatus,
  type RegisterInput,
  type Role,
  type SessionInfo,
} from "../../bindings";
import { onSessionError, reportSessionError, toAppError, unwrap } from "../../lib/ipc";

export type { AppStatus, Profile, Registration, Role, SessionInfo } from "../../bindings";

export const authKeys = {
  status: ["auth", "status"] as const,
};

export const IDLE_LOCK_CHOICES = [0, 1, 5, 15, 30, 60] as const;

/** The boot question: are there profiles, is someone logged in, is the session locked. */
export const authStatusQuery = queryOptions({
  queryKey: authKeys.status,
  queryFn: () => unwrap(commands.authStatus()),
  // Only our own commands and the sessionLocked event change it; never refetch behind our back.
  staleTime: Infinity,
});

export function useAuthStatus() {
  return useQuery(authStatusQuery);
}

/** The current session; only call below the boot gate, where one exists. */
export function useSession(): SessionInfo | null {
  const { data } = useAuthStatus();
  return data?.session ?? null;
}

function setSession(client: QueryClient, session: SessionInfo | null) {
  client.setQueryData<AppStatus>(authKeys.status, (old) => ({
    hasProfiles: session !== null || (old?.hasProfiles ?? true),
    session,
  }));
}

function markLocked(client: QueryClient) {
  const status = client.getQueryData<AppStatus>(authKeys.status);
  if (status?.session) {
    client.setQueryData<AppStatus>(authKeys.status, {
      ...status,
      session: { ...status.session, locked: true },
    });
  } else {
    void client.invalidateQueries({ queryKey: authKeys.status });
  }
}

/** Drops everything cached for the previous profile, keeping only the auth status. */
function forgetProfileData(client: QueryClient) {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.status[0] });
}

/** Enters the app with a session the backend already opened (after registration). */
export function useEnterSession() {
  const client = useQueryClient();
  return (session: SessionInfo) => {
    forgetProfileData(client);
    setSession(client, session);
  };
}

/**
 * Moves to the login or lock screen when any command says the session is gone or locked, and
 * when Rust locks the session for inactivity (the sessionLocked event).
 */
export function useSessionGuards() {
  const client = useQueryClient();
  useEffect(() => {
    const unsubscribe = onSessionError((code) => {
      if (code === "Locked") {
        markLocked(client);
      } else {
        forgetProfileData(client);
        setSession(client, null);
      }
    });
    let disposed = false;
    let unlisten: (() => void) | undefined;
    events.sessionLocked
      .listen(() => markLocked(client))
      .then((stop) => {
        if (disposed) stop();
        else unlisten = stop;
      })
      .catch((error: unknown) => console.warn("could not listen for session-locked", error));
    return () => {
      disposed = true;
      unsubscribe();
      unlisten?.();
    };
  }, [client]);
}

/**
 * Asks Rust again who is signed in and follows it: another window may have unlocked, locked,
 * logged out or switched profile meanwhile. A different profile drops this window's cached data.
 */
export function useResyncSession() {
  const client = useQueryClient();
  return useCallback(async () => {
    const result = await commands.authStatus().catch(() => null);
    if (result?.status !== "ok") return;
    const before = client.getQueryData<AppStatus>(authKeys.status);
    if (before?.session?.profile.id !== result.data.session?.profile.id) forgetProfileData(client);
    client.setQueryData<AppStatus>(authKeys.status, result.data);
  }, [client]);
}

const TOUCH_INTERVAL_MS = 30_000;

/** Tells Rust the person is active (for the idle lock), at most once per 30 seconds. */
export function useActivityHeartbeat(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    let last = 0;
    const touch = () => {
      const now = Date.now();
      if (now - last < TOUCH_INTERVAL_MS) return;
      last = now;
      commands
        .authTouch()
        .then((result) => {
          if (result.status === "error") reportSessionError(result.error.code);
        })
        .catch((error: unknown) => console.warn("auth_touch failed", toAppError(error)));
    };
    window.addEventListener("keydown", touch, { capture: true, passive: true });
    window.addEventListener("pointerdown", touch, { capture: true, passive: true });
    return () => {
      window.removeEventListener("keydown", touch, { capture: true });
      window.removeEventListener("pointerdown", touch, { capture: true });
    };
  }, [enabled]);
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      unwrap(commands.authLogin(username, password)),
    onSuccess: (session) => {
      forgetProfileData(client);
      setSession(client, session);
    },
  });
}

/** Registers a profile; the caller shows the recovery key, then calls useEnterSession. */
export function useRegister() {
  return useMutation({
    mutationFn: (input: RegisterInput) => unwrap(commands.authRegister(input)),
  });
}

export function useRecover() {
  return useMutation({
    mutationFn: (input: { username: string; recoveryKey: string; newPassword: string }) =>
      unwrap(commands.authRecover(input.username, input.recoveryKey, input.newPassword)),
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.authLogout()),
    // Whatever the answer, this window no longer shows the profile's data.
    onSettled: () => {
      forgetProfileData(client);
      setSession(client, null);
    },
  });
}

export function useLock() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.authLock()),
    onSuccess: () => markLocked(client),
  });
}

export function useUnlock() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => unwrap(commands.authUnlock(password)),
    onSuccess: (session) => setSession(client, session),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      unwrap(commands.authChangePassword(input.currentPassword, input.newPassword)),
  });
}

export function useSetIdleLock() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (minutes: number) => unwrap(commands.authSetIdleLock(minutes)),
    onSuccess: (session) => setSession(client, session),
  });
}

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (displayName: string) => unwrap(commands.authUpdateProfile(displayName)),
    onSuccess: (session) => setSession(client, session),
  });
}

export const ROLE_LABELS: Record<Role, string> = { admin: "Administrator", member: "Member" };
