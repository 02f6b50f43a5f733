import { useState, type FormEvent } from "react";
import { Archive, DatabaseBackup, Download, History, Upload } from "lucide-react";
import { Alert, Badge, Button, Dialog, EmptyState, Spinner, TextField } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import {
  useBackups,
  useBackupSettings,
  useCreateBackup,
  useRestoreBackup,
  useSaveBackupSettings,
  type Backup,
  type BackupReason,
} from "../backups/api";
import {
  useExportProfile,
  useExportTasksCsv,
  useImport,
  type ExportProgress,
  type ExportWritten,
  type ImportSummary,
} from "../exports/api";

const REASONS: Record<BackupReason, string> = {
  daily: "Daily",
  manual: "By hand",
  beforeMigration: "Before an upgrade",
  beforeRestore: "Before a restore",
};

function size(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * Settings → Data: export and import your own data (everyone); for administrators also the
 * database's automatic backups, "Back up now", how many are kept, and restoring one (the app
 * restarts; the data it replaces is backed up first).
 */
export function DataTab({ isAdmin }: { isAdmin: boolean }) {
  return (
    <div className="settings-stack" data-testid="settings-data">
      <ExportSection />
      {isAdmin && <BackupsSection />}
    </div>
  );
}

function written(file: ExportWritten): string {
  return `Saved ${size(file.bytes)} to ${file.path}`;
}

/** The core names the kinds of rows by their tables; people read these words (one, many). */
const ROW_WORDS: Record<string, [string, string]> = {
  provider_connections: ["provider connection", "provider connections"],
  agents: ["agent", "agents"],
  threads: ["conversation", "conversations"],
  messages: ["message", "messages"],
  runs: ["answer run", "answer runs"],
  tool_calls: ["tool call", "tool calls"],
  tool_approvals: ["tool approval", "tool approvals"],
  tasks: ["task", "tasks"],
  task_tags: ["task tag", "task tags"],
  task_completions: ["completed repeat", "completed repeats"],
};

/** "1 conversation", "12 tasks". */
function rows(count: number, kind: string): string {
  const [one, many] = ROW_WORDS[kind] ?? [kind.replace(/_/g, " "), kind.replace(/_/g, " ")];
  return `${count} ${count === 1 ? one : many}`;
}

function imported(summary: ImportSummary): string {
  if (summary.added.length === 0)
    return "Everything in that file is already here; nothing was added.";
  const parts = summary.added.map((item) => rows(item.count, item.kind));
  return `Imported ${parts.join(", ")}.`;
}

function ExportProgressBar({ progress }: { progress: ExportProgress }) {
  const label =
    progress.kind === "file" ? "Writing the file…" : `Read ${rows(progress.rows, progress.kind)}`;
  return (
    <div className="export-progress" data-testid="export-progress">
      <progress
        max={progress.total}
        value={progress.done}
        aria-label="Export progress"
        aria-valuetext={`Step ${progress.done} of ${progress.total}: ${label}`}
      />
      <span className="muted">{label}</span>
    </div>
  );
}

function ExportSection() {
  const everything = useExportProfile();
  const tasks = useExportTasksCsv();
  const load = useImport();
  const error = formErrors(everything.error ?? tasks.error ?? load.error, []).form;
  const done = everything.data ?? tasks.data;
  return (
    <section className="settings-section" aria-labelledby="data-export-title">
      <header className="settings-section-header">
        <h2 id="data-export-title">Export and import</h2>
        <p className="muted">
          Your agents, conversations, tasks and settings in one file, to keep or to move to another
          profile or computer. API keys are never in it.
        </p>
      </header>
      <div className="settings-row data-actions">
        <Button
          icon={<Download size={15} />}
          loading={everything.isPending}
          onClick={() => everything.mutate()}
          data-testid="export-profile"
        >
          Export everything…
        </Button>
        <Button
          icon={<Download size={15} />}
          loading={tasks.isPending}
          onClick={() => tasks.mutate()}
          data-testid="export-tasks-csv"
        >
          Tasks as CSV…
        </Button>
        <Button
          icon={<Upload size={15} />}
          loading={load.isPending}
          onClick={() => load.mutate()}
          data-testid="import-profile"
        >
          Import…
        </Button>
      </div>
      {everything.progress && <ExportProgressBar progress={everything.progress} />}
      {done && (
        <Alert tone="success" data-testid="export-result">
          {written(done)}
        </Alert>
      )}
      {load.data && (
        <Alert tone="success" data-testid="import-result">
          {imported(load.data)}
        </Alert>
      )}
      {error && (
        <Alert tone="error" data-testid="data-error">
          {error}
        </Alert>
      )}
    </section>
  );
}

function BackupsSection() {
  const backups = useBackups();
  const create = useCreateBackup();
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const createError = formErrors(create.error, []).form;

  return (
    <>
      <section className="settings-section" aria-labelledby="data-backups-title">
        <header className="settings-section-header">
          <h2 id="data-backups-title">Backups</h2>
          <p className="muted">
            A copy of everything on this computer, every profile’s chats, agents and tasks, made
            each day and before every upgrade. API keys stay in the keychain and are not in them.
          </p>
        </header>
        <div className="settings-row">
          <Button
            variant="primary"
            icon={<DatabaseBackup size={15} />}
            loading={create.isPending}
            onClick={() => create.mutate()}
            data-testid="backup-create"
          >
            Back up now
          </Button>
        </div>
        {createError && <Alert tone="error">{createError}</Alert>}
        {backups.isPending && <Spinner size={18} label="Loading backups" />}
        {backups.isError && <Alert tone="error">{formErrors(backups.error, []).form}</Alert>}
        {backups.data?.length === 0 && (
          <EmptyState icon={<Archive size={20} />} title="No backups yet">
            The first one is made today, and you can make one now.
          </EmptyState>
        )}
        {backups.data && backups.data.length > 0 && (
          <ul className="boxed-list" aria-label="Backups">
            {backups.data.map((backup) => (
              <li key={backup.name} className="backup-row" data-testid="backup-row">
                <div>
                  <strong>{when(backup.createdAt)}</strong>
                  <span className="muted"> · {size(backup.sizeBytes)}</span>
                </div>
                <Badge>{REASONS[backup.reason]}</Badge>
                <Button
                  variant="ghost"
                  icon={<History size={15} />}
                  onClick={() => setRestoring(backup)}
                  data-testid="backup-restore"
                >
                  Restore…
                </Button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <KeepSection />
      <RestoreDialog backup={restoring} onClose={() => setRestoring(null)} />
    </>
  );
}

function KeepSection() {
  const settings = useBackupSettings();
  const save = useSaveBackupSettings();
  const [keep, setKeep] = useState<string | null>(null);
  const errors = formErrors(save.error, ["keep"]);
  if (!settings.data) return null;
  const value = keep ?? String(settings.data.keep);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ keep: Number(value) }, { onSuccess: () => setKeep(null) });
  };

  return (
    <section className="settings-section" aria-labelledby="data-keep-title">
      <header className="settings-section-header">
        <h2 id="data-keep-title">How many to keep</h2>
      </header>
      <form className="form form-inline" onSubmit={submit} noValidate>
        <TextField
          label="Backups kept"
          name="keep"
          type="number"
          min={1}
          max={100}
          value={value}
          onChange={(event) => setKeep(event.target.value)}
          error={errors.fields.keep}
          hint="The oldest are removed when a new one is made."
          data-testid="backup-keep"
        />
        <Button
          type="submit"
          disabled={value === String(settings.data.keep)}
          loading={save.isPending}
          data-testid="backup-keep-save"
        >
          Save
        </Button>
      </form>
    </section>
  );
}

function RestoreDialog({ backup, onClose }: { backup: Backup | null; onClose: () => void }) {
  const restore = useRestoreBackup();
  const error = formErrors(restore.error, []).form;
  return (
    <Dialog
      open={backup !== null}
      onClose={onClose}
      title="Restore this backup?"
      description={
        backup
          ? `Everything on this computer goes back to ${when(backup.createdAt)}: every profile, chat, agent and task. KickStartMyAI restarts; what is there now is backed up first, so this can be undone.`
          : undefined
      }
      testId="backup-restore-dialog"
    >
      {error && <Alert tone="error">{error}</Alert>}
      {restore.isSuccess && <Alert tone="success">Restarting…</Alert>}
      <div className="form-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="primary"
          className="btn-destructive"
          loading={restore.isPending || restore.isSuccess}
          onClick={() => backup && restore.mutate(backup)}
          data-testid="backup-restore-confirm"
        >
          Restore and restart
        </Button>
      </div>
    </Dialog>
  );
}
