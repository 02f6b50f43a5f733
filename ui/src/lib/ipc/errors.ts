import type { IpcError } from "../../bindings";

/** What every generated command resolves to (tauri-specta's typed-error shape). */
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

/** The error codes the Rust side sends; the UI branches on these, never on message text. */
export type ErrorCode = IpcError["code"];

/**
 * A failed command, as the UI sees it. `message` is already plain words from the backend,
 * `field` names the input it is about (camelCase), `retryAfterSecs` comes with `Throttled`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | null;
  readonly retryAfterSecs: number | null;

  constructor(error: IpcError) {
    super(error.message);
    this.name = "AppError";
    this.code = error.code;
    this.field = error.field ?? null;
    this.retryAfterSecs = error.retryAfterSecs ?? null;
  }
}

const FALLBACK_MESSAGE = "Something went wrong. Please try again.";

/** Turns anything thrown or returned by a command into an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isIpcError(error)) return new AppError(error);
  // A plain Error means the IPC layer itself failed (no backend, serialisation bug…).
  return new AppError({
    code: "Internal",
    message: FALLBACK_MESSAGE,
    field: null,
    retryAfterSecs: null,
  });
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Awaits a command and returns its data, or throws the typed AppError. */
export async function unwrap<T>(call: Promise<CommandResult<T>>): Promise<T> {
  let result: CommandResult<T>;
  try {
    result = await call;
  } catch (e) {
    throw toAppError(e);
  }
  if (result.status === "error") throw toAppError(result.error);
  return result.data;
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
