import { createElement } from "react";
import {
  Book,
  Bot,
  Brain,
  Briefcase,
  Code,
  Globe,
  Lightbulb,
  ListChecks,
  Pen,
  Sparkles,
  type LucideIcon,
} from "lucide-react";

/** The colours an agent may wear; each has a light and a dark shade in agents.css. */
export const AGENT_COLORS = [
  "indigo",
  "blue",
  "teal",
  "green",
  "amber",
  "orange",
  "red",
  "pink",
  "violet",
  "slate",
] as const;

/** The icons an agent may wear (lucide names, as the backend stores them). */
export const AGENT_ICONS = [
  "bot",
  "sparkles",
  "list-checks",
  "code",
  "pen",
  "book",
  "brain",
  "briefcase",
  "globe",
  "lightbulb",
] as const;

const ICONS: Record<(typeof AGENT_ICONS)[number], LucideIcon> = {
  bot: Bot,
  sparkles: Sparkles,
  "list-checks": ListChecks,
  code: Code,
  pen: Pen,
  book: Book,
  brain: Brain,
  briefcase: Briefcase,
  globe: Globe,
  lightbulb: Lightbulb,
};

const ICON_LABELS: Record<(typeof AGENT_ICONS)[number], string> = {
  bot: "Robot",
  sparkles: "Sparkles",
  "list-checks": "Checklist",
  code: "Code",
  pen: "Pen",
  book: "Book",
  brain: "Brain",
  briefcase: "Briefcase",
  globe: "Globe",
  lightbulb: "Light bulb",
};

const isColor = (value: string): value is (typeof AGENT_COLORS)[number] =>
  (AGENT_COLORS as readonly string[]).includes(value);
const isIcon = (value: string): value is (typeof AGENT_ICONS)[number] =>
  (AGENT_ICONS as readonly string[]).includes(value);

/** A stored colour, or slate for one this version does not know. */
export function agentColor(color: string): (typeof AGENT_COLORS)[number] {
  return isColor(color) ? color : "slate";
}

export function agentIcon(icon: string): LucideIcon {
  return isIcon(icon) ? ICONS[icon] : Bot;
}

export function iconLabel(icon: string): string {
  return isIcon(icon) ? ICON_LABELS[icon] : icon;
}

/** An agent's icon by its stored name (a robot for a name this version does not know). */
export function AgentIconGlyph({ icon, size }: { icon: string; size: number }) {
  return createElement(agentIcon(icon), { size, "aria-hidden": true });
}

/** An agent's badge: its icon on a tint of its colour. */
export function AgentAvatar({
  color,
  icon,
  size = "md",
}: {
  color: string;
  icon: string;
  size?: "sm" | "md" | "lg";
}) {
  const px = size === "sm" ? 13 : size === "md" ? 17 : 22;
  return (
    <span
      className={`agent-avatar agent-avatar-${size} agent-color-${agentColor(color)}`}
      aria-hidden
    >
      <AgentIconGlyph icon={icon} size={px} />
    </span>
  );
}
