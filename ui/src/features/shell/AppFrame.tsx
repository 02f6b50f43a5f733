import { useEffect, useState, type ReactNode } from "react";
import { Bot, ListTodo, Lock, LogOut, MessageSquare, Settings } from "lucide-react";
import { Avatar, Badge, IconButton, Kbd } from "../../components/ui";
import { BrandMark } from "../../components/BrandMark";
import { MOD_KEY } from "../../lib/platform";
import { AgentsPage } from "../agents/AgentsPage";
import {
  ROLE_LABELS,
  useActivityHeartbeat,
  useLock,
  useLogout,
  type SessionInfo,
} from "../auth/api";
import { ChatPage } from "../chat/ChatPage";
import { SettingsPage, type SettingsTab } from "../settings/SettingsPage";
import { useOpenRequests, type OpenTarget } from "../desktop/api";
import { useTasksChangedListener } from "../tasks/api";
import { TasksPage } from "../tasks/TasksPage";

type Page = "chat" | "tasks" | "agents" | "settings";

type NavItem = { id: Page; label: string; icon: ReactNode; description: string };

/**
 * Where a page sent the person, with what to open there. `visit` changes on every move, so the
 * page opens afresh even when it is the one already shown.
 */
type Route = {
  page: Page;
  visit: number;
  chatAgentId?: string;
  /** A conversation to open (the quick chat's "Open in main window"). */
  chatThreadId?: string;
  /** A task to open (a due-task notification), or the quick-add field to focus (the tray). */
  taskId?: string;
  newTask?: boolean;
  settingsTab?: SettingsTab;
};

const NAV: readonly NavItem[] = [
  {
    id: "chat",
    label: "Chat",
    icon: <MessageSquare size={17} />,
    description: "Talk with your agents",
  },
  { id: "tasks", label: "Tasks", icon: <ListTodo size={17} />, description: "Your to-do list" },
  {
    id: "agents",
    label: "Agents",
    icon: <Bot size={17} />,
    description: "Assistants you configure",
  },
  {
    id: "settings",
    label: "Settings",
    icon: <Settings size={17} />,
    description:
      "Profile, providers, tool servers, MCP clients, desktop, appearance, profiles and data",
  },
];

/** The signed-in window: sidebar navigation, the current page, the profile menu. */
export function AppFrame({ session }: { session: SessionInfo }) {
  const [route, setRoute] = useState<Route>({ page: "chat", visit: 0 });
  const page = route.page;
  const go = (next: Omit<Route, "visit">) =>
    setRoute((current) => ({ ...next, visit: current.visit + 1 }));
  const setPage = (next: Page) => go({ page: next });
  const lock = useLock();
  const logout = useLogout();
  const lockNow = lock.mutate;
  useActivityHeartbeat(true);
  // Tasks change from chat (an agent's tool calls) and other windows while the Tasks page is not
  // shown: its cached lists must still learn of it, so the listener lives as long as the frame.
  useTasksChangedListener();
  // The tray, a notification or the quick chat asks this window to show something.
  useOpenRequests((target: OpenTarget) => {
    if (target.kind === "thread") go({ page: "chat", chatThreadId: target.threadId });
    else if (target.kind === "task") go({ page: "tasks", taskId: target.taskId });
    else go({ page: "tasks", newTask: true });
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const index = Number(event.key) - 1;
      const target = NAV[index];
      if (target) {
        event.preventDefault();
        setRoute((current) => ({ page: target.id, visit: current.visit + 1 }));
      } else if (event.key.toLowerCase() === "l") {
        event.preventDefault();
        lockNow();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [lockNow]);

  const current = NAV.find((item) => item.id === page) ?? NAV[0];
  const { profile } = session;

  return (
    <div className="app-frame" data-testid="app-frame">
      <aside className="sidebar">
        <div className="sidebar-brand">
          <BrandMark size={26} />
          <span>KickStartMyAI</span>
        </div>
        <nav className="sidebar-nav" aria-label="Main">
          {NAV.map((item, index) => (
            <button
              key={item.id}
              type="button"
              className="nav-item"
              aria-current={item.id === page ? "page" : undefined}
              onClick={() => setPage(item.id)}
              data-testid={`nav-${item.id}`}
              title={`${item.label} (${MOD_KEY}+${index + 1})`}
            >
              {item.icon}
              <span className="nav-label">{item.label}</span>
              <Kbd>
                {MOD_KEY}
                {index + 1}
              </Kbd>
            </button>
          ))}
        </nav>
        <div className="sidebar-profile">
          <Avatar name={profile.displayName} size="sm" />
          <div className="sidebar-profile-text">
            <span className="sidebar-profile-name" data-testid="current-profile-name">
              {profile.displayName}
            </span>
            <Badge tone={profile.role === "admin" ? "accent" : "neutral"}>
              {ROLE_LABELS[profile.role]}
            </Badge>
          </div>
          <IconButton
            label={`Lock (${MOD_KEY}+L)`}
            onClick={() => lock.mutate()}
            data-testid="lock-button"
          >
            <Lock size={16} />
          </IconButton>
          <IconButton label="Log out" onClick={() => logout.mutate()} data-testid="logout-button">
            <LogOut size={16} />
          </IconButton>
        </div>
      </aside>
      <main className="main" aria-labelledby="page-title">
        <header className="page-header">
          <h1 id="page-title">{current?.label}</h1>
          <p className="muted">{current?.description}</p>
        </header>
        <div
          className={
            page === "tasks" || page === "chat" ? "page-body page-body-flush" : "page-body"
          }
        >
          {page === "chat" && (
            <ChatPage
              // A "Chat" from the Agents page opens a fresh new chat with that agent; the quick
              // chat's "Open in main window" opens its thread.
              key={route.chatAgentId || route.chatThreadId ? route.visit : "chat"}
              initialAgentId={route.chatAgentId ?? null}
              initialThreadId={route.chatThreadId ?? null}
              onOpenProviders={() => go({ page: "settings", settingsTab: "providers" })}
              onOpenAgents={() => go({ page: "agents" })}
            />
          )}
          {page === "tasks" && (
            <TasksPage
              key={route.taskId || route.newTask ? route.visit : "tasks"}
              initialTaskId={route.taskId ?? null}
              focusQuickAdd={route.newTask ?? false}
            />
          )}
          {page === "agents" && (
            <AgentsPage onChat={(agentId) => go({ page: "chat", chatAgentId: agentId })} />
          )}
          {page === "settings" && (
            <SettingsPage
              key={route.settingsTab ? route.visit : "settings"}
              session={session}
              initialTab={route.settingsTab}
            />
          )}
        </div>
      </main>
    </div>
  );
}
