import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  type HttpSettings,
  type HttpStatus,
  type McpServer,
  type McpServerPatch,
  type McpToken,
  type NewMcpServer,
} from "../../bindings";
import { toolKeys } from "../agents/api";
import { unwrap } from "../../lib/ipc";

export type { HttpSettings, HttpStatus, McpLaunch, McpToken, NewMcpToken } from "../../bindings";

export const mcpKeys = {
  all: ["mcp"] as const,
  tokens: ["mcp", "tokens"] as const,
  launch: ["mcp", "launch"] as const,
  http: ["mcp", "http"] as const,
};

/** The profile's MCP tokens, newest first: names and hints, never the tokens themselves. */
export function useMcpTokens() {
  return useQuery({
    queryKey: mcpKeys.tokens,
    queryFn: () => unwrap(commands.mcpTokensList()),
  });
}

/** How an MCP client starts this installation's server; fixed while the app runs. */
export function useMcpLaunch() {
  return useQuery({
    queryKey: mcpKeys.launch,
    queryFn: () => unwrap(commands.mcpLaunch()),
    staleTime: Infinity,
  });
}

/**
 * Makes a token. Its secret is in the answer only: the caller shows it once, and the mutation
 * is dropped from the cache as soon as nothing observes it, so the secret is not kept around.
 */
export function useCreateMcpToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(commands.mcpTokensCreate(name)),
    gcTime: 0,
    onSuccess: ({ token }) => {
      client.setQueryData<McpToken[]>(mcpKeys.tokens, (old) =>
        old ? [token, ...old.filter((item) => item.id !== token.id)] : old,
      );
      return client.invalidateQueries({ queryKey: mcpKeys.tokens });
    },
  });
}

/** Revokes a token: its clients are refused from their next request. */
export function useRevokeMcpToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.mcpTokensRevoke(id)),
    onSuccess: (revoked) => {
      client.setQueryData<McpToken[]>(mcpKeys.tokens, (old) =>
        old?.map((token) => (token.id === revoked.id ? revoked : token)),
      );
      return client.invalidateQueries({ queryKey: mcpKeys.tokens });
    },
  });
}

/** The MCP HTTP server: its settings, its address while it runs, and why it doesn't when on. */
export function useMcpHttpStatus() {
  return useQuery({
    queryKey: mcpKeys.http,
    queryFn: () => unwrap(commands.mcpHttpStatus()),
  });
}

/**
 * Switches the HTTP server on or off, or moves it to another port (administrators only; others
 * get Forbidden). A port that is taken is not an error: the answer says so in `error`.
 */
export function useSetMcpHttp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: HttpSettings) => unwrap(commands.mcpHttpSet(settings)),
    onSuccess: (status) => {
      client.setQueryData<HttpStatus>(mcpKeys.http, status);
    },
  });
}

export type {
  McpServer,
  McpServerPatch,
  McpServerTransport,
  McpServerVariable,
  NewMcpServer,
  ServerStatus,
} from "../../bindings";

const serverKeys = {
  list: ["mcp", "servers"] as const,
};

/** The profile's external MCP servers, with their status and the tools they last listed. */
export function useMcpServers() {
  return useQuery({
    queryKey: serverKeys.list,
    queryFn: () => unwrap(commands.mcpServersList()),
  });
}

/**
 * After any change to a server: the list, and the tools agents can be given (the agent editor
 * offers the servers' tools).
 */
function useServersChanged() {
  const client = useQueryClient();
  return (server?: McpServer) => {
    if (server) {
      client.setQueryData<McpServer[]>(serverKeys.list, (old) =>
        old?.map((item) => (item.id === server.id ? server : item)),
      );
    }
    return Promise.all([
      client.invalidateQueries({ queryKey: serverKeys.list }),
      client.invalidateQueries({ queryKey: toolKeys.list }),
    ]);
  };
}

export function useCreateMcpServer() {
  const changed = useServersChanged();
  return useMutation({
    mutationFn: (server: NewMcpServer) => unwrap(commands.mcpServersCreate(server)),
    onSuccess: () => changed(),
  });
}

export function useUpdateMcpServer() {
  const changed = useServersChanged();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: McpServerPatch }) =>
      unwrap(commands.mcpServersUpdate(id, patch)),
    onSuccess: (server) => changed(server),
  });
}

export function useDeleteMcpServer() {
  const changed = useServersChanged();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.mcpServersDelete(id)),
    onSuccess: () => changed(),
  });
}

/** Starts (or restarts) a server and lists its tools; a failure comes back in its status. */
export function useConnectMcpServer() {
  const changed = useServersChanged();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.mcpServersConnect(id)),
    onSuccess: (server) => changed(server),
  });
}
