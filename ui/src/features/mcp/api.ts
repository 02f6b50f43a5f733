import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type HttpSettings, type HttpStatus, type McpToken } from "../../bindings";
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
