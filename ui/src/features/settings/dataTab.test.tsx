import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { session, signedIn } from "../../test/fixtures";
import { ipcError, renderApp, type Handler } from "../../test/render";
import type { Backup } from "../backups/api";

const daily: Backup = {
  name: "kickstart-20261204T090000.000Z-daily.db",
  createdAt: "2026-12-04T09:00:00.000Z",
  reason: "daily",
  sizeBytes: 2_500_000,
};
const upgrade: Backup = {
  name: "kickstart-20261203T080000.000Z-before-migration.db",
  createdAt: "2026-12-03T08:00:00.000Z",
  reason: "beforeMigration",
  sizeBytes: 300_000,
};

function backend(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  let list = [daily, upgrade];
  return {
    auth_status: () => signedIn(),
    auth_touch: () => null,
    backups_list: () => list,
    backups_settings: () => ({ keep: 10 }),
    backups_create: () => {
      const made: Backup = {
        name: "kickstart-20261205T100000.000Z-manual.db",
        createdAt: "2026-12-05T10:00:00.000Z",
        reason: "manual",
        sizeBytes: 2_600_000,
      };
      list = [made, ...list];
      return made;
    },
    ...overrides,
  };
}

async function openTab(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByTestId("app-frame");
  await user.click(screen.getByTestId("nav-settings"));
  await user.click(await screen.findByTestId("settings-tab-data"));
  return screen.findByTestId("settings-data");
}

describe("settings → data", () => {
  it("lists the backups with why they were made, and backs up now", async () => {
    const { user } = renderApp(backend());
    await openTab(user);
    const rows = await screen.findAllByTestId("backup-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Daily");
    expect(rows[0]).toHaveTextContent("2.4 MB");
    expect(rows[1]).toHaveTextContent("Before an upgrade");

    await user.click(screen.getByTestId("backup-create"));
    await waitFor(() => expect(screen.getAllByTestId("backup-row")).toHaveLength(3));
    expect(screen.getAllByTestId("backup-row")[0]).toHaveTextContent("By hand");
  });

  it("restores only after a confirmation that says what happens", async () => {
    const { user, callsTo } = renderApp(backend({ backups_restore: () => null }));
    await openTab(user);
    const [, older] = await screen.findAllByTestId("backup-row");
    if (!older) throw new Error("two backups are listed");
    await user.click(within(older).getByTestId("backup-restore"));
    const dialog = await screen.findByTestId("backup-restore-dialog");
    expect(dialog).toHaveTextContent("is backed up first");
    expect(callsTo("backups_restore")).toHaveLength(0);
    await user.click(within(dialog).getByTestId("backup-restore-confirm"));
    await waitFor(() =>
      expect(callsTo("backups_restore")[0]?.args).toEqual({ name: upgrade.name }),
    );
    expect(await within(dialog).findByText("Restarting…")).toBeInTheDocument();
  });

  it("shows why a backup or a restore failed, and refuses a bad number to keep", async () => {
    const { user } = renderApp(
      backend({
        backups_create: () =>
          ipcError(
            "BackupFailed",
            "The backup failed: database or disk is full. Your data is unchanged.",
          ),
        backups_restore: () =>
          ipcError("Conflict", "An answer is still being written. Stop it or let it finish."),
        backups_settings_set: () =>
          ipcError("Validation", "Keep between 1 and 100 backups.", { field: "keep" }),
      }),
    );
    await openTab(user);
    await user.click(screen.getByTestId("backup-create"));
    expect(await screen.findByText(/disk is full/)).toBeInTheDocument();

    const keep = screen.getByLabelText("Backups kept");
    await user.clear(keep);
    await user.type(keep, "0");
    await user.click(screen.getByTestId("backup-keep-save"));
    expect(await screen.findByText("Keep between 1 and 100 backups.")).toBeInTheDocument();

    const [restore] = await screen.findAllByTestId("backup-restore");
    if (!restore) throw new Error("a backup to restore");
    await user.click(restore);
    await user.click(await screen.findByTestId("backup-restore-confirm"));
    expect(await screen.findByText(/still being written/)).toBeInTheDocument();
  });

  it("offers members their own export and import, not the computer's backups", async () => {
    const { user, callsTo } = renderApp(
      backend({ auth_status: () => signedIn(session({}, { role: "member" })) }),
    );
    await openTab(user);
    expect(screen.getByTestId("export-profile")).toBeInTheDocument();
    expect(screen.queryByTestId("backup-create")).not.toBeInTheDocument();
    expect(callsTo("backups_list")).toHaveLength(0);
  });

  it("exports to the file chosen in the save dialog with its progress, and nothing when cancelled", async () => {
    let chosen: string | null = null;
    let channelId = -1;
    let finish: (value: unknown) => void = () => {};
    const { user, callsTo } = renderApp(
      backend({
        "plugin:dialog|save": () => chosen,
        exports_profile: (args) => {
          channelId = (args.onProgress as { id: number }).id;
          return new Promise((resolve) => {
            finish = resolve;
          });
        },
      }),
    );
    await openTab(user);
    await user.click(screen.getByTestId("export-profile"));
    await waitFor(() => expect(callsTo("plugin:dialog|save")).toHaveLength(1));
    expect(callsTo("exports_profile")).toHaveLength(0);

    chosen = "/home/ada/kickstartmyai-2026-12-05.json";
    await user.click(screen.getByTestId("export-profile"));
    await waitFor(() => expect(channelId).toBeGreaterThanOrEqual(0));
    expect(callsTo("exports_profile")[0]?.args.path).toBe(chosen);
    const internals = (
      window as unknown as {
        __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
      }
    ).__TAURI_INTERNALS__;
    const progress = { done: 4, total: 12, rows: 5200, kind: "messages" };
    await act(async () => internals.runCallback(channelId, { index: 0, message: progress }));
    const bar = await screen.findByTestId("export-progress");
    expect(bar).toHaveTextContent("Read 5200 messages");
    expect(within(bar).getByRole("progressbar")).toHaveAttribute("value", "4");

    await act(async () => finish({ path: chosen, bytes: 52_000 }));
    expect(await screen.findByTestId("export-result")).toHaveTextContent(
      "Saved 51 KB to /home/ada/kickstartmyai-2026-12-05.json",
    );
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
  });

  it("imports the chosen file and says what it added, or why it was refused", async () => {
    let answer: Handler = () => ({
      added: [
        { kind: "tasks", count: 12 },
        { kind: "threads", count: 3 },
      ],
      alreadyThere: 0,
    });
    const { user } = renderApp(
      backend({
        "plugin:dialog|open": () => "/home/ada/export.json",
        exports_import: (args) => answer(args),
      }),
    );
    await openTab(user);
    await user.click(screen.getByTestId("import-profile"));
    expect(await screen.findByTestId("import-result")).toHaveTextContent(
      "Imported 12 tasks, 3 conversations.",
    );

    answer = () =>
      ipcError(
        "ImportRefused",
        "This export was made by a newer version of KickStartMyAI (format 2); update the app to import it.",
      );
    await user.click(screen.getByTestId("import-profile"));
    expect(await screen.findByTestId("data-error")).toHaveTextContent("newer version");
  });
});
