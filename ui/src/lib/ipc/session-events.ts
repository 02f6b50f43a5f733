import type { ErrorCode } from "./errors";

/** Codes that mean "the session is gone or locked", whatever command answered them. */
export type SessionErrorCode = Extract<ErrorCode, "Unauthenticated" | "Locked">;

type Listener = (code: SessionErrorCode) => void;
const listeners = new Set<Listener>();

/** The auth feature subscribes here to move to the login or lock screen. */
export function onSessionError(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function reportSessionError(code: ErrorCode): boolean {
  if (code !== "Unauthenticated" && code !== "Locked") return false;
  for (const listener of listeners) listener(code);
  return true;
}
