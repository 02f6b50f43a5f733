import { useState, type ChangeEvent, type FormEvent } from "react";
import { Upload } from "lucide-react";
import { Alert, Button, CopyButton, Dialog, Spinner, TextAreaField } from "../../components/ui";
import { formErrors } from "../../lib/forms";
import { useAgentExport, useImportAgent, type Agent } from "./api";

/** The export indented for reading (it is JSON either way; anything else is shown as is). */
function readable(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** Shows an agent's export (no provider connection in it) with a Copy button. */
export function ExportDialog({ agent, onClose }: { agent: Agent | null; onClose: () => void }) {
  return (
    <Dialog
      open={agent !== null}
      onClose={onClose}
      size="md"
      title={agent ? `Export ${agent.name}` : "Export"}
      description="Paste this into Import on another computer or profile. It holds no provider connection or key."
      testId="agent-export-dialog"
    >
      {agent && <ExportBody agentId={agent.id} onClose={onClose} />}
    </Dialog>
  );
}

function ExportBody({ agentId, onClose }: { agentId: string; onClose: () => void }) {
  const exported = useAgentExport(agentId);
  if (exported.isPending) {
    return (
      <div className="centered-block">
        <Spinner size={20} label="Exporting" />
      </div>
    );
  }
  if (exported.isError) {
    return <Alert tone="error">{formErrors(exported.error, []).form}</Alert>;
  }
  const text = readable(exported.data);
  return (
    <>
      <textarea
        className="input textarea input-mono export-json"
        aria-label="Agent JSON"
        readOnly
        rows={12}
        value={text}
        onFocus={(event) => event.target.select()}
        data-testid="agent-export-json"
      />
      <div className="form-actions">
        <Button onClick={onClose}>Close</Button>
        <CopyButton
          className="btn btn-primary btn-md"
          text={text}
          label="Copy JSON"
          showLabel
          testId="agent-export-copy"
        />
      </div>
    </>
  );
}

/** Pastes (or loads from a file) an exported agent, which becomes a new private agent. */
export function ImportDialog({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported: (agent: Agent) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="md"
      title="Import an agent"
      description="Paste an agent exported from KickStartMyAI. It is added as a private agent that uses your default connection."
      testId="agent-import-dialog"
    >
      {open && <ImportForm onCancel={onClose} onImported={onImported} />}
    </Dialog>
  );
}

function ImportForm({
  onCancel,
  onImported,
}: {
  onCancel: () => void;
  onImported: (agent: Agent) => void;
}) {
  const importAgent = useImportAgent();
  const [json, setJson] = useState("");
  const errors = formErrors(importAgent.error, ["json"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    importAgent.mutate(json, { onSuccess: onImported });
  };

  const loadFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void file.text().then(setJson);
  };

  return (
    <form className="form" onSubmit={submit}>
      <TextAreaField
        label="Agent JSON"
        name="json"
        className="input-mono"
        rows={10}
        autoFocus
        spellCheck={false}
        value={json}
        onChange={(event) => setJson(event.target.value)}
        error={errors.fields.json}
        placeholder='{"name": "Trip planner", …}'
        data-testid="agent-import-json"
      />
      <label className="file-pick">
        <Upload size={14} aria-hidden />
        <span>Or choose a .json file</span>
        <input type="file" accept=".json,application/json" onChange={loadFile} />
      </label>
      {errors.form && <Alert tone="error">{errors.form}</Alert>}
      <div className="form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          type="submit"
          variant="primary"
          disabled={json.trim() === ""}
          loading={importAgent.isPending}
          data-testid="agent-import-save"
        >
          Import
        </Button>
      </div>
    </form>
  );
}
