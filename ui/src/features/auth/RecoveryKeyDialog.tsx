import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { Button, Checkbox, Dialog } from "../../components/ui";

type Props = {
  recoveryKey: string | null;
  /** Who the key belongs to, when it is not the person looking at it (admin-created profiles). */
  owner?: string;
  continueLabel?: string;
  onContinue: () => void;
};

/** Shows a recovery key exactly once; continuing needs an explicit "I have saved it". */
export function RecoveryKeyDialog({
  recoveryKey,
  owner,
  continueLabel = "Continue",
  onContinue,
}: Props) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    if (!recoveryKey) return;
    try {
      await navigator.clipboard.writeText(recoveryKey);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard access: the key is still on screen to copy by hand.
    }
  };

  const finish = () => {
    setSaved(false);
    setCopied(false);
    onContinue();
  };

  return (
    <Dialog
      open={recoveryKey !== null}
      title={owner ? `Recovery key for ${owner}` : "Save your recovery key"}
      description={
        owner
          ? "Give this key to its owner. It resets the profile's password if they forget it."
          : "If you forget your password, this key is the only way to reset it."
      }
      onClose={() => undefined}
      dismissable={false}
      testId="recovery-key-dialog"
      footer={
        <Button
          variant="primary"
          disabled={!saved}
          onClick={finish}
          data-testid="recovery-key-continue"
        >
          {continueLabel}
        </Button>
      }
    >
      <div className="recovery-key">
        <code className="recovery-key-value" data-testid="recovery-key">
          {recoveryKey}
        </code>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void copy()}
          icon={copied ? <Check size={14} /> : <Copy size={14} />}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <ul className="recovery-key-notes">
        <li>It is shown only this once. Store it somewhere safe, such as a password manager.</li>
        <li>Using it resets the password and gives you a new key; the old one stops working.</li>
        <li>Without it, only an administrator of this computer can reset the password.</li>
      </ul>
      <Checkbox
        label="I have saved my recovery key"
        checked={saved}
        onChange={(event) => setSaved(event.target.checked)}
        data-testid="recovery-key-saved"
      />
    </Dialog>
  );
}
