import { lazy, Suspense, useState } from "react";
import {
  Activity,
  Blocks,
  Cable,
  Database,
  Monitor,
  Palette,
  Plug,
  User,
  Users,
} from "lucide-react";
import { Spinner, TabPanel, Tabs, type TabItem } from "../../components/ui";
import type { SessionInfo } from "../auth/api";
import { McpTab } from "../mcp/McpTab";
import { ToolServersTab } from "../mcp/ToolServersTab";
import { ProfilesTab } from "../profiles/ProfilesTab";
import { ProvidersTab } from "../providers/ProvidersTab";
import { AppearanceTab } from "./AppearanceTab";
import { DataTab } from "./DataTab";
import { DesktopTab } from "./DesktopTab";
import { ProfileTab } from "./ProfileTab";

// The charts library is only loaded when Diagnostics opens: it would double the start-up bundle.
const DiagnosticsTab = lazy(() =>
  import("./DiagnosticsTab").then((module) => ({ default: module.DiagnosticsTab })),
);

export type SettingsTab =
  | "profile"
  | "providers"
  | "toolServers"
  | "mcp"
  | "desktop"
  | "appearance"
  | "profiles"
  | "data"
  | "diagnostics";
type Tab = SettingsTab;

export function SettingsPage({
  session,
  initialTab = "profile",
}: {
  session: SessionInfo;
  /** The tab to open on (other pages link to Settings → Providers). */
  initialTab?: SettingsTab;
}) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const isAdmin = session.profile.role === "admin";

  const items: TabItem<Tab>[] = [
    { id: "profile", label: "Profile", icon: <User size={15} />, testId: "settings-tab-profile" },
    {
      id: "providers",
      label: "Providers",
      icon: <Plug size={15} />,
      testId: "settings-tab-providers",
    },
    {
      id: "toolServers",
      label: "Tool servers",
      icon: <Blocks size={15} />,
      testId: "settings-tab-tool-servers",
    },
    { id: "mcp", label: "MCP", icon: <Cable size={15} />, testId: "settings-tab-mcp" },
    {
      id: "desktop",
      label: "Desktop",
      icon: <Monitor size={15} />,
      testId: "settings-tab-desktop",
    },
    {
      id: "appearance",
      label: "Appearance",
      icon: <Palette size={15} />,
      testId: "settings-tab-appearance",
    },
  ];
  if (isAdmin) {
    items.push({
      id: "profiles",
      label: "Profiles",
      icon: <Users size={15} />,
      testId: "settings-tab-profiles",
    });
  }
  items.push({
    id: "data",
    label: "Data",
    icon: <Database size={15} />,
    testId: "settings-tab-data",
  });
  items.push({
    id: "diagnostics",
    label: "Diagnostics",
    icon: <Activity size={15} />,
    testId: "settings-tab-diagnostics",
  });
  // A demoted admin must not stay on a tab that no longer exists.
  const current: Tab = tab === "profiles" && !isAdmin ? "profile" : tab;

  return (
    <div className="settings" data-testid="settings">
      <Tabs
        items={items}
        value={current}
        onChange={setTab}
        label="Settings sections"
        idPrefix="settings"
      />
      <TabPanel idPrefix="settings" id={current}>
        {current === "profile" && <ProfileTab session={session} />}
        {current === "providers" && <ProvidersTab />}
        {current === "toolServers" && <ToolServersTab />}
        {current === "mcp" && <McpTab />}
        {current === "desktop" && <DesktopTab />}
        {current === "appearance" && <AppearanceTab />}
        {current === "profiles" && <ProfilesTab session={session} />}
        {current === "data" && <DataTab isAdmin={isAdmin} />}
        {current === "diagnostics" && (
          <Suspense fallback={<Spinner size={18} label="Loading diagnostics" />}>
            <DiagnosticsTab />
          </Suspense>
        )}
      </TabPanel>
    </div>
  );
}
