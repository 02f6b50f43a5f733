import { useQuery } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { unwrap } from "../../lib/ipc";

export type { DiagnosticsReport, TokensBy, UsageReport as Usage } from "../../bindings";

/** Version, folders, database, connections, MCP status and recent problems. */
export function useDiagnostics() {
  return useQuery({
    queryKey: ["diagnostics", "report"],
    queryFn: () => unwrap(commands.diagnosticsReport()),
  });
}

/** Usage per day over the last `days` days. */
export function useUsage(days: number) {
  return useQuery({
    queryKey: ["diagnostics", "usage", days],
    queryFn: () => unwrap(commands.diagnosticsUsage(days)),
  });
}
