import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { DiagnosticsReport, Usage } from "../diagnostics/api";
import { signedIn } from "../../test/fixtures";
import { renderApp, type Handler } from "../../test/render";
import { reportText } from "./DiagnosticsTab";

const report: DiagnosticsReport = {
  appVersion: "0.1.0",
  platform: "linux x86_64",
  dataDir: "/home/ada/.local/share/ai.kickstartmyai.desktop",
  logDir: "/home/ada/.local/share/ai.kickstartmyai.desktop/logs",
  database: {
    sizeBytes: 3_145_728,
    schemaVersion: "20261203090000",
    counts: [
      { table: "tasks", rows: 1200 },
      { table: "messages", rows: 340 },
    ],
  },
  connections: [
    {
      name: "OpenAI",
      kind: "openai",
      isDefault: true,
      keyStorage: "keychain",
      lastRunAt: "2026-12-05T09:00:00.000Z",
      lastRunFailed: true,
    },
  ],
  mcpHttpUrl: null,
  mcpHttpError: "Port 39217 is taken by another program.",
  recentProblems: ["2026-12-05T09:00:00Z  WARN provider refused the key"],
};

const usage: Usage = {
  days: [
    {
      day: "2026-12-05",
      runs: 3,
      failedRuns: 1,
      tokensIn: 120,
      tokensOut: 480,
      tasksCreated: 2,
      tasksCompleted: 1,
    },
  ],
  tokensByAgent: [{ day: "2026-12-05", name: "Writer", tokens: 600 }],
  tokensByModel: [{ day: "2026-12-05", name: "gpt-4o-mini", tokens: 600 }],
};

function backend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    diagnostics_report: () => report,
    diagnostics_usage: () => usage,
    ...overrides,
  };
}

describe("settings → diagnostics", () => {
  it("shows the installation, the connections' last answers, MCP and recent problems", async () => {
    const { user } = renderApp(backend());
    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));
    await user.click(await screen.findByTestId("settings-tab-diagnostics"));
    const facts = await screen.findByTestId("diag-facts");
    expect(facts).toHaveTextContent("0.1.0 · linux x86_64");
    expect(facts).toHaveTextContent("3.0 MB · schema 20261203090000");
    expect(facts).toHaveTextContent("Port 39217 is taken");
    expect(screen.getByTestId("diag-counts")).toHaveTextContent("1,200tasks");
    expect(screen.getByTestId("diag-connection")).toHaveTextContent("Last answer failed");
    expect(screen.getByTestId("diag-problems")).toHaveTextContent("provider refused the key");
    expect(await screen.findByTestId("chart-agents")).toBeInTheDocument();
    expect(screen.getByTestId("chart-tasks")).toBeInTheDocument();
  });

  it("asks for the chosen range and copies a report without message text", async () => {
    const { user, callsTo } = renderApp(backend());
    await screen.findByTestId("app-frame");
    await user.click(screen.getByTestId("nav-settings"));
    await user.click(await screen.findByTestId("settings-tab-diagnostics"));
    await screen.findByTestId("diag-facts");
    await waitFor(() => expect(callsTo("diagnostics_usage")[0]?.args).toEqual({ days: 30 }));
    await user.click(screen.getByText("90 days"));
    await waitFor(() => expect(callsTo("diagnostics_usage").at(-1)?.args).toEqual({ days: 90 }));

    await user.click(screen.getByTestId("diag-copy"));
    // user-event's clipboard stands in for the system's.
    await waitFor(() => expect(screen.getByTestId("diag-copy")).toHaveTextContent("Copied"));
    expect(await navigator.clipboard.readText()).toBe(reportText(report));
    const text = reportText(report);
    expect(text).toContain("KickStartMyAI 0.1.0 on linux x86_64");
    expect(text).toContain("openai (default), key: keychain");
    expect(text).not.toContain("OpenAI"); // a connection's name is the person's; its kind is enough
    expect(screen.getByTestId("diag-copy")).toHaveTextContent("Copied");
  });
});
