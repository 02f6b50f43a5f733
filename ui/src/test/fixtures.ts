import type { Agent, ToolInfo } from "../features/agents/api";
import type { McpServer } from "../features/mcp/api";
import type { AppStatus, Profile, SessionInfo } from "../features/auth/api";
import type { Message, Run, Thread, ToolCallView } from "../features/chat/api";
import type { HttpStatus, McpLaunch, McpToken } from "../features/mcp/api";
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

export function agent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000b1",
    ownerId: "0190a5b2-0000-7000-8000-000000000001",
    ownerName: "Ada Lovelace",
    isOwn: true,
    canEdit: true,
    builtIn: false,
    name: "Trip planner",
    description: "Plans weekends away.",
    color: "teal",
    icon: "globe",
    systemPrompt: "You plan trips.",
    connectionId: null,
    model: null,
    temperature: null,
    maxTokens: null,
    contextWindow: null,
    tools: [],
    starters: [],
    visibility: "private",
    archived: false,
    createdAt: "2025-01-02T10:00:00Z",
    updatedAt: "2025-01-02T10:00:00Z",
    ...overrides,
  };
}

/** The built-in Task assistant every profile starts with. */
export const taskAssistant = agent({
  id: "0190a5b2-0000-7000-8000-0000000000b0",
  builtIn: true,
  name: "Task assistant",
  description: "Manages your to-do list.",
  color: "indigo",
  icon: "list-checks",
  systemPrompt: "You manage tasks.",
});

export function thread(overrides: Partial<Thread> = {}): Thread {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000d1",
    agentId: taskAssistant.id,
    agentName: taskAssistant.name,
    agentColor: taskAssistant.color,
    agentIcon: taskAssistant.icon,
    title: "Groceries",
    pinned: false,
    archived: false,
    streaming: false,
    lastActivityAt: "2025-01-03T09:30:00Z",
    createdAt: "2025-01-03T09:00:00Z",
    snippet: null,
    ...overrides,
  };
}

export function message(overrides: Partial<Message> = {}): Message {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000e1",
    threadId: thread().id,
    role: "user",
    content: "Hello",
    status: "complete",
    model: null,
    tokensIn: null,
    tokensOut: null,
    runId: null,
    errorKind: null,
    errorMessage: null,
    createdAt: "2025-01-03T09:00:00Z",
    toolCalls: [],
    offline: false,
    ...overrides,
  };
}

export function run(overrides: Partial<Run> = {}): Run {
  return {
    id: "0190a5b2-0000-7000-8000-0000000000f1",
    threadId: thread().id,
    messageId: null,
    status: "complete",
    providerName: "OpenAI",
    providerKind: "openai",
    model: "gpt-4o-mini",
    tokensIn: 120,
    tokensOut: 48,
    timeToFirstTokenMs: 320,
    durationMs: 2400,
    errorKind: null,
    errorMessage: null,
    correlationId: "run-7f3a9c",
    offline: false,
    startedAt: "2025-01-03T09:00:01Z",
    finishedAt: "2025-01-03T09:00:03Z",
    ...overrides,
  };
}

export function toolCall(overrides: Partial<ToolCallView> = {}): ToolCallView {
  return {
    id: "0190a5b2-0000-7000-8000-000000000101",
    runId: run().id,
    messageId: "0190a5b2-0000-7000-8000-0000000000e2",
    tool: "add_tasks",
    title: "Add tasks",
    arguments: '{"tasks":[{"title":"Buy milk","due":"tomorrow"}]}',
    result: '{"created":[{"id":"t1","title":"Buy milk"}]}',
    status: "ok",
    approval: "notNeeded",
    position: 0,
    round: 1,
    durationMs: 42,
    startedAt: "2025-01-03T09:00:02Z",
    ...overrides,
  };
}

/** The tools as the backend offers them to the agent editor. */
export const tools: ToolInfo[] = [
  {
    name: "list_tasks",
    title: "List tasks",
    description: "Finds tasks by view, tag or words.",
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    server: null,
  },
  {
    name: "add_tasks",
    title: "Add tasks",
    description: "Adds one or more tasks.",
    hints: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
    server: null,
  },
  {
    name: "delete_tasks",
    title: "Delete tasks",
    description: "Moves tasks to the trash.",
    hints: { readOnly: false, destructive: true, idempotent: true, openWorld: false },
    server: null,
  },
];

/** A tool server's tool as the agent editor and Settings → Tool servers show it. */
export const externalTool: ToolInfo = {
  name: "files__read_file",
  title: "Read file",
  description: "Reads a file.",
  hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  server: "files",
};

export function mcpServer(overrides: Partial<McpServer> = {}): McpServer {
  return {
    id: "0190a5b2-0000-7000-8000-000000000301",
    name: "files",
    transport: {
      kind: "stdio",
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-filesystem", "/home/ada/Documents"],
    },
    variableNames: ["API_TOKEN"],
    enabled: true,
    tools: [
      externalTool,
      {
        name: "files__write_file",
        title: "Write file",
        description: "Writes a file.",
        hints: { readOnly: false, destructive: true, idempotent: false, openWorld: false },
        server: "files",
      },
    ],
    toolsSeenAt: "2025-01-03T09:00:00Z",
    status: { state: "running" },
    createdAt: "2025-01-02T10:00:00Z",
    updatedAt: "2025-01-02T10:00:00Z",
    ...overrides,
  };
}

export function mcpToken(overrides: Partial<McpToken> = {}): McpToken {
  return {
    id: "0190a5b2-0000-7000-8000-000000000201",
    name: "Claude Desktop",
    hint: "x7Qa",
    createdAt: "2025-01-02T10:00:00Z",
    lastUsedAt: "2025-01-03T08:15:00Z",
    revokedAt: null,
    ...overrides,
  };
}

export const mcpLaunch: McpLaunch = {
  command: "/Applications/KickStartMyAI.app/Contents/MacOS/kickstart",
  args: ["mcp", "--data-dir", "/Users/ada/Library/Application Support/KickStartMyAI"],
  tokenVariable: "KICKSTART_MCP_TOKEN",
};

/** The MCP HTTP server, switched off on its default port. */
export function mcpHttpStatus(overrides: Partial<HttpStatus> = {}): HttpStatus {
  return {
    settings: { enabled: false, port: 39217 },
    url: null,
    error: null,
    ...overrides,
  };
}

/** The MCP HTTP server, running at `port`. */
export function mcpHttpListening(port = 39217): HttpStatus {
  return mcpHttpStatus({
    settings: { enabled: true, port },
    url: `http://127.0.0.1:${port}/mcp`,
  });
}
