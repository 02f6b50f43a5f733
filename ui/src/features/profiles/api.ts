import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  commands,
  type AppStatus,
  type CreateProfileInput,
  type Profile,
  type Role,
} from "../../bindings";
import { unwrap } from "../../lib/ipc";
import { authKeys } from "../auth/api";

export type { CreateProfileInput, Profile, ProfileCreated, Role } from "../../bindings";

export const profileKeys = {
  list: ["profiles", "list"] as const,
};

/** All profiles on this computer (administrators only; members get Forbidden). */
export function useProfiles(enabled = true) {
  return useQuery({
    queryKey: profileKeys.list,
    queryFn: () => unwrap(commands.profilesList()),
    enabled,
  });
}

function replaceProfile(client: QueryClient, updated: Profile) {
  client.setQueryData<Profile[]>(profileKeys.list, (old) =>
    old?.map((profile) => (profile.id === updated.id ? updated : profile)),
  );
  // Changing one's own role changes what this window may show.
  const current = client.getQueryData<AppStatus>(authKeys.status)?.session?.profile.id;
  if (current === updated.id) void client.invalidateQueries({ queryKey: authKeys.status });
}

export function useCreateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateProfileInput) => unwrap(commands.profilesCreate(input)),
    onSuccess: () => client.invalidateQueries({ queryKey: profileKeys.list }),
  });
}

export function useSetProfileDisabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ profileId, disabled }: { profileId: string; disabled: boolean }) =>
      unwrap(commands.profilesSetDisabled(profileId, disabled)),
    onSuccess: (profile) => replaceProfile(client, profile),
  });
}

export function useSetProfileRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ profileId, role }: { profileId: string; role: Role }) =>
      unwrap(commands.profilesSetRole(profileId, role)),
    onSuccess: (profile) => replaceProfile(client, profile),
  });
}

export function useResetProfilePassword() {
  return useMutation({
    mutationFn: ({ profileId, newPassword }: { profileId: string; newPassword: string }) =>
      unwrap(commands.profilesResetPassword(profileId, newPassword)),
  });
}
