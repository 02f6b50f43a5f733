import { Activity, X } from "lucide-react";
import { Alert, Badge, CopyButton, EmptyState, IconButton, Spinner } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { useRuns, type Run, type RunStatus } from "./api";
import { describeAnswerError, OFFLINE_NOTE } from "./describe";
import { formatCount, formatDuration, fullTime } from "./format";

const STATUS: Record<
  RunStatus,
  { label: string; tone: "accent" | "success" | "danger" | "neutral" | "warning" }
> = {
  running: { label: "Running", tone: "accent" },
  complete: { label: "Complete", tone: "success" },
  error: { label: "Failed", tone: "danger" },
  cancelled: { label: "Stopped", tone: "neutral" },
  interrupted: { label: "Interrupted", tone: "warning" },
};

/** The thread's runs (executions), newest first: what was asked of which model, and how it went. */
export function ActivityPanel({
  threadId,
  onClose,
}: {
  threadId: string | null;
  onClose: () => void;
}) {
  const runs = useRuns(threadId, true);
  return (
    <aside className="activity-panel" aria-label="Activity" data-testid="activity-panel">
      <header className="activity-header">
        <h2>Activity</h2>
        <IconButton label="Hide activity" onClick={onClose} data-testid="activity-close">
          <X size={16} />
        </IconButton>
      </header>
      <div className="activity-body">
        {threadId === null ? (
          <p className="muted small">Each answer's model, tokens and timings show here.</p>
        ) : runs.isPending ? (
          <div className="centered-block">
            <Spinner size={18} label="Loading activity" />
          </div>
        ) : runs.isError ? (
          <Alert tone="error">{formErrors(runs.error, []).form}</Alert>
        ) : runs.data.length === 0 ? (
          <EmptyState icon={<Activity size={20} />} title="No activity yet">
            Runs appear here as the agent answers.
          </EmptyState>
        ) : (
          <ol className="run-list">
            {runs.data.map((run) => (
              <RunItem key={run.id} run={run} />
            ))}
          </ol>
        )}
      </div>
    </aside>
  );
}

function RunItem({ run }: { run: Run }) {
  const status = STATUS[run.status];
  const problem =
    run.status === "error" ? describeAnswerError(run.errorKind, run.errorMessage) : null;
  return (
    <li className="run-item" data-testid="run-item" data-status={run.status}>
      <div className="run-head">
        <Badge tone={status.tone}>{status.label}</Badge>
        {run.offline ? (
          <span className="run-offline" title={OFFLINE_NOTE} data-testid="run-offline">
            Offline assistant
          </span>
        ) : (
          <span className="run-model" title={run.model}>
            {run.model}
          </span>
        )}
      </div>
      <dl className="run-facts">
        <dt>Provider</dt>
        <dd>{run.offline ? "None (simple rules)" : run.providerName}</dd>
        <dt>Tokens</dt>
        <dd>
          {run.tokensIn != null || run.tokensOut != null
            ? `${run.tokensIn != null ? formatCount(run.tokensIn) : "–"} in · ${run.tokensOut != null ? formatCount(run.tokensOut) : "–"} out`
            : "–"}
        </dd>
        <dt>First token</dt>
        <dd>{run.timeToFirstTokenMs != null ? formatDuration(run.timeToFirstTokenMs) : "–"}</dd>
        <dt>Duration</dt>
        <dd>
          {run.durationMs != null
            ? formatDuration(run.durationMs)
            : run.status === "running"
              ? "Running…"
              : "–"}
        </dd>
        <dt>Started</dt>
        <dd>{fullTime(run.startedAt)}</dd>
      </dl>
      {problem && (
        <p className="run-error" data-testid="run-error">
          <strong>{problem.title}</strong>
          {problem.detail && <span>{problem.detail}</span>}
        </p>
      )}
      <div className="run-correlation">
        <span className="muted">Correlation id</span>
        <code title="Find this run in the logs with this id">{run.correlationId}</code>
        <CopyButton text={run.correlationId} label="Copy correlation id" />
      </div>
    </li>
  );
}
