import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown } from "lucide-react";
import { Button, Spinner } from "../../components/ui";
import { messagesOf, useLiveAnswer, useMessages, type LiveAnswer, type Message } from "./api";
import { useLatestCallback } from "../../lib/useLatestCallback";
import { describeChatError, type ChatFix } from "./describe";
import { AssistantMessage, UserMessage, type AgentLook } from "./Message";
import { ProblemNotice } from "./Problem";

/** Closer than this to the end counts as "at the end": the view keeps following the answer. */
const FOLLOW_SLACK_PX = 48;
/** Older messages load when the view comes this close to the top. */
const LOAD_OLDER_PX = 300;
/** A scroll within this long after a wheel, touch, key or pointer press is the person's own. */
const USER_SCROLL_MS = 800;

export type TranscriptProps = {
  threadId: string;
  agent: AgentLook;
  /** Something is being written or sent in this thread: no edit or regenerate now. */
  busy: boolean;
  onRegenerate: () => void;
  onEdit: (message: Message, text: string) => void;
  onFix: (fix: ChatFix) => void;
};

/** The streamed text and tool calls in place of the saved answer they belong to. */
function withLive(messages: Message[], live: LiveAnswer | undefined): Message[] {
  if (!live?.answerId) return messages;
  return messages.map((message) =>
    message.id === live.answerId
      ? {
          ...message,
          content: live.content,
          toolCalls: live.toolCalls,
          status: "streaming" as const,
        }
      : message,
  );
}

/**
 * A thread's messages, virtualised: only those near the view are in the DOM. It opens at the
 * end, follows a streaming answer unless the person scrolls up, and loads older messages when
 * they scroll near the top, keeping what they were reading in place.
 */
export function Transcript({
  threadId,
  agent,
  busy,
  onRegenerate,
  onEdit,
  onFix,
}: TranscriptProps) {
  const query = useMessages(threadId);
  // Only the transcript follows the streamed text, frame by frame.
  const live = useLiveAnswer(threadId);
  const saved = useMemo(() => messagesOf(query.data), [query.data]);
  const messages = useMemo(() => withLive(saved, live), [saved, live]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const userScrollAt = useRef(0);
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const [showJump, setShowJump] = useState(false);

  // Memoised messages get stable callbacks that call whatever the page passes now.
  const regenerate = useLatestCallback(onRegenerate);
  const edit = useLatestCallback(onEdit);
  const fix = useLatestCallback(onFix);

  // TanStack Virtual returns functions that cannot be memoised; the compiler is told so.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 140,
    getItemKey: (index) => messages[index]?.id ?? index,
    overscan: 4,
  });
  const totalSize = virtualizer.getTotalSize();

  const toEnd = useCallback(() => {
    const element = scrollRef.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  // A new answer in this thread (sent from here) brings the view back to the end.
  const liveRequest = live?.requestId;
  useEffect(() => {
    if (liveRequest) follow.current = true;
  }, [liveRequest]);

  // Follow the end while the person has not scrolled away from it.
  useLayoutEffect(() => {
    if (follow.current) toEnd();
  }, [totalSize, messages, toEnd]);

  // Keep the message that was at the top in place when older ones are put above it.
  useLayoutEffect(() => {
    const held = anchor.current;
    if (!held) return;
    const index = messages.findIndex((message) => message.id === held.id);
    if (index <= 0) return;
    anchor.current = null;
    const offset = virtualizer.getOffsetForIndex(index, "start")?.[0];
    if (offset !== undefined) virtualizer.scrollToOffset(offset + held.offset);
  }, [messages, virtualizer]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadOlderIfNear = useCallback(() => {
    const element = scrollRef.current;
    if (!element || !hasNextPage || isFetchingNextPage) return;
    if (element.scrollTop > LOAD_OLDER_PX) return;
    const first = virtualizer
      .getVirtualItems()
      .find((item) => item.end > element.scrollTop && messages[item.index]);
    const firstMessage = first ? messages[first.index] : undefined;
    anchor.current =
      first && firstMessage
        ? { id: firstMessage.id, offset: element.scrollTop - first.start }
        : null;
    void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, virtualizer, messages]);

  // A thread too short to scroll still loads its older messages.
  useEffect(() => {
    if (messages.length > 0) loadOlderIfNear();
  }, [totalSize, messages.length, loadOlderIfNear]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
    if (distance <= FOLLOW_SLACK_PX) follow.current = true;
    else if (Date.now() - userScrollAt.current < USER_SCROLL_MS) follow.current = false;
    setShowJump(!follow.current);
    loadOlderIfNear();
  };
  const markUserScroll = () => {
    userScrollAt.current = Date.now();
  };

  if (query.isPending) {
    return (
      <div className="transcript-wrap">
        <div className="centered-block">
          <Spinner size={20} label="Loading messages" />
        </div>
      </div>
    );
  }
  if (query.isError) {
    const problem = describeChatError(query.error);
    return (
      <div className="transcript-wrap transcript-padded">
        {problem && (
          <ProblemNotice problem={problem} onFix={onFix} onRetry={() => void query.refetch()} />
        )}
      </div>
    );
  }

  const lastIndex = messages.length - 1;
  return (
    <div className="transcript-wrap">
      {isFetchingNextPage && (
        <div className="transcript-older">
          <Spinner size={13} label="Loading earlier messages" />
        </div>
      )}
      <div
        ref={scrollRef}
        className="transcript"
        role="log"
        aria-label="Messages"
        tabIndex={0}
        onScroll={onScroll}
        onWheel={markUserScroll}
        onTouchMove={markUserScroll}
        onPointerDown={markUserScroll}
        onKeyDown={markUserScroll}
        data-testid="transcript"
      >
        <div className="transcript-inner" style={{ height: totalSize }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index];
            if (!message) return null;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className="transcript-row"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {message.role === "user" ? (
                  <UserMessage message={message} canEdit={!busy} onEdit={edit} />
                ) : (
                  <AssistantMessage
                    message={message}
                    agent={agent}
                    isLast={item.index === lastIndex}
                    canRegenerate={!busy}
                    onRegenerate={regenerate}
                    onFix={fix}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {showJump && (
        <Button
          size="sm"
          className="jump-latest"
          icon={<ArrowDown size={14} />}
          onClick={() => {
            follow.current = true;
            setShowJump(false);
            toEnd();
          }}
          data-testid="jump-to-latest"
        >
          Latest
        </Button>
      )}
    </div>
  );
}
