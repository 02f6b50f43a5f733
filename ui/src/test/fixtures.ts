import type { AppStatus, Profile, SessionInfo } from "../features/auth/api";
import type { ProviderConnection, ProviderPreset, SecretsStatus } from "../features/providers/api";
import type { Task, ViewCounts } from "../features/tasks/api";

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: "0190a5b2-0000-7000-8000-000000000001",
    username: "ada",
    displayName: "Ada Lovelace",
    role: "admin",
    disabled: false,
    createdAt: "2025-01-02T10:00:00Z",
    lastLoginAt: "2025-01-03T09:30:00Z",
    ...overrides,
  };
}

export function session(
  overrides: Partial<SessionInfo> = {},
  who: Partial<Profile> = {},
): SessionInfo {
  return { profile: profile(who), locked: false, idleLockMinutes: 15, ...overrides };
}

export const signedOut: AppStatus = { hasProfiles: true, session: null };
export const freshComputer: AppStatus = { hasProfiles: false, session: null };
export const signedIn = (s: SessionInfo = session()): AppStatus => ({
  hasProfiles: true,
  session: s,
});

export function task(overrides: Partial<Task> = {}): Task {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000a1",
    title: "Buy milk",
    notes: "",
    due: null,
    dueAt: null,
    priority: "p4",
    tags: [],
    status: "open",
    completedAt: null,
    recurrence: null,
    deletedAt: null,
    createdAt: "2025-01-02T10:00:00Z",
    updatedAt: "2025-01-02T10:00:00Z",
    overdue: false,
    dueToday: false,
    ...overrides,
  };
}

export const noCounts: ViewCounts = {
  inbox: 0,
  today: 0,
  upcoming: 0,
  overdue: 0,
  completed: 0,
  trash: 0,
};

export function connection(overrides: Partial<ProviderConnection> = {}): ProviderConnection {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000c1",
    kind: "openai",
    name: "OpenAI",
    baseUrl: "https://api.openai.com/v1",
    defaultModel: "gpt-4o-mini",
    isDefault: true,
    hasKey: true,
    keyStorage: "keychain",
    createdAt: "2025-01-02T10:00:00Z",
    updatedAt: "2025-01-02T10:00:00Z",
    ...overrides,
  };
}

/** The presets as the backend offers them. */
export const presets: ProviderPreset[] = [
  {
    id: "openai",
    label: "OpenAI",
    kind: "openai",
    baseUrl: "https://api.openai.com/v1",
    keyRequired: true,
    suggestedModel: "gpt-4o-mini",
  },
  {
    id: "anthropic",
    label: "Anthropic",
    kind: "anthropic",
    baseUrl: "https://api.anthropic.com/v1",
    keyRequired: true,
    suggestedModel: "claude-sonnet-4-5",
  },
  {
    id: "ollama",
    label: "Ollama",
    kind: "openaiCompatible",
    baseUrl: "http://localhost:11434/v1",
    keyRequired: false,
    suggestedModel: "llama3.2",
  },
  {
    id: "lmStudio",
    label: "LM Studio",
    kind: "openaiCompatible",
    baseUrl: "http://localhost:1234/v1",
    keyRequired: false,
    suggestedModel: null,
  },
  {
    id: "openRouter",
    label: "OpenRouter",
    kind: "openaiCompatible",
    baseUrl: "https://openrouter.ai/api/v1",
    keyRequired: true,
    suggestedModel: null,
  },
  {
    id: "vllm",
    label: "vLLM",
    kind: "openaiCompatible",
    baseUrl: "http://localhost:8000/v1",
    keyRequired: false,
    suggestedModel: null,
  },
  {
    id: "custom",
    label: "Other OpenAI-compatible",
    kind: "openaiCompatible",
    baseUrl: "",
    keyRequired: false,
    suggestedModel: null,
  },
];

export const keychainOk: SecretsStatus = { keychain: true, keychainHelp: null, vault: "off" };
