import { ListTodo } from "lucide-react";
import { EmptyState } from "../../components/ui";

export function TasksPage() {
  return (
    <EmptyState icon={<ListTodo size={22} />} title="Your to-do list is coming">
      <p>
        A fast, offline to-do list with due dates, priorities and tags. Your agents will be able to
        add and complete tasks when you ask them in a chat, and tools like Claude Desktop will see
        the same list through MCP.
      </p>
    </EmptyState>
  );
}
