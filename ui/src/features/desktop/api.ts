import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  events,
  type DesktopAction,
  type DesktopSettings,
  type DesktopStatus,
  type OpenTarget,
  type QuickChat,
} from "../../bindings";
import { unwrap, useBackendEvent } from "../../lib/ipc";

export type {
  DesktopAction,
  DesktopSettings,
  DesktopStatus,
  OpenTarget,
  QuickChat,
} from "../../bindings";

/** The label of the quick chat window (tauri.conf.json). */
export const QUICK_WINDOW = "quick";

export const desktopKeys = {
  status: ["desktop", "status"] as const,
  quickChat: ["desktop", "quickChat"] as const,
};

/** The desktop settings in effect and whether the shortcut works. */
export function useDesktopStatus() {
  return useQuery({
    queryKey: desktopKeys.status,
    queryFn: () => unwrap(commands.desktopStatus()),
  });
}

/** Saves desktop settings; a taken shortcut comes back as a Conflict on `quickChatShortcut`. */
export function useUpdateDesktop() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: DesktopSettings) => unwrap(commands.desktopUpdate(settings)),
    onSuccess: (status) => client.setQueryData<DesktopStatus>(desktopKeys.status, status),
  });
}

/** Asks the update address for a newer version (nothing is installed). */
export function useCheckForUpdate() {
  return useMutation({ mutationFn: () => unwrap(commands.updatesCheck()) });
}

/** Installs the newer version (its signature checked by Rust) and restarts the app. */
export function useInstallUpdate() {
  return useMutation({ mutationFn: () => unwrap(commands.updatesInstall()) });
}

/** What a tray menu item does (show the main window, lock…). */
export function performDesktopAction(action: DesktopAction) {
  return unwrap(commands.desktopPerform(action));
}

/** Hides the quick chat window (Escape, the close button). */
export function hideQuickChat() {
  commands
    .quickChatHide()
    .catch((error: unknown) => console.warn("could not hide the quick chat", error));
}

/** Hides the quick chat and continues its thread in the main window. */
export function openInMainWindow(threadId: string) {
  return unwrap(commands.quickChatOpenInMain(threadId));
}

/** The quick chat's agent and thread for the signed-in profile. */
export function useQuickChat() {
  return useQuery({
    queryKey: desktopKeys.quickChat,
    queryFn: () => unwrap(commands.quickChatGet()),
  });
}

/** Remembers the quick chat's agent and thread (a new chat: no thread). */
export function useSetQuickChat() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (quickChat: QuickChat) => unwrap(commands.quickChatSet(quickChat)),
    onMutate: (quickChat) => client.setQueryData<QuickChat>(desktopKeys.quickChat, quickChat),
    onSettled: () => client.invalidateQueries({ queryKey: desktopKeys.quickChat }),
  });
}

/** Calls `onOpen` when the tray, a notification or the quick chat asks the main window to show something. */
export function useOpenRequests(onOpen: (target: OpenTarget) => void) {
  useBackendEvent(events.openRequested, "open-requested", onOpen);
}

/** Calls `onShown` each time the quick chat window is brought up. */
export function useQuickChatShown(onShown: () => void) {
  useBackendEvent(events.quickChatShown, "quick-chat-shown", onShown);
}
