import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import { commands, events, type Agent, type AgentInput, type AgentQuery } from "../../bindings";
import { unwrap, useBackendEvent } from "../../lib/ipc";
import { chatKeys } from "../chat/api";

export type {
  Agent,
  AgentInput,
  AgentQuery,
  AgentStarter,
  AgentVisibility,
  ToolHints,
  ToolInfo,
} from "../../bindings";

export const agentKeys = {
  all: ["agents"] as const,
  lists: ["agents", "list"] as const,
  list: (query: AgentQuery) => ["agents", "list", query] as const,
  detail: (id: string) => ["agents", "detail", id] as const,
  export: (id: string) => ["agents", "export", id] as const,
};

/** Apart from the agents: their writes need not read the tools again. */
export const toolKeys = {
  list: ["tools", "list"] as const,
};

/** Marks every agent list and detail stale after a write. */
export function invalidateAgents(client: QueryClient) {
  return client.invalidateQueries({ queryKey: agentKeys.all });
}

/**
 * Keeps this window's agents in step: with changes made in other windows (`agentsChanged`), and
 * with provider connections, which agents name (one removed, another made the default), so the
 * editor and the chat's agent picker never show a stale choice.
 */
export function useAgentsChangedListener() {
  const client = useQueryClient();
  useBackendEvent(events.agentsChanged, "agents-changed", () => {
    void invalidateAgents(client);
    // Threads show their agent's name, colour and icon.
    void client.invalidateQueries({ queryKey: chatKeys.threadLists });
  });
  useBackendEvent(events.providersChanged, "providers-changed", () => {
    void invalidateAgents(client);
  });
}

/** The profile's agents and those shared with it: built-in first, then by name. */
export function useAgents(query: AgentQuery, enabled = true) {
  return useQuery({
    queryKey: agentKeys.list(query),
    queryFn: () => unwrap(commands.agentsList(query)),
    // Typing a search keeps the previous cards until the new ones arrive.
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One agent, taken from a loaded list when there is one. */
export function useAgent(id: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: agentKeys.detail(id ?? ""),
    queryFn: () => unwrap(commands.agentsGet(id ?? "")),
    enabled: id !== null,
    initialData: () => {
      if (!id) return undefined;
      for (const [, list] of client.getQueriesData<Agent[]>({ queryKey: agentKeys.lists })) {
        const found = list?.find((agent) => agent.id === id);
        if (found) return found;
      }
      return undefined;
    },
  });
}

/**
 * Every tool an agent can be given, in the order they are offered: the app's own, then the tool
 * servers'. Refreshed when a tool server changes (features/mcp/api.ts).
 */
export function useTools() {
  return useQuery({
    queryKey: toolKeys.list,
    queryFn: () => unwrap(commands.toolsList()),
    staleTime: Infinity,
  });
}

/** The JSON an agent exports to (read when the export dialog opens, never cached for long). */
export function useAgentExport(id: string | null) {
  return useQuery({
    queryKey: agentKeys.export(id ?? ""),
    queryFn: () => unwrap(commands.agentsExport(id ?? "")),
    enabled: id !== null,
    staleTime: 0,
    gcTime: 0,
  });
}

function useAgentWrite<V>(call: (variables: V) => Promise<Agent>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (agent) => {
      client.setQueryData(agentKeys.detail(agent.id), agent);
      // Threads show their agent's name, colour and icon.
      void client.invalidateQueries({ queryKey: chatKeys.threadLists });
      return invalidateAgents(client);
    },
  });
}

export function useCreateAgent() {
  return useAgentWrite((input: AgentInput) => unwrap(commands.agentsCreate(input)));
}

export function useUpdateAgent() {
  return useAgentWrite(({ id, input }: { id: string; input: AgentInput }) =>
    unwrap(commands.agentsUpdate(id, input)),
  );
}

export function useDuplicateAgent() {
  return useAgentWrite((id: string) => unwrap(commands.agentsDuplicate(id)));
}

export function useSetAgentArchived() {
  return useAgentWrite(({ id, archived }: { id: string; archived: boolean }) =>
    unwrap(commands.agentsSetArchived(id, archived)),
  );
}

export function useImportAgent() {
  return useAgentWrite((json: string) => unwrap(commands.agentsImport(json)));
}
