import { useId, useState, type KeyboardEvent, type ReactNode } from "react";
import { Flag, RotateCcw, Trash2, X } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  IconButton,
  SegmentedControl,
  Select,
  Spinner,
} from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import {
  patchOf,
  useDeleteTask,
  useRestoreTask,
  useTask,
  useUpdateTask,
  type Priority,
  type Task,
  type TaskPatch,
} from "./api";
import { QUICK_DATE_LABELS, formatStamp, quickDate, type QuickDate } from "./dates";
import { PRIORITY_LABELS } from "./TaskList";

/** The fields of the panel, named as the backend names them in Validation errors. */
const FIELDS = ["title", "notes", "due", "priority", "tags", "recurrence"] as const;
type Field = (typeof FIELDS)[number];

export const RECURRENCE_PRESETS = [
  { value: "FREQ=DAILY", label: "Every day" },
  { value: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", label: "Every weekday" },
  { value: "FREQ=WEEKLY", label: "Every week" },
  { value: "FREQ=MONTHLY", label: "Every month" },
  { value: "FREQ=YEARLY", label: "Every year" },
] as const;

const normaliseRule = (rule: string) =>
  rule
    .trim()
    .replace(/^RRULE:/i, "")
    .toUpperCase();

const PRIORITY_OPTIONS = (["p1", "p2", "p3", "p4"] as const).map((value) => ({
  value,
  label: value.toUpperCase(),
  icon: <Flag size={12} className={`task-flag-${value}`} aria-hidden />,
  testId: `task-priority-${value}`,
}));

export const TAG_RULE = "Press Enter to add. Tags have no spaces — use a dash, like deep-work.";

/** A text the person edits, re-synced whenever the stored value changes underneath. */
function useDraft(value: string) {
  const [draft, setDraft] = useState(value);
  const [base, setBase] = useState(value);
  if (value !== base) {
    setBase(value);
    setDraft(value);
  }
  return [draft, setDraft] as const;
}

function FieldBlock({
  id,
  label,
  name,
  error,
  hint,
  children,
}: {
  id?: string;
  label: ReactNode;
  name: Field;
  error: string | null;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={["field", error && "field-invalid"].filter(Boolean).join(" ")}>
      {id ? (
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
      ) : (
        <span className="field-label">{label}</span>
      )}
      {children}
      {error ? (
        <p className="field-error" role="alert" data-testid={`field-error-${name}`}>
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint">{hint}</p>
      ) : null}
    </div>
  );
}

/** The right-hand panel that edits one task; every field saves on its own. */
export function TaskDetail({
  taskId,
  onClose,
  onDeleted,
}: {
  taskId: string;
  onClose: () => void;
  onDeleted: (task: Task) => void;
}) {
  const task = useTask(taskId);

  return (
    <aside className="task-detail" aria-label="Task details" data-testid="task-detail">
      <header className="task-detail-header">
        <span className="muted small">Task</span>
        <IconButton label="Close (Esc)" onClick={onClose} data-testid="task-detail-close">
          <X size={16} />
        </IconButton>
      </header>
      {task.data ? (
        <TaskForm key={task.data.id} task={task.data} onDeleted={onDeleted} />
      ) : task.isPending ? (
        <div className="centered-block">
          <Spinner size={18} label="Loading the task" />
        </div>
      ) : isAppError(task.error, "NotFound") ? (
        <EmptyState title="This task is gone">
          It was deleted for good, perhaps from another window.
        </EmptyState>
      ) : (
        <div className="task-detail-body">
          <Alert tone="error">{formErrors(task.error, []).form}</Alert>
        </div>
      )}
    </aside>
  );
}

function TaskForm({ task, onDeleted }: { task: Task; onDeleted: (task: Task) => void }) {
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const restore = useRestoreTask();
  const [failure, setFailure] = useState<{ field: Field; error: unknown } | null>(null);
  const [title, setTitle] = useDraft(task.title);
  const [notes, setNotes] = useDraft(task.notes);
  const [dueDate, setDueDate] = useDraft(task.due?.date ?? "");
  const [dueTime, setDueTime] = useDraft(task.due?.time ?? "");
  const [tagText, setTagText] = useState("");
  const [tagRule, setTagRule] = useState<string | null>(null);
  const ids = {
    title: useId(),
    notes: useId(),
    date: useId(),
    time: useId(),
    tags: useId(),
    recurrence: useId(),
  };

  const save = (field: Field, change: Partial<TaskPatch>) => {
    setFailure(null);
    update.mutate(
      { id: task.id, patch: patchOf(change) },
      { onError: (error) => setFailure({ field, error }) },
    );
  };

  const errorFor = (field: Field): string | null => {
    if (!failure) return null;
    const split = formErrors(failure.error, FIELDS);
    const named = Object.keys(split.fields)[0] as Field | undefined;
    if (named) return named === field ? (split.fields[field] ?? null) : null;
    return failure.field === field ? split.form : null;
  };
  const actionError = formErrors(remove.error ?? restore.error, []).form;

  const commitTitle = () => {
    if (title !== task.title) save("title", { title: title.trim() });
  };
  const commitNotes = () => {
    if (notes !== task.notes) save("notes", { notes });
  };
  const commitDue = (date: string, time: string) => {
    if (date === (task.due?.date ?? "") && time === (task.due?.time ?? "")) return;
    if (date === "") save("due", { clearDue: true });
    else save("due", { due: { date, time: time === "" ? null : time } });
  };
  const setQuickDue = (choice: QuickDate | null) => {
    if (choice === null) {
      setDueDate("");
      setDueTime("");
      save("due", { clearDue: true });
      return;
    }
    const date = quickDate(choice);
    setDueDate(date);
    save("due", { due: { date, time: task.due?.time ?? null } });
  };
  const onEnter = (commit: () => void) => (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      commit();
    }
  };

  const addTag = () => {
    const tag = tagText.trim().replace(/^#+/, "");
    if (tag === "") return;
    if (/\s/.test(tag)) {
      setTagRule("Tags can't have spaces — use a dash, like deep-work.");
      return;
    }
    setTagRule(null);
    setTagText("");
    if (!task.tags.includes(tag)) save("tags", { tags: [...task.tags, tag] });
  };
  const removeTag = (tag: string) => save("tags", { tags: task.tags.filter((t) => t !== tag) });
  const onTagKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      addTag();
    } else if (event.key === " ") {
      event.preventDefault();
      setTagRule("Tags can't have spaces — use a dash, like deep-work.");
    } else if (event.key === "Backspace" && tagText === "" && task.tags.length > 0) {
      removeTag(task.tags[task.tags.length - 1] ?? "");
    }
  };

  const rule = task.recurrence ? normaliseRule(task.recurrence.rrule) : null;
  const preset = RECURRENCE_PRESETS.find((option) => option.value === rule);
  const recurrenceOptions = [
    { value: "", label: "Does not repeat" },
    ...RECURRENCE_PRESETS,
    ...(task.recurrence && !preset ? [{ value: "custom", label: task.recurrence.label }] : []),
  ];
  const recurrenceValue = task.recurrence ? (preset?.value ?? "custom") : "";

  const inTrash = task.deletedAt !== null;

  return (
    <div className="task-detail-body">
      {inTrash && <Badge tone="warning">In the trash</Badge>}
      {task.status === "done" && <Badge tone="success">Completed</Badge>}
      {actionError && <Alert tone="error">{actionError}</Alert>}

      <FieldBlock id={ids.title} label="Title" name="title" error={errorFor("title")}>
        <input
          id={ids.title}
          name="title"
          className="input task-detail-title"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          onBlur={commitTitle}
          onKeyDown={onEnter(commitTitle)}
          aria-invalid={errorFor("title") ? true : undefined}
        />
      </FieldBlock>

      <FieldBlock
        id={ids.notes}
        label="Notes"
        name="notes"
        error={errorFor("notes")}
        hint="Saved when you leave the field, or with Ctrl+Enter."
      >
        <textarea
          id={ids.notes}
          name="notes"
          className="input textarea"
          rows={4}
          value={notes}
          placeholder="Anything worth remembering"
          onChange={(event) => setNotes(event.target.value)}
          onBlur={commitNotes}
          onKeyDown={(event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              commitNotes();
            }
          }}
        />
      </FieldBlock>

      <FieldBlock id={ids.date} label="Due" name="due" error={errorFor("due")}>
        <div className="task-due-inputs">
          <input
            id={ids.date}
            type="date"
            name="dueDate"
            className="input"
            value={dueDate}
            onChange={(event) => setDueDate(event.target.value)}
            onBlur={() => commitDue(dueDate, dueTime)}
            onKeyDown={onEnter(() => commitDue(dueDate, dueTime))}
          />
          <input
            id={ids.time}
            type="time"
            name="dueTime"
            aria-label="Due time (optional)"
            className={dueTime ? "input" : "input input-empty"}
            value={dueTime}
            disabled={dueDate === ""}
            onChange={(event) => setDueTime(event.target.value)}
            onBlur={() => commitDue(dueDate, dueTime)}
            onKeyDown={onEnter(() => commitDue(dueDate, dueTime))}
          />
        </div>
        <div className="task-quick-dates">
          {(Object.keys(QUICK_DATE_LABELS) as QuickDate[]).map((choice) => (
            <Button
              key={choice}
              size="sm"
              variant="ghost"
              onClick={() => setQuickDue(choice)}
              data-testid={`task-due-${choice === "nextWeek" ? "next-week" : choice}`}
            >
              {QUICK_DATE_LABELS[choice]}
            </Button>
          ))}
          <Button
            size="sm"
            variant="ghost"
            disabled={!task.due}
            onClick={() => setQuickDue(null)}
            data-testid="task-due-clear"
          >
            Clear
          </Button>
        </div>
      </FieldBlock>

      <FieldBlock label="Priority" name="priority" error={errorFor("priority")}>
        <SegmentedControl<Priority>
          name="priority"
          label="Priority"
          options={PRIORITY_OPTIONS}
          value={task.priority}
          onChange={(priority) => save("priority", { priority })}
        />
        <span className="visually-hidden">{PRIORITY_LABELS[task.priority]}</span>
      </FieldBlock>

      <FieldBlock
        id={ids.tags}
        label="Tags"
        name="tags"
        error={tagRule ?? errorFor("tags")}
        hint={TAG_RULE}
      >
        <div className="tags-input">
          {task.tags.map((tag) => (
            <span key={tag} className="chip">
              #{tag}
              <IconButton
                label={`Remove tag ${tag}`}
                className="chip-remove"
                onClick={() => removeTag(tag)}
                data-testid={`task-detail-tag-remove-${tag}`}
              >
                <X size={12} />
              </IconButton>
            </span>
          ))}
          <input
            id={ids.tags}
            name="tags"
            className="tags-input-field"
            value={tagText}
            placeholder={task.tags.length ? "Add another" : "Add a tag"}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => {
              setTagText(event.target.value);
              setTagRule(null);
            }}
            onKeyDown={onTagKey}
          />
        </div>
      </FieldBlock>

      <FieldBlock
        id={ids.recurrence}
        label="Repeat"
        name="recurrence"
        error={errorFor("recurrence")}
      >
        <Select
          id={ids.recurrence}
          name="recurrence"
          options={recurrenceOptions}
          value={recurrenceValue}
          onChange={(event) => {
            const value = event.target.value;
            if (value === "custom" || value === recurrenceValue) return;
            if (value === "") save("recurrence", { clearRecurrence: true });
            else save("recurrence", { recurrence: value });
          }}
        />
      </FieldBlock>

      <dl className="task-stamps">
        <dt>Created</dt>
        <dd>{formatStamp(task.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatStamp(task.updatedAt)}</dd>
        {task.completedAt && (
          <>
            <dt>Completed</dt>
            <dd>{formatStamp(task.completedAt)}</dd>
          </>
        )}
        {task.deletedAt && (
          <>
            <dt>Deleted</dt>
            <dd>{formatStamp(task.deletedAt)}</dd>
          </>
        )}
      </dl>

      <div className="task-detail-actions">
        {inTrash ? (
          <Button
            icon={<RotateCcw size={15} />}
            loading={restore.isPending}
            onClick={() => restore.mutate(task.id)}
            data-testid="task-detail-restore"
          >
            Restore
          </Button>
        ) : (
          <Button
            variant="danger"
            icon={<Trash2 size={15} />}
            loading={remove.isPending}
            onClick={() => remove.mutate(task.id, { onSuccess: onDeleted })}
            data-testid="task-delete"
          >
            Delete
          </Button>
        )}
      </div>
    </div>
  );
}
