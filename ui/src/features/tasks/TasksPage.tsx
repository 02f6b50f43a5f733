import { useEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from "react";
import {
  Archive,
  CalendarClock,
  CalendarDays,
  CircleCheck,
  Hash,
  Inbox,
  Keyboard,
  ListTodo,
  Search,
  SearchX,
  Sun,
  Trash2,
} from "lucide-react";
import {
  Alert,
  Button,
  Dialog,
  EmptyState,
  IconButton,
  Kbd,
  Select,
  Spinner,
  Toast,
} from "../../components/ui";
import { formErrors } from "../../lib/forms";
import {
  useBulkTasks,
  useCompleteTask,
  useCompletingIds,
  useDebounced,
  useDeleteTask,
  useEmptyTrash,
  useRestoreTask,
  useTaskList,
  useTaskTags,
  useUncompleteMany,
  useUncompleteTask,
  useViewCounts,
  type Due,
  type Priority,
  type Task,
  type TaskFilter,
  type TaskSort,
  type TaskView,
} from "./api";
import { BulkBar } from "./BulkBar";
import { dueLabel, isoDate } from "./dates";
import { QuickAdd } from "./QuickAdd";
import { TaskDetail } from "./TaskDetail";
import { TaskList, listItems } from "./TaskList";

type ViewInfo = {
  id: TaskView;
  label: string;
  icon: ReactNode;
  emptyTitle: string;
  emptyBody: ReactNode;
};

const VIEWS: readonly ViewInfo[] = [
  {
    id: "inbox",
    label: "Inbox",
    icon: <Inbox size={16} />,
    emptyTitle: "Your inbox is clear",
    emptyBody: (
      <>
        Press <Kbd>q</Kbd> and type something like “pay rent every month on the 1st p1 #home”.
      </>
    ),
  },
  {
    id: "today",
    label: "Today",
    icon: <Sun size={16} />,
    emptyTitle: "Nothing due today",
    emptyBody: <>Add one with “call mom today 5pm”. Tasks added here are due today.</>,
  },
  {
    id: "upcoming",
    label: "Upcoming",
    icon: <CalendarDays size={16} />,
    emptyTitle: "Nothing planned yet",
    emptyBody: <>Give a task a date — “dentist next friday 9am” — and it lines up here by day.</>,
  },
  {
    id: "overdue",
    label: "Overdue",
    icon: <CalendarClock size={16} />,
    emptyTitle: "Nothing overdue",
    emptyBody: <>You are all caught up. Tasks whose date has passed wait here.</>,
  },
  {
    id: "completed",
    label: "Completed",
    icon: <CircleCheck size={16} />,
    emptyTitle: "Nothing completed yet",
    emptyBody: (
      <>
        Tick a task off with its circle or <Kbd>c</Kbd>, and it lands here.
      </>
    ),
  },
  {
    id: "trash",
    label: "Trash",
    icon: <Trash2 size={16} />,
    emptyTitle: "The trash is empty",
    emptyBody: <>Deleted tasks wait here until you empty the trash, so a slip is never final.</>,
  },
];

const PRIORITY_FILTER = [
  { value: "", label: "All priorities" },
  { value: "p1", label: "Priority 1" },
  { value: "p2", label: "Priority 2" },
  { value: "p3", label: "Priority 3" },
  { value: "p4", label: "No priority" },
] as const;

const SORTS = [
  { value: "", label: "Default order" },
  { value: "due", label: "Due date" },
  { value: "priority", label: "Priority" },
  { value: "created", label: "Date added" },
  { value: "title", label: "Title" },
] as const;

const SHORTCUTS: readonly [string[], string][] = [
  [["q", "n"], "Add a task"],
  [["/"], "Search"],
  [["j", "↓"], "Next task"],
  [["k", "↑"], "Previous task"],
  [["x"], "Select or unselect"],
  [["Shift", "click"], "Select a range"],
  [["Enter", "o"], "Open details"],
  [["c", "e"], "Complete (or reopen)"],
  [["Delete"], "Move to trash"],
  [["Ctrl", "z"], "Undo the last change"],
  [["Esc"], "Close details, clear selection"],
  [["?"], "Show these shortcuts"],
];

type ToastState = { id: number; message: string; undo?: () => void };

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The to-do list: views and tags on the left, quick add and the list, details on the right. */
export type TasksPageProps = {
  /** Open this task's details (a due-task notification was clicked). */
  initialTaskId?: string | null;
  /** Put the cursor in the quick-add field (the tray's "New task"). */
  focusQuickAdd?: boolean;
};

export function TasksPage({ initialTaskId = null, focusQuickAdd = false }: TasksPageProps = {}) {
  const [view, setView] = useState<TaskView>("inbox");
  const [tag, setTag] = useState<string | null>(null);
  const [priority, setPriority] = useState<Priority | null>(null);
  const [sort, setSort] = useState<TaskSort | null>(null);
  const [search, setSearch] = useState("");
  const text = useDebounced(search.trim(), 200);
  const filter: TaskFilter = { view, tag, priority, sort, text: text === "" ? null : text };

  const list = useTaskList(filter);
  const counts = useViewCounts();
  const tags = useTaskTags();
  const completing = useCompletingIds();
  const complete = useCompleteTask();
  const uncomplete = useUncompleteTask();
  const uncompleteMany = useUncompleteMany();
  const remove = useDeleteTask();
  const restore = useRestoreTask();
  const bulk = useBulkTasks();
  const emptyTrash = useEmptyTrash();

  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchorId, setAnchorId] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(initialTaskId);
  const [toast, setToast] = useState<ToastState | null>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [confirmEmpty, setConfirmEmpty] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  const searchRef = useRef<HTMLInputElement>(null);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusQuickAdd) quickAddRef.current?.focus();
  }, [focusQuickAdd]);

  const focusList = () => listRef.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus();

  const tasks = useMemo(() => list.data?.pages.flatMap((page) => page.tasks) ?? [], [list.data]);
  const byDay = view === "upcoming" && (sort === null || sort === "due");
  const items = useMemo(() => listItems(tasks, byDay), [tasks, byDay]);
  const info = VIEWS.find((item) => item.id === view) ?? VIEWS[0];

  // A focused task that left the list (completed, deleted) hands focus to the one in its place.
  const focused =
    tasks.find((task) => task.id === focusedId) ??
    (focusedId !== null ? tasks[Math.min(focusIndex, tasks.length - 1)] : undefined);
  const visibleSelection = useMemo(
    () => new Set(tasks.filter((task) => selected.has(task.id)).map((task) => task.id)),
    [tasks, selected],
  );

  const resetListState = () => {
    setSelected(new Set());
    setAnchorId(null);
    setFocusedId(null);
    setFocusIndex(0);
  };
  const changeView = (next: TaskView) => {
    setView(next);
    resetListState();
  };

  const showToast = (message: string, undo?: () => void) =>
    setToast({ id: Date.now(), message, undo });
  const onActionError = (error: unknown) => setActionError(error);

  const focusTask = (task: Task | undefined) => {
    if (!task) return;
    setFocusedId(task.id);
    setFocusIndex(tasks.indexOf(task));
  };

  const completeTasks = (targets: Task[]) => {
    setActionError(null);
    if (targets.length === 0) return;
    if (view === "trash") return;
    const [only] = targets;
    if (targets.length === 1 && only) {
      if (only.status === "done") {
        uncomplete.mutate(only.id, { onError: onActionError });
        return;
      }
      complete.mutate(only.id, {
        onError: onActionError,
        onSuccess: (updated) => {
          const message =
            updated.status === "open" && updated.due
              ? `“${only.title}” done — next on ${dueLabel(updated.due)}`
              : `Completed “${only.title}”`;
          showToast(message, () => uncomplete.mutate(only.id, { onError: onActionError }));
        },
      });
      return;
    }
    const ids = targets.map((task) => task.id);
    if (view === "completed") {
      bulk.mutate({ ids, action: { type: "reopen" } }, { onError: onActionError });
      return;
    }
    bulk.mutate(
      { ids, action: { type: "complete" } },
      {
        onError: onActionError,
        onSuccess: ({ affected }) => {
          setSelected(new Set());
          showToast(`Completed ${plural(affected, "task")}`, () =>
            uncompleteMany.mutate(ids, { onError: onActionError }),
          );
        },
      },
    );
  };

  const deleteTasks = (targets: Task[]) => {
    setActionError(null);
    if (targets.length === 0 || view === "trash") return;
    const [only] = targets;
    if (targets.length === 1 && only) {
      remove.mutate(only.id, {
        onError: onActionError,
        onSuccess: () => {
          if (openId === only.id) setOpenId(null);
          setSelected(new Set());
          showToast(`Moved “${only.title}” to the trash`, () =>
            restore.mutate(only.id, { onError: onActionError }),
          );
        },
      });
      return;
    }
    const ids = targets.map((task) => task.id);
    bulk.mutate(
      { ids, action: { type: "delete" } },
      {
        onError: onActionError,
        onSuccess: ({ affected }) => {
          setSelected(new Set());
          if (openId && ids.includes(openId)) setOpenId(null);
          showToast(`Moved ${plural(affected, "task")} to the trash`, () =>
            bulk.mutate({ ids, action: { type: "restore" } }, { onError: onActionError }),
          );
        },
      },
    );
  };

  const selectedTasks = () => tasks.filter((task) => visibleSelection.has(task.id));
  /** The selection when there is one, else the focused task. */
  const targets = () => {
    const chosen = selectedTasks();
    if (chosen.length > 0) return chosen;
    return focused ? [focused] : [];
  };

  const rescheduleSelected = (due: Due | null) => {
    const ids = selectedTasks().map((task) => task.id);
    setActionError(null);
    bulk.mutate(
      { ids, action: { type: "reschedule", due } },
      {
        onError: onActionError,
        onSuccess: ({ affected }) => {
          setSelected(new Set());
          showToast(
            due
              ? `Moved ${plural(affected, "task")} to ${dueLabel(due)}`
              : `Removed the date from ${plural(affected, "task")}`,
          );
        },
      },
    );
  };

  const toggleSelected = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const selectRange = (fromId: string | null, to: Task) => {
    const from = tasks.findIndex((task) => task.id === fromId);
    const end = tasks.indexOf(to);
    const [a, b] = from < 0 ? [end, end] : [Math.min(from, end), Math.max(from, end)];
    setSelected((current) => {
      const next = new Set(current);
      for (const task of tasks.slice(a, b + 1)) next.add(task.id);
      return next;
    });
  };

  const onRowClick = (task: Task, event: MouseEvent) => {
    focusTask(task);
    if (event.shiftKey) {
      selectRange(anchorId ?? focused?.id ?? null, task);
      return;
    }
    setAnchorId(task.id);
    if (event.metaKey || event.ctrlKey) {
      toggleSelected(task.id);
      return;
    }
    setSelected(new Set());
    setOpenId(task.id);
  };

  const move = (delta: number, extend: boolean) => {
    if (tasks.length === 0) return;
    const index = focused ? tasks.indexOf(focused) : -1;
    const nextIndex = index < 0 ? 0 : Math.max(0, Math.min(tasks.length - 1, index + delta));
    const next = tasks[nextIndex];
    if (!next) return;
    if (extend) {
      setSelected((current) => {
        const updated = new Set(current);
        if (focused) updated.add(focused.id);
        updated.add(next.id);
        return updated;
      });
    }
    focusTask(next);
    if (openId) setOpenId(next.id);
  };

  const undoLast = () => {
    if (!toast?.undo) return;
    toast.undo();
    setToast(null);
  };

  // The shortcuts read the latest state through a ref, so the listener is added only once.
  const onKeyRef = useRef<(event: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    onKeyRef.current = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      const editable = isEditable(event.target);
      if (event.ctrlKey || event.metaKey) {
        if (!editable && event.key.toLowerCase() === "z" && !event.shiftKey && toast?.undo) {
          event.preventDefault();
          undoLast();
        }
        return;
      }
      if (editable) {
        // Escape leaves a detail field (which saves it on blur); a second Escape closes the panel.
        if (event.key === "Escape" && (event.target as HTMLElement).closest(".task-detail")) {
          event.preventDefault();
          (event.target as HTMLElement).blur();
        }
        return;
      }
      const target = event.target as HTMLElement | null;
      const inList =
        target === document.body || (target !== null && listRef.current?.contains(target));
      const handled = () => event.preventDefault();
      switch (event.key) {
        case "j":
        case "ArrowDown":
        case "J":
          handled();
          move(1, event.shiftKey);
          return;
        case "k":
        case "ArrowUp":
        case "K":
          handled();
          move(-1, event.shiftKey);
          return;
        case "x":
          if (focused) {
            handled();
            toggleSelected(focused.id);
            setAnchorId(focused.id);
          }
          return;
        case "Enter":
        case "o":
          if ((event.key === "o" || inList) && focused) {
            handled();
            setOpenId(focused.id);
          }
          return;
        case "c":
        case "e":
          handled();
          completeTasks(targets());
          return;
        case "Delete":
        case "Backspace":
          handled();
          deleteTasks(targets());
          return;
        case "Escape":
          if (openId) {
            handled();
            setOpenId(null);
            focusList();
          } else if (visibleSelection.size > 0) {
            handled();
            setSelected(new Set());
          }
          return;
        case "?":
          handled();
          setShortcutsOpen(true);
          return;
        case "/":
          handled();
          searchRef.current?.focus();
          return;
        case "q":
        case "n":
          handled();
          quickAddRef.current?.focus();
          return;
      }
    };
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyRef.current(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  const filtered = tag !== null || priority !== null || text !== "";
  const listError = list.error ?? actionError;
  const errorMessage = formErrors(listError, []).form;
  const countOf = (id: TaskView) => counts.data?.[id];

  return (
    <div
      className={["tasks", openId && "tasks-with-detail"].filter(Boolean).join(" ")}
      data-testid="tasks"
    >
      <nav className="tasks-nav" aria-label="Task views">
        <ul className="tasks-nav-list">
          {VIEWS.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                className={`tasks-nav-item tasks-nav-${item.id}`}
                aria-current={item.id === view ? "page" : undefined}
                onClick={() => changeView(item.id)}
                title={item.label}
                data-testid={`task-view-${item.id}`}
              >
                {item.icon}
                <span className="tasks-nav-label">{item.label}</span>
                {countOf(item.id) !== undefined && countOf(item.id) !== 0 && (
                  <span className="tasks-nav-count" data-testid={`task-view-count-${item.id}`}>
                    {countOf(item.id)}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
        {(tags.data?.length ?? 0) > 0 && (
          <>
            <h3 className="tasks-nav-heading">Tags</h3>
            <ul className="tasks-nav-list">
              {tags.data?.map((item) => (
                <li key={item.tag}>
                  <button
                    type="button"
                    className="tasks-nav-item"
                    aria-pressed={tag === item.tag}
                    onClick={() => {
                      setTag((current) => (current === item.tag ? null : item.tag));
                      resetListState();
                    }}
                    data-testid={`task-tag-filter-${item.tag}`}
                  >
                    <Hash size={15} />
                    <span className="tasks-nav-label">{item.tag}</span>
                    <span className="tasks-nav-count">{item.count}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </nav>

      <section className="tasks-main" aria-labelledby="tasks-view-title">
        <header className="tasks-header">
          <div className="tasks-title">
            <h2 id="tasks-view-title">{info?.label}</h2>
            {tag && (
              <button
                type="button"
                className="chip chip-button"
                onClick={() => setTag(null)}
                title="Show all tags"
                data-testid="task-tag-filter-clear"
              >
                #{tag} ×
              </button>
            )}
            {list.isFetching && !list.isPending && <Spinner size={13} />}
          </div>
          <div className="tasks-tools">
            <div className="search-field">
              <Search size={15} aria-hidden />
              <input
                ref={searchRef}
                type="search"
                className="input input-sm"
                placeholder="Search"
                aria-label="Search tasks"
                value={search}
                onChange={(event) => {
                  setSearch(event.target.value);
                  resetListState();
                }}
                onKeyDown={(event) => {
                  if (event.key === "Escape") {
                    event.stopPropagation();
                    if (search) setSearch("");
                    else focusList();
                  } else if (event.key === "Enter" || event.key === "ArrowDown") {
                    event.preventDefault();
                    focusList();
                  }
                }}
                data-testid="task-search"
              />
              <Kbd>/</Kbd>
            </div>
            <Select
              className="select-sm"
              aria-label="Filter by priority"
              options={PRIORITY_FILTER}
              value={priority ?? ""}
              onChange={(event) => {
                setPriority(event.target.value === "" ? null : (event.target.value as Priority));
                resetListState();
              }}
              data-testid="task-priority-filter"
            />
            <Select
              className="select-sm"
              aria-label="Sort"
              options={SORTS}
              value={sort ?? ""}
              onChange={(event) =>
                setSort(event.target.value === "" ? null : (event.target.value as TaskSort))
              }
              data-testid="task-sort"
            />
            {view === "trash" && (
              <Button
                size="sm"
                variant="danger"
                disabled={!tasks.length}
                onClick={() => setConfirmEmpty(true)}
                data-testid="tasks-empty-trash"
              >
                Empty trash
              </Button>
            )}
            <IconButton
              label="Keyboard shortcuts (?)"
              onClick={() => setShortcutsOpen(true)}
              data-testid="task-shortcuts-open"
            >
              <Keyboard size={16} />
            </IconButton>
          </div>
        </header>

        <QuickAdd
          inputRef={quickAddRef}
          defaultDue={view === "today" ? { date: isoDate(new Date()), time: null } : null}
          hint={
            view === "today" ? "Tasks added here are due today unless you name a date." : undefined
          }
          onCreated={(task) => {
            if (view === "completed" || view === "trash") showToast(`Added “${task.title}”`);
          }}
        />

        {errorMessage && (
          <Alert tone="error" data-testid="tasks-error">
            {errorMessage}{" "}
            {list.isError && (
              <button type="button" className="link" onClick={() => void list.refetch()}>
                Try again
              </button>
            )}
          </Alert>
        )}

        {visibleSelection.size > 0 && (
          <BulkBar
            count={visibleSelection.size}
            view={view}
            busy={bulk.isPending}
            onComplete={() => completeTasks(selectedTasks())}
            onReopen={() => completeTasks(selectedTasks())}
            onReschedule={rescheduleSelected}
            onDelete={() => deleteTasks(selectedTasks())}
            onRestore={() =>
              bulk.mutate(
                { ids: selectedTasks().map((task) => task.id), action: { type: "restore" } },
                { onError: onActionError, onSuccess: () => setSelected(new Set()) },
              )
            }
            onClear={() => setSelected(new Set())}
          />
        )}

        {list.isPending ? (
          <div className="centered-block">
            <Spinner size={20} label="Loading tasks" />
          </div>
        ) : tasks.length === 0 && !list.isError ? (
          filtered ? (
            <EmptyState
              icon={<SearchX size={22} />}
              title="No tasks match"
              action={
                <Button
                  size="sm"
                  onClick={() => {
                    setTag(null);
                    setPriority(null);
                    setSearch("");
                  }}
                >
                  Clear search and filters
                </Button>
              }
            >
              Nothing in {info?.label} matches. Try other words or another filter.
            </EmptyState>
          ) : (
            <div data-testid="tasks-empty">
              <EmptyState
                icon={view === "trash" ? <Archive size={22} /> : <ListTodo size={22} />}
                title={info?.emptyTitle ?? ""}
              >
                {info?.emptyBody}
              </EmptyState>
            </div>
          )
        ) : (
          <div ref={listRef} className="task-list-wrap">
            <TaskList
              items={items}
              view={view}
              label={info?.label ?? "Tasks"}
              focusedId={focused?.id ?? null}
              selected={visibleSelection}
              completing={completing}
              hasNextPage={list.hasNextPage}
              isFetchingNextPage={list.isFetchingNextPage}
              fetchNextPage={() => void list.fetchNextPage()}
              onRowClick={onRowClick}
              onToggleComplete={(task) => completeTasks([task])}
              onRestore={(task) => restore.mutate(task.id, { onError: onActionError })}
            />
          </div>
        )}
      </section>

      {openId && (
        <TaskDetail
          taskId={openId}
          onClose={() => {
            setOpenId(null);
            focusList();
          }}
          onDeleted={(task) => {
            setOpenId(null);
            showToast(`Moved “${task.title}” to the trash`, () =>
              restore.mutate(task.id, { onError: onActionError }),
            );
          }}
        />
      )}

      {toast && (
        <Toast
          key={toast.id}
          message={toast.message}
          actionLabel={toast.undo ? "Undo" : undefined}
          onAction={toast.undo}
          actionTestId="toast-undo"
          onDismiss={() => setToast(null)}
        />
      )}

      <Dialog
        open={confirmEmpty}
        onClose={() => setConfirmEmpty(false)}
        title="Empty the trash?"
        description={`${plural(countOf("trash") ?? tasks.length, "task")} will be deleted for good. This cannot be undone.`}
        testId="tasks-empty-trash-dialog"
      >
        {emptyTrash.error ? (
          <Alert tone="error">{formErrors(emptyTrash.error, []).form}</Alert>
        ) : null}
        <div className="form-actions">
          <Button onClick={() => setConfirmEmpty(false)}>Cancel</Button>
          <Button
            variant="primary"
            className="btn-destructive"
            loading={emptyTrash.isPending}
            onClick={() =>
              emptyTrash.mutate(undefined, {
                onSuccess: (removed) => {
                  setConfirmEmpty(false);
                  resetListState();
                  showToast(`Deleted ${plural(removed, "task")} for good`);
                },
              })
            }
            data-testid="tasks-empty-trash-confirm"
          >
            Empty trash
          </Button>
        </div>
      </Dialog>

      <Dialog
        open={shortcutsOpen}
        onClose={() => setShortcutsOpen(false)}
        title="Keyboard shortcuts"
        testId="task-shortcuts"
      >
        <dl className="shortcut-list">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={what} className="shortcut-row">
              <dt>{what}</dt>
              <dd>
                {keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && (
                      <span className="muted small">
                        {key === "click" || keys[0] === "Shift" || keys[0] === "Ctrl"
                          ? " + "
                          : " or "}
                      </span>
                    )}
                    <Kbd>{key}</Kbd>
                  </span>
                ))}
              </dd>
            </div>
          ))}
        </dl>
      </Dialog>
    </div>
  );
}
