import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  commands,
  events,
  type ConnectionPatch,
  type ModelInfo,
  type NewConnection,
  type ProviderConnection,
  type SecretsStatus,
} from "../../bindings";
import { unwrap, useBackendEvent } from "../../lib/ipc";

export type {
  ConnectionCheck,
  ConnectionPatch,
  KeyStorage,
  ModelInfo,
  NewConnection,
  ProviderConnection,
  ProviderKind,
  ProviderPreset,
  SecretsStatus,
  VaultState,
} from "../../bindings";

export const providerKeys = {
  all: ["providers"] as const,
  list: ["providers", "list"] as const,
  presets: ["providers", "presets"] as const,
  models: (id: string) => ["providers", "models", id] as const,
};

export const secretsKeys = {
  status: ["secrets", "status"] as const,
};

/** Refreshes the connection list. Model lists are left alone: reading them costs a request. */
function invalidateConnections(client: QueryClient) {
  return client.invalidateQueries({ queryKey: providerKeys.list });
}

/** Keeps this window's connections in step with changes made in other windows. */
export function useProvidersChangedListener() {
  const client = useQueryClient();
  useBackendEvent(events.providersChanged, "providers-changed", () => {
    void invalidateConnections(client);
  });
}

/** The presets of the "Add provider" dialog; they never change while the app runs. */
export function useProviderPresets(enabled = true) {
  return useQuery({
    queryKey: providerKeys.presets,
    queryFn: () => unwrap(commands.providersPresets()),
    staleTime: Infinity,
    enabled,
  });
}

/** The profile's connections, the default first, then by name. */
export function useProviders() {
  return useQuery({
    queryKey: providerKeys.list,
    queryFn: () => unwrap(commands.providersList()),
  });
}

/** The models a connection offers (a request to the provider, so only when asked for). */
export function useProviderModels(id: string, enabled: boolean) {
  return useQuery({
    queryKey: providerKeys.models(id),
    queryFn: () => unwrap(commands.providersModels(id)),
    enabled,
    staleTime: 5 * 60_000,
  });
}

function replaceConnection(client: QueryClient, updated: ProviderConnection) {
  client.setQueryData<ProviderConnection[]>(providerKeys.list, (old) =>
    old?.map((connection) => (connection.id === updated.id ? updated : connection)),
  );
}

export function useCreateProvider() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewConnection) => unwrap(commands.providersCreate(input)),
    onSuccess: () => invalidateConnections(client),
  });
}

const NO_CHANGE: ConnectionPatch = {
  name: null,
  baseUrl: null,
  defaultModel: null,
  apiKey: null,
  clearKey: false,
};

/** A patch that changes only the given fields. */
export function connectionPatch(change: Partial<ConnectionPatch>): ConnectionPatch {
  return { ...NO_CHANGE, ...change };
}

export function useUpdateProvider() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: ConnectionPatch }) =>
      unwrap(commands.providersUpdate(id, patch)),
    onSuccess: (connection, { patch }) => {
      replaceConnection(client, connection);
      // Another address or key may answer with other models.
      if (patch.baseUrl !== null || patch.apiKey !== null || patch.clearKey) {
        void client.invalidateQueries({ queryKey: providerKeys.models(connection.id) });
      }
      return invalidateConnections(client);
    },
  });
}

export function useDeleteProvider() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.providersDelete(id)),
    onSuccess: (_, id) => {
      client.removeQueries({ queryKey: providerKeys.models(id) });
      return invalidateConnections(client);
    },
  });
}

export function useSetDefaultProvider() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.providersSetDefault(id)),
    onSuccess: () => invalidateConnections(client),
  });
}

/** "Test connection". The models it read, if any, fill the Models list without another request. */
export function useCheckProvider() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.providersCheck(id)),
    onSuccess: (check, id) => {
      if (check.models) {
        const sorted = [...check.models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        client.setQueryData<ModelInfo[]>(providerKeys.models(id), sorted);
      }
    },
  });
}

/** Whether keys can go to a system keychain, and the state of the encrypted vault. */
export function useSecretsStatus() {
  return useQuery({
    queryKey: secretsKeys.status,
    queryFn: () => unwrap(commands.secretsStatus()),
  });
}

export function useEnableVault() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => unwrap(commands.secretsEnableVault(password)),
    onSuccess: (status) => {
      client.setQueryData<SecretsStatus>(secretsKeys.status, status);
      // A new vault in place of a locked one holds none of the old keys.
      return invalidateConnections(client);
    },
  });
}
