import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useMutationState,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import {
  commands,
  events,
  type BulkAction,
  type NewTask,
  type Priority,
  type Task,
  type TaskDraft,
  type TaskPage,
  type TaskPatch,
  type TaskSort,
  type TaskView,
  type TextRange,
} from "../../bindings";
import { findInLoadedPages, unwrap, useBackendEvent } from "../../lib/ipc";
import { useDebounced } from "../../lib/useDebounced";

export type {
  BulkAction,
  Due,
  Priority,
  QuickAddSpan,
  SpanKind,
  TagCount,
  Task,
  TaskDraft,
  TaskPatch,
  TaskSort,
  TaskView,
  TextRange,
  ViewCounts,
} from "../../bindings";

/** What the list shows, apart from the cursor (which the infinite query handles). */
export type TaskFilter = {
  view: TaskView;
  tag: string | null;
  priority: Priority | null;
  text: string | null;
  sort: TaskSort | null;
};

export const PAGE_SIZE = 50;

export const taskKeys = {
  all: ["tasks"] as const,
  lists: ["tasks", "list"] as const,
  list: (filter: TaskFilter) => ["tasks", "list", filter] as const,
  counts: ["tasks", "counts"] as const,
  tags: ["tasks", "tags"] as const,
  detail: (id: string) => ["tasks", "detail", id] as const,
  parse: (text: string, literal: readonly TextRange[]) =>
    ["tasks", "parse", text, literal] as const,
};

/**
 * Marks everything about tasks stale after a write. Parse answers are left alone: they depend
 * only on the text (and the date, which does not change under a person typing).
 */
export function invalidateTasks(client: QueryClient) {
  return client.invalidateQueries({
    queryKey: taskKeys.all,
    predicate: (query) => query.queryKey[1] !== "parse",
  });
}

/** Keeps this window's task data in step with writes made anywhere (other windows, MCP, agents). */
export function useTasksChangedListener() {
  const client = useQueryClient();
  useBackendEvent(events.tasksChanged, "tasks-changed", () => void invalidateTasks(client));
}

/** One view of the list, page by page (keyset cursor). */
export function useTaskList(filter: TaskFilter) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(filter),
    queryFn: ({ pageParam }) =>
      unwrap(
        commands.tasksList({
          ...filter,
          dueFrom: null,
          dueTo: null,
          cursor: pageParam,
          limit: PAGE_SIZE,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Typing a search or changing a filter keeps the old rows until the new ones arrive, but a
    // different view never shows the previous view's tasks.
    placeholderData: (previous, previousQuery) => {
      const before = previousQuery?.queryKey[2] as TaskFilter | undefined;
      return before?.view === filter.view ? previous : undefined;
    },
  });
}

export function useViewCounts() {
  return useQuery({
    queryKey: taskKeys.counts,
    queryFn: () => unwrap(commands.tasksCounts()),
  });
}

export function useTaskTags() {
  return useQuery({
    queryKey: taskKeys.tags,
    queryFn: () => unwrap(commands.tasksTags()),
  });
}

export function useTask(id: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: taskKeys.detail(id ?? ""),
    queryFn: () => unwrap(commands.tasksGet(id ?? "")),
    enabled: id !== null,
    initialData: () =>
      id
        ? findInLoadedPages(client, taskKeys.lists, (page: TaskPage) => page.tasks, id)
        : undefined,
  });
}

export { useDebounced };

export const PARSE_DEBOUNCE_MS = 120;

function parseQuery(text: string, literal: readonly TextRange[]) {
  return {
    queryKey: taskKeys.parse(text, literal),
    queryFn: () => unwrap(commands.tasksParse(text, [...literal])),
    staleTime: 60_000,
  };
}

/** The quick-add draft for a line, parsed a moment after the typing stops. */
export function useQuickAddParse(text: string, literal: readonly TextRange[]) {
  const debouncedText = useDebounced(text, PARSE_DEBOUNCE_MS);
  const query = useQuery({
    ...parseQuery(debouncedText, literal),
    enabled: debouncedText.trim() !== "",
    placeholderData: keepPreviousData,
  });
  return { ...query, parsedText: debouncedText };
}

/** Parses the line now (or takes the cached answer), for submitting without waiting. */
export function useParseNow() {
  const client = useQueryClient();
  return (text: string, literal: readonly TextRange[]): Promise<TaskDraft> =>
    client.fetchQuery(parseQuery(text, literal));
}

const NO_CHANGE: TaskPatch = {
  title: null,
  notes: null,
  due: null,
  clearDue: false,
  priority: null,
  tags: null,
  recurrence: null,
  clearRecurrence: false,
};

/** A patch that changes only the given fields. */
export function patchOf(change: Partial<TaskPatch>): TaskPatch {
  return { ...NO_CHANGE, ...change };
}

function useTaskWrite<V>(key: string, call: (variables: V) => Promise<Task>) {
  const client = useQueryClient();
  return useMutation({
    mutationKey: ["tasks", key],
    mutationFn: call,
    onSuccess: (task) => {
      client.setQueryData(taskKeys.detail(task.id), task);
      return invalidateTasks(client);
    },
  });
}

export function useCreateTask() {
  return useTaskWrite("create", (input: NewTask) => unwrap(commands.tasksCreate(input)));
}

export function useUpdateTask() {
  return useTaskWrite("update", ({ id, patch }: { id: string; patch: TaskPatch }) =>
    unwrap(commands.tasksUpdate(id, patch)),
  );
}

export function useCompleteTask() {
  return useTaskWrite("complete", (id: string) => unwrap(commands.tasksComplete(id)));
}

export function useUncompleteTask() {
  return useTaskWrite("uncomplete", (id: string) => unwrap(commands.tasksUncomplete(id)));
}

export function useDeleteTask() {
  return useTaskWrite("delete", (id: string) => unwrap(commands.tasksDelete(id)));
}

export function useRestoreTask() {
  return useTaskWrite("restore", (id: string) => unwrap(commands.tasksRestore(id)));
}

/** Ids being completed right now, so their circles tick before the list catches up. */
export function useCompletingIds(): string[] {
  return useMutationState({
    filters: { mutationKey: ["tasks", "complete"], status: "pending" },
    select: (mutation) => mutation.state.variables as string,
  });
}

export function useEmptyTrash() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.tasksEmptyTrash()),
    onSuccess: () => invalidateTasks(client),
  });
}

export function useBulkTasks() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, action }: { ids: string[]; action: BulkAction }) =>
      unwrap(commands.tasksBulk(ids, action)),
    onSuccess: () => invalidateTasks(client),
  });
}

/** Undoes completing several tasks one by one, so recurring ones go back to their own dates. */
export function useUncompleteMany() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) =>
      Promise.all(ids.map((id) => unwrap(commands.tasksUncomplete(id)))),
    onSuccess: () => invalidateTasks(client),
  });
}
