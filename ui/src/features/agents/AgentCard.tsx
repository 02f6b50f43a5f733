import {
  Archive,
  ArchiveRestore,
  Copy,
  Download,
  Eye,
  MessageSquare,
  MoreHorizontal,
  Pencil,
} from "lucide-react";
import { Badge, Button, MenuButton, type MenuItem } from "../../components/ui";
import type { Agent } from "./api";
import { AgentAvatar } from "./appearance";

export type AgentCardActions = {
  onOpen: (agent: Agent) => void;
  onChat: (agent: Agent) => void;
  onDuplicate: (agent: Agent) => void;
  onExport: (agent: Agent) => void;
  onSetArchived: (agent: Agent, archived: boolean) => void;
};

/** One agent: its look, who shares it, what it runs on, and what can be done with it. */
export function AgentCard({ agent, ...actions }: AgentCardActions & { agent: Agent }) {
  const items: MenuItem[] = [
    {
      label: "Duplicate",
      icon: <Copy size={14} />,
      onSelect: () => actions.onDuplicate(agent),
      testId: "agent-duplicate-action",
    },
    {
      label: "Export as JSON",
      icon: <Download size={14} />,
      onSelect: () => actions.onExport(agent),
      testId: "agent-export",
    },
  ];
  // The built-in assistant stays: the task tools need it.
  if (agent.canEdit && !agent.builtIn) {
    items.push({
      label: agent.archived ? "Unarchive" : "Archive",
      icon: agent.archived ? <ArchiveRestore size={14} /> : <Archive size={14} />,
      onSelect: () => actions.onSetArchived(agent, !agent.archived),
      testId: "agent-archive",
    });
  }

  return (
    <article
      className={["agent-card", agent.archived && "agent-card-archived"].filter(Boolean).join(" ")}
      data-testid="agent-card"
      data-name={agent.name}
      data-can-edit={agent.canEdit}
    >
      <header className="agent-card-header">
        <AgentAvatar color={agent.color} icon={agent.icon} size="lg" />
        <div className="agent-card-title">
          <h3 className="agent-name">{agent.name}</h3>
          <div className="agent-badges">
            {agent.builtIn && <Badge tone="accent">Built-in</Badge>}
            {!agent.isOwn && (
              <span data-testid="agent-shared-badge">
                <Badge>Shared by {agent.ownerName}</Badge>
              </span>
            )}
            {agent.isOwn && agent.visibility === "shared" && (
              <span data-testid="agent-shared-badge">
                <Badge>Shared</Badge>
              </span>
            )}
            {agent.archived && <Badge tone="warning">Archived</Badge>}
          </div>
        </div>
        <MenuButton
          label={`More actions for ${agent.name}`}
          icon={<MoreHorizontal size={16} />}
          items={items}
          align="end"
          testId="agent-menu"
        />
      </header>
      <p className="agent-description">{agent.description || "No description."}</p>
      <p className="agent-model" title="Model">
        {agent.model ?? "Connection's default model"}
      </p>
      <footer className="agent-card-actions">
        {agent.archived ? (
          <span className="muted small">Unarchive it to chat.</span>
        ) : (
          <Button
            size="sm"
            variant="primary"
            icon={<MessageSquare size={14} />}
            onClick={() => actions.onChat(agent)}
            data-testid="agent-chat"
          >
            Chat
          </Button>
        )}
        <Button
          size="sm"
          icon={agent.canEdit ? <Pencil size={14} /> : <Eye size={14} />}
          onClick={() => actions.onOpen(agent)}
          data-testid="agent-open"
        >
          {agent.canEdit ? "Edit" : "View"}
        </Button>
      </footer>
    </article>
  );
}
