import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Channel } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import { commands, type ExportProgress } from "../../bindings";
import { unwrap } from "../../lib/ipc";

export type { ExportProgress, ExportWritten, ImportSummary } from "../../bindings";

/** Today as YYYY-MM-DD, for file names. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Asks where to save (the system's dialog); null when the person cancelled. */
async function saveAs(name: string, extension: string, label: string): Promise<string | null> {
  return save({ defaultPath: name, filters: [{ name: label, extensions: [extension] }] });
}

/**
 * Exports everything of the profile as JSON to a file the person chooses; `progress` is how far
 * it is while it runs (a table read at a time, then the file written), null otherwise.
 */
export function useExportProfile() {
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const mutation = useMutation({
    mutationFn: async () => {
      const path = await saveAs(`kickstartmyai-${today()}.json`, "json", "KickStartMyAI export");
      if (!path) return null;
      const channel = new Channel<ExportProgress>();
      channel.onmessage = setProgress;
      try {
        return await unwrap(commands.exportsProfile(path, channel));
      } finally {
        setProgress(null);
      }
    },
  });
  return { ...mutation, progress };
}

/** Exports the tasks as CSV to a file the person chooses. */
export function useExportTasksCsv() {
  return useMutation({
    mutationFn: async () => {
      const path = await saveAs(`tasks-${today()}.csv`, "csv", "CSV");
      return path ? unwrap(commands.exportsTasksCsv(path)) : null;
    },
  });
}

/** Exports one conversation as Markdown to a file the person chooses. */
export function useExportThreadMarkdown() {
  return useMutation({
    mutationFn: async ({ threadId, title }: { threadId: string; title: string }) => {
      const name = title.replace(/[\\/:*?"<>|]+/g, " ").trim() || "conversation";
      const path = await saveAs(`${name}.md`, "md", "Markdown");
      return path ? unwrap(commands.exportsThreadMarkdown(threadId, path)) : null;
    },
  });
}

/** Imports a JSON export the person picks; every list is fresh afterwards. */
export function useImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const path = await open({
        multiple: false,
        directory: false,
        filters: [{ name: "KickStartMyAI export", extensions: ["json"] }],
      });
      return typeof path === "string" ? unwrap(commands.exportsImport(path)) : null;
    },
    onSuccess: (summary) => {
      if (summary) void client.invalidateQueries();
    },
  });
}
