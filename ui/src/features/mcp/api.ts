import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type McpToken } from "../../bindings";
import { unwrap } from "../../lib/ipc";

export type { McpLaunch, McpToken, NewMcpToken } from "../../bindings";

export const mcpKeys = {
  all: ["mcp"] as const,
  tokens: ["mcp", "tokens"] as const,
  launch: ["mcp", "launch"] as const,
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
