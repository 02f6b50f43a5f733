import { Fragment, memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import {
  Archive,
  ArchiveRestore,
  FileDown,
  MoreHorizontal,
  Pencil,
  Pin,
  PinOff,
  Trash2,
} from "lucide-react";
import { MenuButton, Spinner, type MenuItem } from "../../components/ui";
import { AgentAvatar } from "../agents/appearance";
import type { Thread } from "./api";
import { fullTime, listTime, snippetParts } from "./format";

const ROW_HEIGHT = 52;
const SNIPPET_ROW_HEIGHT = 74;
const LOADER_HEIGHT = 40;

export type ThreadActions = {
  onRename: (thread: Thread) => void;
  onTogglePin: (thread: Thread) => void;
  onToggleArchive: (thread: Thread) => void;
  onDelete: (thread: Thread) => void;
  onExport: (thread: Thread) => void;
};

export type ThreadListProps = ThreadActions & {
  threads: readonly Thread[];
  selectedId: string | null;
  onSelect: (thread: Thread) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
};

/**
 * The thread column: virtualised rows; more pages load as the end comes into view. Memoised:
 * the chat page renders several times as an answer is sent, starts and finishes; the list only
 * when its own props change (give it stable callbacks).
 */
export const ThreadList = memo(function ThreadList({
  threads,
  selectedId,
  onSelect,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  ...actions
}: ThreadListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const count = threads.length + (hasNextPage ? 1 : 0);
  // TanStack Virtual returns functions that cannot be memoised; the compiler is told so.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => {
      const thread = threads[index];
      if (!thread) return LOADER_HEIGHT;
      return thread.snippet ? SNIPPET_ROW_HEIGHT : ROW_HEIGHT;
    },
    getItemKey: (index) => threads[index]?.id ?? "loader",
    overscan: 8,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? -1;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= threads.length - 1) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastIndex, threads.length, fetchNextPage]);

  // Up and Down move between rows, as in any list.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const current = (event.target as HTMLElement).closest<HTMLElement>("[data-thread-id]");
    if (!current) return;
    const index = threads.findIndex((thread) => thread.id === current.dataset.threadId);
    const next = index + (event.key === "ArrowDown" ? 1 : -1);
    if (next < 0 || next >= threads.length) return;
    event.preventDefault();
    virtualizer.scrollToIndex(next, { align: "auto" });
    // The row may only exist after the virtualiser has rendered it.
    requestAnimationFrame(() =>
      scrollRef.current
        ?.querySelector<HTMLElement>(`[data-thread-id="${threads[next]?.id}"] .thread-open`)
        ?.focus(),
    );
  };

  return (
    <div
      ref={scrollRef}
      className="thread-list"
      role="list"
      aria-label="Conversations"
      onKeyDown={onKeyDown}
      data-testid="thread-list"
    >
      <div className="thread-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((virtual) => {
          const thread = threads[virtual.index];
          const style = { height: virtual.size, transform: `translateY(${virtual.start}px)` };
          if (!thread) {
            return (
              <div key={virtual.key} className="thread-list-loader" style={style}>
                <Spinner size={14} label="Loading more conversations" />
              </div>
            );
          }
          return (
            <ThreadRow
              key={virtual.key}
              thread={thread}
              style={style}
              selected={thread.id === selectedId}
              menuOpen={menuFor === thread.id}
              onMenuOpenChange={(open) => setMenuFor(open ? thread.id : null)}
              onSelect={() => onSelect(thread)}
              {...actions}
            />
          );
        })}
      </div>
    </div>
  );
});

function ThreadRow({
  thread,
  style,
  selected,
  menuOpen,
  onMenuOpenChange,
  onSelect,
  onRename,
  onTogglePin,
  onToggleArchive,
  onDelete,
  onExport,
}: ThreadActions & {
  thread: Thread;
  style: { height: number; transform: string };
  selected: boolean;
  menuOpen: boolean;
  onMenuOpenChange: (open: boolean) => void;
  onSelect: () => void;
}) {
  const items: MenuItem[] = [
    {
      label: "Rename",
      icon: <Pencil size={14} />,
      onSelect: () => onRename(thread),
      testId: "thread-rename",
    },
    {
      label: thread.pinned ? "Unpin" : "Pin",
      icon: thread.pinned ? <PinOff size={14} /> : <Pin size={14} />,
      onSelect: () => onTogglePin(thread),
      testId: "thread-pin",
    },
    {
      label: thread.archived ? "Unarchive" : "Archive",
      icon: thread.archived ? <ArchiveRestore size={14} /> : <Archive size={14} />,
      onSelect: () => onToggleArchive(thread),
      testId: "thread-archive",
    },
    {
      label: "Export as Markdown…",
      icon: <FileDown size={14} />,
      onSelect: () => onExport(thread),
      testId: "thread-export",
    },
    {
      label: "Delete",
      icon: <Trash2 size={14} />,
      onSelect: () => onDelete(thread),
      danger: true,
      testId: "thread-delete",
    },
  ];

  return (
    <div
      role="listitem"
      className={["thread-row", selected && "thread-row-selected", menuOpen && "thread-row-menu"]
        .filter(Boolean)
        .join(" ")}
      style={style}
      onContextMenu={(event) => {
        event.preventDefault();
        onMenuOpenChange(true);
      }}
      data-testid="thread-item"
      data-thread-id={thread.id}
      data-title={thread.title}
      data-pinned={thread.pinned || undefined}
    >
      <button
        type="button"
        className="thread-open"
        aria-current={selected ? "true" : undefined}
        onClick={onSelect}
        data-testid="thread-open"
        title={`${thread.title} · ${thread.agentName} · ${fullTime(thread.lastActivityAt)}`}
      >
        <AgentAvatar color={thread.agentColor} icon={thread.agentIcon} size="sm" />
        <span className="thread-text">
          <span className="thread-title-line">
            {thread.pinned && (
              <Pin
                size={12}
                className="thread-pin"
                aria-label="Pinned"
                data-testid="thread-pinned"
              />
            )}
            <span className="thread-title">{thread.title || "New chat"}</span>
            {thread.streaming ? (
              <span className="thread-streaming" aria-label="Answering" />
            ) : (
              <span className="thread-time">{listTime(thread.lastActivityAt)}</span>
            )}
          </span>
          {thread.snippet ? (
            <span className="thread-snippet" data-testid="thread-snippet">
              {snippetParts(thread.snippet).map((part, index) =>
                part.marked ? (
                  <mark key={index}>{part.text}</mark>
                ) : (
                  <Fragment key={index}>{part.text}</Fragment>
                ),
              )}
            </span>
          ) : (
            <span className="thread-agent">{thread.agentName}</span>
          )}
        </span>
      </button>
      <MenuButton
        className="thread-menu"
        label={`Actions for “${thread.title}”`}
        icon={<MoreHorizontal size={15} />}
        items={items}
        open={menuOpen}
        onOpenChange={onMenuOpenChange}
        align="end"
        testId="thread-actions"
      />
    </div>
  );
}
