import { formatWait } from "../../lib/forms";
import { isAppError, type ErrorCode } from "../../lib/ipc";
import type { ProviderConnection, ProviderKind, ProviderPreset } from "./api";

/** What went wrong with a provider, in plain words, by error code. */
const PROVIDER_ERROR_TITLES: Partial<Record<ErrorCode, string>> = {
  ProviderAuth: "The API key was refused",
  ProviderRateLimited: "Too many requests",
  ProviderUnavailable: "The provider is having trouble",
  ProviderUnreachable: "Could not reach the server",
  ProviderTimeout: "No answer in time",
  ProviderRejected: "The request was refused",
  ContextTooLong: "Too long for this model",
  ProviderMalformed: "Unexpected answer",
  SecretStoreUnavailable: "Nowhere safe to keep the key",
  VaultLocked: "The encrypted vault is locked",
  NotFound: "This connection no longer exists",
};

export type ProviderProblem = {
  code: ErrorCode;
  /** The kind of failure, e.g. "The API key was refused". */
  title: string;
  /** The backend's explanation, plus when to try again for rate limits. */
  detail: string;
};

/**
 * Describes a failed provider command for people. Session errors (Unauthenticated, Locked) are
 * handled globally, so they describe as nothing.
 */
export function describeProviderError(error: unknown): ProviderProblem | null {
  if (error == null) return null;
  if (!isAppError(error)) {
    return {
      code: "Internal",
      title: "Something went wrong",
      detail: "Please try again.",
    };
  }
  if (error.code === "Unauthenticated" || error.code === "Locked") return null;
  let detail = error.message;
  if (error.code === "ProviderRateLimited" && error.retryAfterSecs != null) {
    detail = `${detail} Try again in ${formatWait(error.retryAfterSecs)}.`;
  }
  return {
    code: error.code,
    title: PROVIDER_ERROR_TITLES[error.code] ?? "Something went wrong",
    detail,
  };
}

const KIND_LABELS: Record<ProviderKind, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  openaiCompatible: "OpenAI-compatible",
};

const sameUrl = (a: string, b: string) =>
  a.trim().replace(/\/+$/, "").toLowerCase() === b.trim().replace(/\/+$/, "").toLowerCase();

/** The preset a connection was most likely made from: same kind and address. */
export function presetOf(
  connection: Pick<ProviderConnection, "kind" | "baseUrl">,
  presets: readonly ProviderPreset[],
): ProviderPreset | undefined {
  return presets.find(
    (preset) =>
      preset.kind === connection.kind &&
      preset.baseUrl !== "" &&
      sameUrl(preset.baseUrl, connection.baseUrl),
  );
}

/** "OpenAI", "Ollama", or the kind when the address matches no preset. */
export function connectionLabel(
  connection: Pick<ProviderConnection, "kind" | "baseUrl">,
  presets: readonly ProviderPreset[],
): string {
  return presetOf(connection, presets)?.label ?? KIND_LABELS[connection.kind];
}

/** Whether an address points at this computer (a local server such as Ollama). */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || host === "::1" || host.startsWith("127.");
  } catch {
    return false;
  }
}

/** The preset's label, or "Ollama 2", "Ollama 3"… when a connection already has that name. */
export function uniqueName(label: string, taken: readonly string[]): string {
  const used = new Set(taken.map((name) => name.trim().toLowerCase()));
  if (!used.has(label.toLowerCase())) return label;
  for (let n = 2; ; n += 1) {
    const candidate = `${label} ${n}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

/** Where the key is, in the words of the connection list. */
export function keyStatus(connection: Pick<ProviderConnection, "hasKey" | "keyStorage">): string {
  if (!connection.hasKey) return "No key";
  return connection.keyStorage === "vault"
    ? "Key stored in the encrypted vault"
    : "Key stored in your system keychain";
}

/** "142 ms", "1.4 s". */
export function formatLatency(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
