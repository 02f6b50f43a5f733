import { Bot, Plug, RotateCcw } from "lucide-react";
import { Alert, Button } from "../../components/ui";
import type { ChatFix, ChatProblem } from "./describe";

const FIX_LABELS: Record<ChatFix, string> = {
  providers: "Open Settings → Providers",
  agents: "Open Agents",
};

/** A chat problem in words, with Retry and the way to the page that fixes it. */
export function ProblemNotice({
  problem,
  onFix,
  onRetry,
  testId = "chat-error",
}: {
  problem: ChatProblem;
  onFix: (fix: ChatFix) => void;
  onRetry?: () => void;
  testId?: string;
}) {
  return (
    <Alert tone="error" data-testid={testId} data-code={problem.code}>
      <strong data-testid="problem-title">{problem.title}</strong>
      {problem.detail && <span>{problem.detail}</span>}
      {problem.hint && problem.hint !== problem.detail && (
        <span className="problem-hint">{problem.hint}</span>
      )}
      {(onRetry || problem.fixes.length > 0) && (
        <div className="alert-actions">
          {onRetry && (
            <Button
              size="sm"
              icon={<RotateCcw size={13} />}
              onClick={onRetry}
              data-testid="retry-button"
            >
              Retry
            </Button>
          )}
          {problem.fixes.map((fix) => (
            <Button
              key={fix}
              size="sm"
              icon={fix === "providers" ? <Plug size={13} /> : <Bot size={13} />}
              onClick={() => onFix(fix)}
              data-testid={`fix-${fix}`}
            >
              {FIX_LABELS[fix]}
            </Button>
          ))}
        </div>
      )}
    </Alert>
  );
}
