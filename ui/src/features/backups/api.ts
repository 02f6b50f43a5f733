import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type Backup, type BackupSettings } from "../../bindings";
import { unwrap } from "../../lib/ipc";

export type { Backup, BackupReason, BackupSettings } from "../../bindings";

export const backupKeys = {
  list: ["backups", "list"] as const,
  settings: ["backups", "settings"] as const,
};

/** The database's backups, newest first (administrators). */
export function useBackups() {
  return useQuery({ queryKey: backupKeys.list, queryFn: () => unwrap(commands.backupsList()) });
}

/** How many backups are kept. */
export function useBackupSettings() {
  return useQuery({
    queryKey: backupKeys.settings,
    queryFn: () => unwrap(commands.backupsSettings()),
  });
}

/** Changes how many backups are kept; older ones beyond it are removed. */
export function useSaveBackupSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: BackupSettings) => unwrap(commands.backupsSettingsSet(settings)),
    onSuccess: (settings) => {
      client.setQueryData(backupKeys.settings, settings);
      void client.invalidateQueries({ queryKey: backupKeys.list });
    },
  });
}

/** Backs up the database now. */
export function useCreateBackup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.backupsCreate()),
    onSuccess: () => void client.invalidateQueries({ queryKey: backupKeys.list }),
  });
}

/** Restores a backup: the app restarts, keeping a backup of the current data first. */
export function useRestoreBackup() {
  return useMutation({
    mutationFn: (backup: Backup) => unwrap(commands.backupsRestore(backup.name)),
  });
}
