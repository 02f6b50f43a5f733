import { formatWait } from "../../lib/forms";
import { isAppError, type ErrorCode } from "../../lib/ipc";
import type { ProviderErrorKind } from "./api";

/** Why an answer says "Offline mode", shown as its tooltip. */
export const OFFLINE_NOTE =
  "No AI provider is set up, so the Task assistant understood this with simple rules. Add a provider in Settings → Providers for full answers.";

/** Where a problem can be fixed: the provider settings, the agents, or nowhere in particular. */
export type ChatFix = "providers" | "agents";

export type ChatProblem = {
  code: ErrorCode;
  /** What went wrong, in a few words. */
  title: string;
  /** The backend's explanation (already plain words). */
  detail: string | null;
  /** What to do about it. */
  hint: string | null;
  fixes: ChatFix[];
};

type Advice = { title: string; hint: string | null; fixes: ChatFix[] };

const ADVICE: Partial<Record<ErrorCode, Advice>> = {
  NoProvider: {
    title: "No AI provider to answer",
    hint: "Add a provider connection in Settings → Providers, or choose one for this agent.",
    fixes: ["providers", "agents"],
  },
  NoModel: {
    title: "No model chosen",
    hint: "Give the connection a default model in Settings → Providers, or name a model in the agent.",
    fixes: ["providers", "agents"],
  },
  ThreadBusy: {
    title: "Already answering",
    hint: "An answer is still being written in this conversation. Wait for it, or stop it first.",
    fixes: [],
  },
  AgentArchived: {
    title: "This agent is archived",
    hint: "Unarchive it on the Agents page to chat with it, or start a chat with another agent.",
    fixes: ["agents"],
  },
  ContextTooLong: {
    title: "Too long for this model",
    hint: "Shorten the message, start a new chat, or give the agent a model with a larger context window.",
    fixes: ["agents"],
  },
  ProviderAuth: {
    title: "The API key was refused",
    hint: "Check or replace the key in Settings → Providers.",
    fixes: ["providers"],
  },
  ProviderRateLimited: {
    title: "Too many requests",
    hint: "The provider is limiting requests. Wait a moment and retry.",
    fixes: [],
  },
  ProviderUnavailable: {
    title: "The provider is having trouble",
    hint: "Its servers answered with an error. Retry in a moment.",
    fixes: [],
  },
  ProviderUnreachable: {
    title: "Could not reach the provider",
    hint: "Check your network, or that the local server (Ollama, LM Studio…) is running.",
    fixes: ["providers"],
  },
  ProviderTimeout: {
    title: "No answer in time",
    hint: "The provider took too long to answer. Retry, or try a smaller model.",
    fixes: [],
  },
  ProviderRejected: {
    title: "The provider refused the request",
    hint: "Often the model name is unknown to this provider: check the agent's model.",
    fixes: ["agents"],
  },
  ProviderMalformed: {
    title: "Unexpected answer from the provider",
    hint: "Its reply was not in the format its API promises. Retry, or try another model.",
    fixes: [],
  },
  SecretStoreUnavailable: {
    title: "The API key cannot be read",
    hint: "There is no keychain to read it from: see Settings → Providers.",
    fixes: ["providers"],
  },
  VaultLocked: {
    title: "The encrypted vault is locked",
    hint: "See Settings → Providers to open or replace it.",
    fixes: ["providers"],
  },
  NotFound: {
    title: "This conversation no longer exists",
    hint: "It may have been deleted in another window.",
    fixes: [],
  },
  Forbidden: { title: "Not allowed", hint: null, fixes: [] },
  Validation: { title: "Nothing to send", hint: null, fixes: [] },
};

/**
 * Describes a chat command that failed, for people. Session errors (Unauthenticated, Locked)
 * are handled globally, so they describe as nothing.
 */
export function describeChatError(error: unknown): ChatProblem | null {
  if (error == null) return null;
  if (!isAppError(error)) {
    return {
      code: "Internal",
      title: "Something went wrong",
      detail: null,
      hint: "Please try again.",
      fixes: [],
    };
  }
  if (error.code === "Unauthenticated" || error.code === "Locked") return null;
  const advice = ADVICE[error.code] ?? { title: "Something went wrong", hint: null, fixes: [] };
  let hint = advice.hint;
  if (error.code === "ProviderRateLimited" && error.retryAfterSecs != null) {
    hint = `Try again in ${formatWait(error.retryAfterSecs)}.`;
  }
  return {
    code: error.code,
    title: advice.title,
    detail: error.message,
    hint,
    fixes: advice.fixes,
  };
}

const KIND_CODES: Record<ProviderErrorKind, ErrorCode> = {
  auth: "ProviderAuth",
  rateLimited: "ProviderRateLimited",
  unavailable: "ProviderUnavailable",
  unreachable: "ProviderUnreachable",
  timeout: "ProviderTimeout",
  rejected: "ProviderRejected",
  contextTooLong: "ContextTooLong",
  malformed: "ProviderMalformed",
};

/** Describes an answer saved with status "error", from its error kind and message. */
export function describeAnswerError(
  kind: ProviderErrorKind | null,
  message: string | null,
): ChatProblem {
  const code = kind ? KIND_CODES[kind] : "Internal";
  const advice = ADVICE[code] ?? {
    title: "The answer failed",
    hint: "Retry, and if it keeps failing look at the activity panel for details.",
    fixes: [],
  };
  return { code, title: advice.title, detail: message, hint: advice.hint, fixes: advice.fixes };
}
