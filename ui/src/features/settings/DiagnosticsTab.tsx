import { useMemo, useState } from "react";
import { ClipboardCopy } from "lucide-react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Alert, Badge, Button, SegmentedControl, Spinner } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import {
  useDiagnostics,
  useUsage,
  type DiagnosticsReport,
  type TokensBy,
  type Usage,
} from "../diagnostics/api";

const SERIES = ["--chart-1", "--chart-2", "--chart-3", "--chart-4", "--chart-5", "--chart-6"];
const color = (index: number) => `var(${SERIES[index % SERIES.length] ?? "--chart-1"})`;
const RANGES = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
] as const;
type Range = (typeof RANGES)[number]["value"];

/** "2026-12-05" as "Dec 5". */
function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

function megabytes(bytes: number | null): string {
  return `${((bytes ?? 0) / (1024 * 1024)).toFixed(1)} MB`;
}

/** The report as plain text for a bug report: counts and names, no message text, no secrets. */
export function reportText(report: DiagnosticsReport): string {
  const lines = [
    `KickStartMyAI ${report.appVersion} on ${report.platform}`,
    `Data folder: ${report.dataDir}`,
    `Log folder: ${report.logDir ?? "none"}`,
    `Database: ${megabytes(report.database.sizeBytes)}, schema ${report.database.schemaVersion}`,
    ...report.database.counts.map((count) => `  ${count.table}: ${count.rows ?? 0}`),
    `Connections: ${report.connections.length}`,
    ...report.connections.map(
      (c) =>
        `  ${c.kind}${c.isDefault ? " (default)" : ""}, key: ${c.keyStorage}, last run: ${c.lastRunAt ?? "never"}${c.lastRunFailed ? " (failed)" : ""}`,
    ),
    `MCP over HTTP: ${report.mcpHttpUrl ?? (report.mcpHttpError ? `not running: ${report.mcpHttpError}` : "off")}`,
    `Recent problems (${report.recentProblems.length}):`,
    ...report.recentProblems.map((line) => `  ${line}`),
  ];
  return lines.join("\n");
}

/** Rows of {day, <name>: tokens, …} for a stacked bar chart, and the names in the order seen. */
function pivot(days: Usage["days"], rows: TokensBy[]) {
  const names: string[] = [];
  const byDay = new Map<string, Record<string, number | string>>(
    days.map((d) => [d.day, { day: shortDay(d.day) }]),
  );
  for (const row of rows) {
    if (!names.includes(row.name)) names.push(row.name);
    const entry = byDay.get(row.day);
    if (entry) entry[row.name] = row.tokens ?? 0;
  }
  return { data: [...byDay.values()], names };
}

/** Settings → Diagnostics: the app's state at a glance, usage charts, "Copy diagnostics". */
export function DiagnosticsTab() {
  const report = useDiagnostics();
  const [range, setRange] = useState<Range>("30");
  const usage = useUsage(Number(range));
  const [copied, setCopied] = useState(false);

  if (report.isPending) return <Spinner size={18} label="Reading diagnostics" />;
  if (report.isError) return <Alert tone="error">{formErrors(report.error, []).form}</Alert>;
  const data = report.data;

  const copy = () => {
    void navigator.clipboard.writeText(reportText(data)).then(() => setCopied(true));
  };

  return (
    <div className="settings-stack" data-testid="settings-diagnostics">
      <section className="settings-section" aria-labelledby="diag-app-title">
        <header className="settings-section-header diag-header">
          <div>
            <h2 id="diag-app-title">This installation</h2>
            <p className="muted">
              Counts and names only: no message text and no keys, so you can paste it into a bug
              report.
            </p>
          </div>
          <Button icon={<ClipboardCopy size={15} />} onClick={copy} data-testid="diag-copy">
            {copied ? "Copied" : "Copy diagnostics"}
          </Button>
        </header>
        <dl className="diag-facts" data-testid="diag-facts">
          <dt>Version</dt>
          <dd>
            {data.appVersion} · {data.platform}
          </dd>
          <dt>Data folder</dt>
          <dd>
            <code>{data.dataDir}</code>
          </dd>
          <dt>Log folder</dt>
          <dd>{data.logDir ? <code>{data.logDir}</code> : "Not logging to a file"}</dd>
          <dt>Database</dt>
          <dd>
            {megabytes(data.database.sizeBytes)} · schema {data.database.schemaVersion}
          </dd>
          <dt>MCP over HTTP</dt>
          <dd>
            {data.mcpHttpUrl ? (
              <Badge tone="success">Running at {data.mcpHttpUrl}</Badge>
            ) : data.mcpHttpError ? (
              <Badge tone="danger">{data.mcpHttpError}</Badge>
            ) : (
              "Off"
            )}
          </dd>
        </dl>
        <div className="diag-counts" data-testid="diag-counts">
          {data.database.counts.map((count) => (
            <div key={count.table} className="diag-count">
              <strong>{(count.rows ?? 0).toLocaleString()}</strong>
              <span className="muted">{count.table.replace(/_/g, " ")}</span>
            </div>
          ))}
        </div>
      </section>

      <section className="settings-section" aria-labelledby="diag-connections-title">
        <header className="settings-section-header">
          <h2 id="diag-connections-title">Provider connections</h2>
        </header>
        {data.connections.length === 0 ? (
          <p className="muted">No provider connections.</p>
        ) : (
          <ul className="boxed-list">
            {data.connections.map((c) => (
              <li key={c.name} className="backup-row" data-testid="diag-connection">
                <div>
                  <strong>{c.name}</strong>
                  <span className="muted">
                    {" "}
                    · {c.kind}
                    {c.isDefault ? " · default" : ""} · key in {c.keyStorage}
                  </span>
                </div>
                {c.lastRunAt ? (
                  <Badge tone={c.lastRunFailed ? "danger" : "success"}>
                    {c.lastRunFailed ? "Last answer failed" : "Last answer fine"}
                  </Badge>
                ) : (
                  <Badge>Not used yet</Badge>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="settings-section" aria-labelledby="diag-usage-title">
        <header className="settings-section-header diag-header">
          <h2 id="diag-usage-title">Usage</h2>
          <SegmentedControl
            name="diag-range"
            label="Range"
            options={RANGES.map((r) => ({ value: r.value, label: r.label }))}
            value={range}
            onChange={setRange}
          />
        </header>
        {usage.isPending && <Spinner size={18} label="Reading usage" />}
        {usage.isError && <Alert tone="error">{formErrors(usage.error, []).form}</Alert>}
        {usage.data && <UsageCharts usage={usage.data} />}
      </section>

      <section className="settings-section" aria-labelledby="diag-problems-title">
        <header className="settings-section-header">
          <h2 id="diag-problems-title">Recent problems in the log</h2>
        </header>
        {data.recentProblems.length === 0 ? (
          <p className="muted">No warnings or errors in today’s log.</p>
        ) : (
          <pre className="diag-log" data-testid="diag-problems">
            {data.recentProblems.join("\n")}
          </pre>
        )}
      </section>
    </div>
  );
}

function UsageCharts({ usage }: { usage: Usage }) {
  const byAgent = useMemo(() => pivot(usage.days, usage.tokensByAgent), [usage]);
  const byModel = useMemo(() => pivot(usage.days, usage.tokensByModel), [usage]);
  const daily = useMemo(
    () =>
      usage.days.map((d) => ({
        day: shortDay(d.day),
        runs: d.runs,
        failed: d.failedRuns,
        created: d.tasksCreated,
        completed: d.tasksCompleted,
      })),
    [usage],
  );
  return (
    <div className="diag-charts">
      <TokenChart title="Tokens per day by agent" pivoted={byAgent} testId="chart-agents" />
      <TokenChart title="Tokens per day by model" pivoted={byModel} testId="chart-models" />
      <figure className="diag-chart" data-testid="chart-runs">
        <figcaption>Answers per day, and how many failed</figcaption>
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={daily}>
            <CartesianGrid stroke="var(--border)" vertical={false} />
            <XAxis dataKey="day" stroke="var(--text-muted)" fontSize={11} />
            <YAxis allowDecimals={false} stroke="var(--text-muted)" fontSize={11} width={36} />
            <Tooltip contentStyle={TOOLTIP} />
            <Legend />
            <Bar dataKey="runs" name="Answers" fill={color(0)} isAnimationActive={false} />
            <Bar dataKey="failed" name="Failed" fill="var(--danger)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure className="diag-chart" data-testid="chart-tasks">
        <figcaption>Tasks created and completed per day</figcaption>
        <ResponsiveContainer width="100%" height={200}>
          <LineChart data={daily}>
            <CartesianGrid stroke="var(--border)" vertical={false} />
            <XAxis dataKey="day" stroke="var(--text-muted)" fontSize={11} />
            <YAxis allowDecimals={false} stroke="var(--text-muted)" fontSize={11} width={36} />
            <Tooltip contentStyle={TOOLTIP} />
            <Legend />
            <Line
              dataKey="created"
              name="Created"
              stroke={color(3)}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
            />
            <Line
              dataKey="completed"
              name="Completed"
              stroke={color(1)}
              dot={false}
              strokeWidth={2}
            />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}

const TOOLTIP = {
  background: "var(--surface)",
  border: "1px solid var(--border)",
  borderRadius: 8,
  color: "var(--text)",
};

function TokenChart({
  title,
  pivoted,
  testId,
}: {
  title: string;
  pivoted: ReturnType<typeof pivot>;
  testId: string;
}) {
  return (
    <figure className="diag-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {pivoted.names.length === 0 ? (
        <p className="muted diag-empty">No answers with token counts in this range.</p>
      ) : (
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={pivoted.data}>
            <CartesianGrid stroke="var(--border)" vertical={false} />
            <XAxis dataKey="day" stroke="var(--text-muted)" fontSize={11} />
            <YAxis stroke="var(--text-muted)" fontSize={11} width={48} />
            <Tooltip contentStyle={TOOLTIP} />
            <Legend />
            {pivoted.names.map((name, index) => (
              <Bar
                key={name}
                dataKey={name}
                stackId="tokens"
                fill={color(index)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
