import { MessageSquare } from "lucide-react";
import { EmptyState } from "../../components/ui";

export function ChatPage() {
  return (
    <EmptyState icon={<MessageSquare size={22} />} title="Conversations are on their way">
      <p>
        Soon you'll chat here with your agents, on OpenAI, Anthropic, or a model running on this
        computer through Ollama or LM Studio. Answers stream in as they are written, and every
        conversation is saved locally, searchable and yours to export.
      </p>
    </EmptyState>
  );
}
