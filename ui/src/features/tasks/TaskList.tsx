import { useEffect, useRef, type MouseEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Check, FileText, Flag, Repeat, RotateCcw } from "lucide-react";
import { Spinner } from "../../components/ui";
import type { Task, TaskView } from "./api";
import { dayHeading, dueLabel } from "./dates";

export const PRIORITY_LABELS = {
  p1: "Priority 1",
  p2: "Priority 2",
  p3: "Priority 3",
  p4: "No priority",
} as const;

export type ListItem =
  { kind: "header"; key: string; label: string } | { kind: "task"; task: Task };

const ROW_HEIGHT = 44;
const HEADER_HEIGHT = 38;

/** Tasks in order, with a heading before each new day when the view is a plan by date. */
export function listItems(tasks: readonly Task[], byDay: boolean): ListItem[] {
  if (!byDay) return tasks.map((task) => ({ kind: "task", task }));
  const items: ListItem[] = [];
  let day: string | null | undefined;
  for (const task of tasks) {
    const date = task.due?.date ?? null;
    if (date !== day) {
      day = date;
      items.push({
        kind: "header",
        key: `day-${date ?? "none"}`,
        label: date ? dayHeading(date) : "No date",
      });
    }
    items.push({ kind: "task", task });
  }
  return items;
}

export function rowDomId(id: string) {
  return `task-row-${id}`;
}

export type TaskListProps = {
  items: readonly ListItem[];
  view: TaskView;
  label: string;
  focusedId: string | null;
  selected: ReadonlySet<string>;
  completing: readonly string[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  onRowClick: (task: Task, event: MouseEvent) => void;
  onToggleComplete: (task: Task) => void;
  onRestore: (task: Task) => void;
};

/** The virtualised list: only the rows on screen are in the DOM; more pages load near the end. */
export function TaskList({
  items,
  view,
  label,
  focusedId,
  selected,
  completing,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  onRowClick,
  onToggleComplete,
  onRestore,
}: TaskListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = items.length + (hasNextPage ? 1 : 0);
  // TanStack Virtual returns functions that cannot be memoised; the compiler is told so.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (items[index]?.kind === "header" ? HEADER_HEIGHT : ROW_HEIGHT),
    getItemKey: (index) => {
      const item = items[index];
      if (!item) return "loader";
      return item.kind === "header" ? item.key : item.task.id;
    },
    overscan: 8,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? -1;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= items.length - 1) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastIndex, items.length, fetchNextPage]);

  useEffect(() => {
    if (!focusedId) return;
    const index = items.findIndex((item) => item.kind === "task" && item.task.id === focusedId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
  }, [focusedId, items, virtualizer]);

  const focusedRendered =
    focusedId !== null && items.some((item) => item.kind === "task" && item.task.id === focusedId);

  return (
    <div
      ref={scrollRef}
      className="task-list"
      role="listbox"
      aria-label={label}
      aria-multiselectable
      aria-activedescendant={focusedRendered ? rowDomId(focusedId) : undefined}
      tabIndex={0}
      data-testid="task-list"
    >
      <div className="task-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((virtual) => {
          const item = items[virtual.index];
          const style = { height: virtual.size, transform: `translateY(${virtual.start}px)` };
          if (!item) {
            return (
              <div key={virtual.key} className="task-list-loader" style={style}>
                <Spinner size={14} label="Loading more tasks" />
              </div>
            );
          }
          if (item.kind === "header") {
            return (
              <div key={virtual.key} className="task-day-header" style={style} role="presentation">
                {item.label}
              </div>
            );
          }
          return (
            <TaskRow
              key={virtual.key}
              task={item.task}
              view={view}
              style={style}
              focused={item.task.id === focusedId}
              selected={selected.has(item.task.id)}
              completing={completing.includes(item.task.id)}
              onClick={(event) => onRowClick(item.task, event)}
              onToggleComplete={() => onToggleComplete(item.task)}
              onRestore={() => onRestore(item.task)}
            />
          );
        })}
      </div>
    </div>
  );
}

function TaskRow({
  task,
  view,
  style,
  focused,
  selected,
  completing,
  onClick,
  onToggleComplete,
  onRestore,
}: {
  task: Task;
  view: TaskView;
  style: { height: number; transform: string };
  focused: boolean;
  selected: boolean;
  completing: boolean;
  onClick: (event: MouseEvent) => void;
  onToggleComplete: () => void;
  onRestore: () => void;
}) {
  const done = task.status === "done" || completing;
  const classes = [
    "task-row",
    focused && "task-row-focused",
    selected && "task-row-selected",
    done && "task-row-done",
  ]
    .filter(Boolean)
    .join(" ");
  const dueTone =
    task.status === "done"
      ? ""
      : task.overdue
        ? "task-due-overdue"
        : task.dueToday
          ? "task-due-today"
          : "";

  return (
    <div
      id={rowDomId(task.id)}
      role="option"
      aria-selected={selected}
      className={classes}
      style={style}
      onClick={onClick}
      data-testid="task-row"
      data-task-title={task.title}
      data-focused={focused || undefined}
    >
      {view === "trash" ? (
        <button
          type="button"
          className="task-restore"
          tabIndex={-1}
          onClick={(event) => {
            event.stopPropagation();
            onRestore();
          }}
          data-testid="task-restore"
        >
          <RotateCcw size={13} aria-hidden />
          Restore
        </button>
      ) : (
        <button
          type="button"
          role="checkbox"
          aria-checked={done}
          aria-label={done ? `Reopen “${task.title}”` : `Complete “${task.title}”`}
          className={`task-check task-check-${task.priority}`}
          tabIndex={-1}
          onClick={(event) => {
            event.stopPropagation();
            onToggleComplete();
          }}
          data-testid="task-complete"
        >
          <Check size={11} strokeWidth={3} aria-hidden />
        </button>
      )}
      <div className="task-main">
        <span className="task-title">{task.title}</span>
        {task.notes.trim() !== "" && (
          <FileText size={13} className="task-notes-icon" aria-label="Has notes" />
        )}
      </div>
      <div className="task-meta">
        {task.tags.map((tag) => (
          <span key={tag} className="task-tag" data-testid="task-tag">
            #{tag}
          </span>
        ))}
        {task.recurrence && (
          <span
            className="task-recurrence"
            title={task.recurrence.label}
            aria-label={task.recurrence.label}
            data-testid="task-recurrence"
          >
            <Repeat size={13} aria-hidden />
          </span>
        )}
        {task.due && (
          <span className={["task-due", dueTone].filter(Boolean).join(" ")} data-testid="task-due">
            {dueLabel(task.due)}
          </span>
        )}
        {task.priority !== "p4" && (
          <span
            className={`task-flag task-flag-${task.priority}`}
            title={PRIORITY_LABELS[task.priority]}
            aria-label={PRIORITY_LABELS[task.priority]}
            data-testid="task-priority"
          >
            <Flag size={13} aria-hidden />
          </span>
        )}
      </div>
    </div>
  );
}
