import { useState } from "react";
import { Bot, FileDown, Plus, Search, SearchX } from "lucide-react";
import { Alert, Button, Checkbox, EmptyState, Spinner, Toast } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { useDebounced } from "../../lib/useDebounced";
import { useProvidersChangedListener } from "../providers/api";
import {
  useAgents,
  useAgentsChangedListener,
  useDuplicateAgent,
  useSetAgentArchived,
  type Agent,
} from "./api";
import { AgentCard, type AgentCardActions } from "./AgentCard";
import { AgentEditor, type EditorTarget } from "./AgentEditor";
import { ExportDialog, ImportDialog } from "./AgentTransfer";

type ToastState = { id: number; message: string; action?: { label: string; run: () => void } };

/** The profile's agents and those shared with it: search, create, edit, share, export. */
export function AgentsPage({ onChat }: { onChat: (agentId: string) => void }) {
  useAgentsChangedListener();
  useProvidersChangedListener();
  const [search, setSearch] = useState("");
  const text = useDebounced(search.trim(), 200);
  const [showArchived, setShowArchived] = useState(false);
  const agents = useAgents({ search: text === "" ? null : text, includeArchived: showArchived });
  const duplicate = useDuplicateAgent();
  const setArchived = useSetAgentArchived();
  const [editing, setEditing] = useState<EditorTarget | null>(null);
  const [exporting, setExporting] = useState<Agent | null>(null);
  const [importing, setImporting] = useState(false);
  const [toast, setToast] = useState<ToastState | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const list = agents.data ?? [];
  const own = list.filter((agent) => agent.isOwn);
  const shared = list.filter((agent) => !agent.isOwn);
  const errorMessage = formErrors(actionError ?? agents.error, []).form;

  const showToast = (message: string, action?: ToastState["action"]) =>
    setToast({ id: Date.now(), message, action });

  const actions: AgentCardActions = {
    onOpen: (agent) => setEditing({ agent }),
    onChat: (agent) => onChat(agent.id),
    onDuplicate: (agent) => {
      setActionError(null);
      duplicate.mutate(agent.id, {
        onError: setActionError,
        onSuccess: (copy) =>
          showToast(`Made “${copy.name}”`, {
            label: "Edit",
            run: () => setEditing({ agent: copy }),
          }),
      });
    },
    onExport: setExporting,
    onSetArchived: (agent, archived) => {
      setActionError(null);
      setArchived.mutate(
        { id: agent.id, archived },
        {
          onError: setActionError,
          onSuccess: () =>
            showToast(archived ? `Archived “${agent.name}”` : `Unarchived “${agent.name}”`, {
              label: "Undo",
              run: () =>
                setArchived.mutate(
                  { id: agent.id, archived: !archived },
                  { onError: setActionError },
                ),
            }),
        },
      );
    },
  };

  return (
    <div className="agents" data-testid="agents">
      <div className="agents-toolbar">
        <div className="search-field">
          <Search size={15} aria-hidden />
          <input
            type="search"
            className="input input-sm"
            placeholder="Search agents"
            aria-label="Search agents"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            data-testid="agent-search"
          />
        </div>
        <Checkbox
          label="Show archived"
          checked={showArchived}
          onChange={(event) => setShowArchived(event.target.checked)}
          data-testid="agent-archived-toggle"
        />
        {agents.isFetching && !agents.isPending && <Spinner size={13} />}
        <div className="agents-toolbar-end">
          <Button
            icon={<FileDown size={15} />}
            onClick={() => setImporting(true)}
            data-testid="agent-import"
          >
            Import
          </Button>
          <Button
            variant="primary"
            icon={<Plus size={16} />}
            onClick={() => setEditing({ agent: null })}
            data-testid="agent-new"
          >
            New agent
          </Button>
        </div>
      </div>

      {errorMessage && (
        <Alert tone="error" data-testid="agents-error">
          {errorMessage}
        </Alert>
      )}

      {agents.isPending ? (
        <div className="centered-block">
          <Spinner size={20} label="Loading agents" />
        </div>
      ) : list.length === 0 && !agents.isError ? (
        text !== "" ? (
          <EmptyState icon={<SearchX size={22} />} title="No agents match">
            Nothing matches “{text}”. Try other words.
          </EmptyState>
        ) : (
          <EmptyState icon={<Bot size={22} />} title="Build your own agents">
            Give an agent a name, a system prompt and a model, then keep it to yourself or share it
            with the other profiles on this computer.
          </EmptyState>
        )
      ) : (
        <>
          {own.length > 0 && (
            <AgentSection title="Your agents" agents={own} actions={actions} testId="agents-own" />
          )}
          {shared.length > 0 && (
            <AgentSection
              title="Shared with you"
              agents={shared}
              actions={actions}
              testId="agents-shared"
            />
          )}
        </>
      )}

      <AgentEditor
        target={editing}
        onClose={() => setEditing(null)}
        onSaved={(agent, created) => {
          setEditing(null);
          showToast(created ? `Created “${agent.name}”` : `Saved “${agent.name}”`);
        }}
        onDuplicated={(copy) => {
          // The copy is the person's own: open it, now editable.
          setEditing({ agent: copy });
          showToast(`Made “${copy.name}”`);
        }}
      />
      <ExportDialog agent={exporting} onClose={() => setExporting(null)} />
      <ImportDialog
        open={importing}
        onClose={() => setImporting(false)}
        onImported={(agent) => {
          setImporting(false);
          showToast(`Imported “${agent.name}”`, {
            label: "Edit",
            run: () => setEditing({ agent }),
          });
        }}
      />
      {toast && (
        <Toast
          key={toast.id}
          message={toast.message}
          actionLabel={toast.action?.label}
          onAction={toast.action?.run}
          actionTestId="toast-action"
          onDismiss={() => setToast(null)}
        />
      )}
    </div>
  );
}

function AgentSection({
  title,
  agents,
  actions,
  testId,
}: {
  title: string;
  agents: readonly Agent[];
  actions: AgentCardActions;
  testId: string;
}) {
  return (
    <section className="agents-section" aria-label={title} data-testid={testId}>
      <h2 className="agents-section-title">{title}</h2>
      <div className="agent-grid">
        {agents.map((agent) => (
          <AgentCard key={agent.id} agent={agent} {...actions} />
        ))}
      </div>
    </section>
  );
}
