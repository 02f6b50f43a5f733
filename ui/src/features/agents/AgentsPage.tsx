import { Bot } from "lucide-react";
import { EmptyState } from "../../components/ui";

export function AgentsPage() {
  return (
    <EmptyState icon={<Bot size={22} />} title="Build your own agents">
      <p>
        Give an agent a name, a system prompt, a model and the tools it may use, then keep it to
        yourself or share it with the other profiles on this computer. A built-in Task assistant
        will be here to start with.
      </p>
    </EmptyState>
  );
}
