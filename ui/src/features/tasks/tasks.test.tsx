import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { noCounts, signedIn, task } from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { QuickAddSpan, TextRange } from "./api";
import { isoDate } from "./dates";

// jsdom lays nothing out; give the virtualised list a viewport so it renders its rows.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(800);
});

const page = (tasks: unknown[]) => ({ tasks, nextCursor: null });

/** The handlers every Tasks page needs; tests override what they look at. */
function tasksBackend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    auth_status: () => signedIn(),
    tasks_list: () => page([]),
    tasks_counts: () => noCounts,
    tasks_tags: () => [],
    ...overrides,
  };
}

async function openTasks(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-tasks"));
  await screen.findByTestId("tasks");
}

/** A pretend quick-add parser that knows four phrases. */
const PHRASES: { kind: QuickAddSpan["kind"]; text: string; label: string }[] = [
  { kind: "due", text: "tomorrow 5pm", label: "Tomorrow 17:00" },
  { kind: "recurrence", text: "every week", label: "Every week" },
  { kind: "priority", text: "p1", label: "P1" },
  { kind: "tag", text: "#family", label: "#family" },
];

function fakeParse(args: Record<string, unknown>) {
  const text = args.text as string;
  const literal = args.literal as TextRange[];
  const spans: QuickAddSpan[] = [];
  for (const phrase of PHRASES) {
    const start = text.indexOf(phrase.text);
    if (start < 0 || literal.some((range) => range.start === start)) continue;
    const range = { start, end: start + phrase.text.length };
    spans.push({ kind: phrase.kind, range, text: phrase.text, label: phrase.label });
  }
  let title = text;
  for (const span of [...spans].reverse()) {
    title = title.slice(0, span.range.start) + title.slice(span.range.end);
  }
  const has = (kind: string) => spans.some((span) => span.kind === kind);
  return {
    title: title.replace(/\s+/g, " ").trim(),
    due: has("due") ? { date: "2030-01-02", time: "17:00" } : null,
    priority: has("priority") ? "p1" : null,
    tags: has("tag") ? ["family"] : [],
    recurrence: has("recurrence") ? { rrule: "FREQ=WEEKLY", label: "Every week" } : null,
    spans,
  };
}

describe("tasks", () => {
  it("shows view counts and tags, and lists a view with its filters", async () => {
    const today = isoDate(new Date());
    const { user, callsTo } = renderApp(
      tasksBackend({
        tasks_counts: () => ({ ...noCounts, inbox: 3, today: 1, overdue: 2, completed: 5 }),
        tasks_tags: () => [{ tag: "home", count: 2 }],
        tasks_list: () =>
          page([
            task({
              id: "t1",
              title: "Water plants",
              due: { date: today, time: null },
              dueToday: true,
            }),
            task({
              id: "t2",
              title: "Pay rent",
              due: { date: "2020-03-01", time: null },
              overdue: true,
              priority: "p1",
              tags: ["home"],
            }),
          ]),
      }),
    );
    await openTasks(user);

    expect(await screen.findByTestId("task-view-count-inbox")).toHaveTextContent(/^3$/);
    expect(screen.getByTestId("task-view-count-overdue")).toHaveTextContent(/^2$/);
    expect(screen.getByTestId("task-view-count-completed")).toHaveTextContent(/^5$/);
    // Empty views show no number rather than a noisy zero.
    expect(screen.queryByTestId("task-view-count-upcoming")).not.toBeInTheDocument();

    const rows = await screen.findAllByTestId("task-row");
    expect(rows.map((row) => row.dataset.taskTitle)).toEqual(["Water plants", "Pay rent"]);
    const [waterDue, rentDue] = screen.getAllByTestId("task-due");
    expect(waterDue).toHaveTextContent("Today");
    expect(waterDue).toHaveClass("task-due-today");
    expect(rentDue).toHaveClass("task-due-overdue");
    expect(within(rows[1] as HTMLElement).getByTestId("task-tag")).toHaveTextContent("#home");

    await user.click(screen.getByTestId("task-view-today"));
    await user.click(await screen.findByTestId("task-tag-filter-home"));
    await vi.waitFor(() =>
      expect(callsTo("tasks_list").at(-1)?.args.query).toMatchObject({
        view: "today",
        tag: "home",
        cursor: null,
        limit: 50,
      }),
    );
  });

  it("quick-adds from the parsed draft, keeping un-chipped words in the title", async () => {
    const { user, callsTo, container } = renderApp(
      tasksBackend({
        tasks_parse: fakeParse,
        tasks_create: (args) => task({ id: "new", title: (args.input as { title: string }).title }),
      }),
    );
    await openTasks(user);

    const input = screen.getByTestId("quick-add");
    expect(input).toHaveAttribute(
      "placeholder",
      "Add a task — e.g. pay rent every month on the 1st p1 #home",
    );
    await user.keyboard("q");
    expect(input).toHaveFocus();
    await user.type(input, "call mom tomorrow 5pm every week p1 #family");

    expect(await screen.findByTestId("quick-add-chip-due")).toHaveTextContent("Tomorrow 17:00");
    expect(screen.getByTestId("quick-add-chip-recurrence")).toHaveTextContent("Every week");
    expect(screen.getByTestId("quick-add-chip-priority")).toHaveTextContent("P1");
    expect(screen.getByTestId("quick-add-chip-tag")).toHaveTextContent("#family");
    expect(container.querySelectorAll("mark.quick-add-mark")).toHaveLength(4);

    await user.click(screen.getByTestId("quick-add-chip-remove-due"));
    await vi.waitFor(() =>
      expect(callsTo("tasks_parse").at(-1)?.args).toEqual({
        text: "call mom tomorrow 5pm every week p1 #family",
        literal: [{ start: 9, end: 21 }],
      }),
    );
    await vi.waitFor(() =>
      expect(screen.queryByTestId("quick-add-chip-due")).not.toBeInTheDocument(),
    );
    expect(screen.getByTestId("quick-add-chip-priority")).toBeInTheDocument();

    await user.keyboard("{Enter}");
    await vi.waitFor(() => expect(callsTo("tasks_create")).toHaveLength(1));
    expect(callsTo("tasks_create")[0]?.args).toEqual({
      input: {
        title: "call mom tomorrow 5pm",
        notes: null,
        due: null,
        priority: "p1",
        tags: ["family"],
        recurrence: "FREQ=WEEKLY",
      },
    });
    await vi.waitFor(() => expect(input).toHaveValue(""));
    expect(screen.queryByTestId("quick-add-chip-priority")).not.toBeInTheDocument();
  });

  it("clears the line at once so the next task can be typed, and puts it back if saving fails", async () => {
    let release: (value: unknown) => void = () => {};
    const { user, callsTo } = renderApp(
      tasksBackend({
        tasks_parse: fakeParse,
        tasks_create: () =>
          new Promise((resolve) => {
            release = resolve;
          }).then(() => ipcError("Validation", "Give the task a title.", { field: "title" })),
      }),
    );
    await openTasks(user);
    const input = screen.getByTestId("quick-add");
    await user.type(input, "first task{Enter}");
    expect(input).toHaveValue("");
    await vi.waitFor(() => expect(callsTo("tasks_create")).toHaveLength(1));
    // Saving fails while the line is empty: the words come back with the error.
    release(null);
    await vi.waitFor(() => expect(input).toHaveValue("first task"));
    expect(await screen.findByTestId("quick-add-error")).toHaveTextContent(
      "Give the task a title.",
    );
  });

  it("saves a title from the detail panel and shows a validation error under it", async () => {
    let current = task({ id: "t1", title: "Buy milk" });
    const { user, callsTo } = renderApp(
      tasksBackend({
        tasks_list: () => page([current]),
        tasks_get: () => current,
        tasks_update: (args) => {
          const patch = args.patch as { title: string | null };
          if (!patch.title) {
            return ipcError("Validation", "Give the task a title.", { field: "title" });
          }
          current = { ...current, title: patch.title };
          return current;
        },
      }),
    );
    await openTasks(user);

    await user.click(await screen.findByTestId("task-row"));
    const detail = await screen.findByTestId("task-detail");
    const title = within(detail).getByLabelText("Title");
    expect(title).toHaveAttribute("name", "title");
    expect(title).toHaveValue("Buy milk");

    await user.clear(title);
    await user.type(title, "Buy oat milk{Enter}");
    await vi.waitFor(() => expect(callsTo("tasks_update")).toHaveLength(1));
    expect(callsTo("tasks_update")[0]?.args).toEqual({
      id: "t1",
      patch: {
        title: "Buy oat milk",
        notes: null,
        due: null,
        clearDue: false,
        priority: null,
        tags: null,
        recurrence: null,
        clearRecurrence: false,
      },
    });
    await vi.waitFor(() =>
      expect(screen.getByTestId("task-row")).toHaveAttribute("data-task-title", "Buy oat milk"),
    );

    await user.clear(title);
    await user.keyboard("{Enter}");
    expect(await within(detail).findByTestId("field-error-title")).toHaveTextContent(
      "Give the task a title.",
    );
    expect(title).toHaveAttribute("aria-invalid", "true");

    await user.click(screen.getByTestId("task-detail-close"));
    expect(screen.queryByTestId("task-detail")).not.toBeInTheDocument();
  });

  it("completes a task with an undo toast, and undo reopens it", async () => {
    const milk = task({ id: "t1", title: "Buy milk" });
    const { user, callsTo } = renderApp(
      tasksBackend({
        tasks_list: () => page([milk]),
        tasks_complete: () => ({ ...milk, status: "done", completedAt: "2025-01-03T10:00:00Z" }),
        tasks_uncomplete: () => milk,
      }),
    );
    await openTasks(user);

    await user.click(await screen.findByTestId("task-complete"));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("Completed “Buy milk”");
    expect(callsTo("tasks_complete")[0]?.args).toEqual({ id: "t1" });
    expect(callsTo("tasks_uncomplete")).toHaveLength(0);

    await user.click(within(toast).getByTestId("toast-undo"));
    await vi.waitFor(() => expect(callsTo("tasks_uncomplete")).toHaveLength(1));
    expect(callsTo("tasks_uncomplete")[0]?.args).toEqual({ id: "t1" });
    expect(screen.queryByTestId("toast")).not.toBeInTheDocument();
  });

  it("moves with j/k, selects with x and deletes the selection in bulk", async () => {
    const tasks = [
      task({ id: "a", title: "Alpha" }),
      task({ id: "b", title: "Bravo" }),
      task({ id: "c", title: "Charlie" }),
    ];
    const { user, callsTo } = renderApp(
      tasksBackend({
        tasks_list: () => page(tasks),
        tasks_bulk: (args) => ({ affected: (args.ids as string[]).length }),
        tasks_delete: () => tasks[0],
      }),
    );
    await openTasks(user);
    await screen.findAllByTestId("task-row");

    await user.keyboard("jx");
    await user.keyboard("jj");
    await user.keyboard("x");
    const focused = () =>
      screen.getAllByTestId("task-row").find((row) => row.dataset.focused)?.dataset.taskTitle;
    expect(focused()).toBe("Charlie");
    await user.keyboard("k");
    expect(focused()).toBe("Bravo");

    const bar = await screen.findByTestId("bulk-bar");
    expect(bar).toHaveTextContent("2 selected");
    await user.click(within(bar).getByTestId("bulk-delete"));
    await vi.waitFor(() => expect(callsTo("tasks_bulk")).toHaveLength(1));
    expect(callsTo("tasks_bulk")[0]?.args).toEqual({ ids: ["a", "c"], action: { type: "delete" } });
    expect(callsTo("tasks_delete")).toHaveLength(0);

    await user.click(await screen.findByTestId("toast-undo"));
    await vi.waitFor(() =>
      expect(callsTo("tasks_bulk")[1]?.args).toEqual({
        ids: ["a", "c"],
        action: { type: "restore" },
      }),
    );

    await user.keyboard("?");
    expect(await screen.findByTestId("task-shortcuts")).toBeInTheDocument();
  });
});
