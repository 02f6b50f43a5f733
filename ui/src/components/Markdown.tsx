import {
  memo,
  useDeferredValue,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactElement,
  type ReactNode,
} from "react";
import renderMarkdown, { type Components, type Options } from "react-markdown";
import type rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";
import { CopyButton } from "./ui";

/*
 * Model output is untrusted. It is parsed as Markdown only: raw HTML is turned into plain text
 * (there is no rehype-raw, and nothing here sets innerHTML), react-markdown's default
 * urlTransform empties `javascript:` and other unsafe URLs, links open only for http(s) and
 * mailto, and images become links so a reply cannot load remote pixels.
 */

/** The little of a syntax tree node these plugins and components look at. */
type TreeNode = {
  type: string;
  value?: string;
  tagName?: string;
  properties?: { className?: unknown };
  children?: TreeNode[];
};

/** Containers in which a stray HTML block becomes a paragraph of its own. */
const BLOCK_PARENTS = new Set(["root", "blockquote", "listItem"]);

/** A remark plugin: raw HTML (`html` nodes) is kept as the literal text the model wrote. */
function remarkHtmlAsText() {
  const walk = (node: TreeNode) => {
    node.children?.forEach((child, index, siblings) => {
      if (child.type === "html") {
        const text: TreeNode = { type: "text", value: child.value ?? "" };
        siblings[index] = BLOCK_PARENTS.has(node.type)
          ? { type: "paragraph", children: [text] }
          : text;
      } else {
        walk(child);
      }
    });
  };
  return (tree: TreeNode) => walk(tree);
}

const REMARK_PLUGINS: Options["remarkPlugins"] = [remarkGfm, remarkHtmlAsText];

/*
 * Code is highlighted by highlight.js (through rehype-highlight), which is half of this
 * module's code by size. It loads the first time an answer has a fenced block that names its
 * language (only those are highlighted: guessing would cost time on every frame), so answers
 * without code never load or run it; blocks parsed before it arrived are parsed again when it
 * is in. It is set up once: rehype-highlight registers (and compiles) all its languages each
 * time it is set up, and react-markdown builds its processor on every render.
 */
type Highlight = ReturnType<typeof rehypeHighlight>;
let highlight: Highlight | null = null;
let highlighterRequested = false;
let highlighterVersion = 0;
const highlighterListeners = new Set<() => void>();

/** A fenced code block that names its language (in a list item too, hence any indent). */
const NAMED_CODE = /^\s*(`{3,}|~{3,})[ \t]*[^\s`~]/m;

function loadHighlighter(): void {
  if (highlighterRequested) return;
  highlighterRequested = true;
  import("rehype-highlight").then(
    ({ default: setUp }) => {
      highlight = setUp({ detect: false });
      for (const key of [...parsedBlocks.keys()]) {
        if (NAMED_CODE.test(textOfKey(key))) forgetParsed(key);
      }
      highlighterVersion += 1;
      highlighterListeners.forEach((listener) => listener());
    },
    () => {
      highlighterRequested = false; // the next code block asks again
    },
  );
}

function onHighlighterLoaded(listener: () => void): () => void {
  highlighterListeners.add(listener);
  return () => highlighterListeners.delete(listener);
}
const noSubscription = () => () => undefined;

/** Until highlight.js is in, code stays plain (and the block is parsed again once it is). */
const rehypeHighlightWhenLoaded = (): Highlight => (tree, file) => highlight?.(tree, file);
const REHYPE_PLUGINS: Options["rehypePlugins"] = [rehypeHighlightWhenLoaded];

const SAFE_LINK = /^(https?:|mailto:)/i;

function textOf(node: TreeNode | undefined): string {
  if (!node) return "";
  if (node.type === "text") return node.value ?? "";
  return (node.children ?? []).map(textOf).join("");
}

function languageOf(code: TreeNode | undefined): string | null {
  const classes = code?.properties?.className;
  if (!Array.isArray(classes)) return null;
  for (const name of classes) {
    if (typeof name === "string" && name.startsWith("language-")) return name.slice(9);
  }
  return null;
}

function CodeBlock({ node, children }: { node: TreeNode | undefined; children: ReactNode }) {
  const code = node?.children?.find((child) => child.tagName === "code");
  const language = languageOf(code);
  const text = textOf(code).replace(/\n$/, "");
  return (
    <div className="md-code" data-testid="code-block">
      <div className="md-code-header">
        <span className="md-code-lang" data-testid="code-language">
          {language ?? "text"}
        </span>
        <CopyButton text={text} label="Copy code" showLabel testId="code-copy" />
      </div>
      <pre>{children}</pre>
    </div>
  );
}

const COMPONENTS: Components = {
  pre: ({ node, children }) => (
    <CodeBlock node={node as TreeNode | undefined}>{children}</CodeBlock>
  ),
  a: ({ href, children }) =>
    href && SAFE_LINK.test(href) ? (
      <a href={href} target="_blank" rel="noreferrer noopener">
        {children}
      </a>
    ) : (
      <span className="md-link-inert">{children}</span>
    ),
  img: ({ src, alt }) => {
    const label = alt || "image";
    return typeof src === "string" && SAFE_LINK.test(src) ? (
      <a href={src} target="_blank" rel="noreferrer noopener">
        [{label}]
      </a>
    ) : (
      <span className="md-link-inert">[{label}]</span>
    );
  },
  table: ({ children }) => (
    <div className="md-table-wrap">
      <table>{children}</table>
    </div>
  ),
};

/** Most text (in characters) whose parsed blocks are kept; about 25 answers of 5 000 tokens. */
const PARSED_LIMIT_CHARS = 500_000;
/** Parsed blocks by owner and text, the most recently used last. */
const parsedBlocks = new Map<string, ReactElement>();
let parsedChars = 0;
const blockKey = (owner: string, text: string) => `${owner}\u0000${text}`;
const textOfKey = (key: string) => key.slice(key.indexOf("\u0000") + 1);

/**
 * A block's Markdown as React elements, parsed once per owner (an answer's id): a long
 * thread's answers leave the virtualised transcript and come back into it (scrolling, or the
 * rows shifting when a new answer starts), and each coming back parsed every block again —
 * 250–340 blocks in one frame, a 250–340 ms stall (docs/BENCHMARKS.md, chat). Keyed by owner,
 * not by text alone, so two answers never share work they did not both do.
 */
function parsedBlock(owner: string, text: string): ReactElement {
  const key = blockKey(owner, text);
  const known = parsedBlocks.get(key);
  if (known) {
    parsedBlocks.delete(key);
    parsedBlocks.set(key, known);
    return known;
  }
  // react-markdown's synchronous component is a pure function of its options: called here, its
  // elements can be kept and rendered again.
  const element = renderMarkdown({
    children: text,
    remarkPlugins: REMARK_PLUGINS,
    rehypePlugins: REHYPE_PLUGINS,
    components: COMPONENTS,
  });
  if (!highlight && NAMED_CODE.test(text)) loadHighlighter();
  parsedBlocks.set(key, element);
  parsedChars += key.length;
  for (const oldest of parsedBlocks.keys()) {
    if (parsedChars <= PARSED_LIMIT_CHARS) break;
    forgetParsed(oldest);
  }
  return element;
}

function forgetParsed(key: string): void {
  if (parsedBlocks.delete(key)) parsedChars -= key.length;
}

/**
 * One block, parsed in the background: a new block shows first as its plain text, and its
 * Markdown replaces it in a deferred render. When a burst brings many blocks at once (a fast
 * model's whole answer in one frame), React parses them in slices between frames instead of all
 * in one long frame that freezes the window (docs/BENCHMARKS.md, chat). A block parsed before
 * shows its Markdown at once.
 */
const MarkdownBlock = memo(function MarkdownBlock({
  owner,
  text,
}: {
  owner: string;
  text: string;
}) {
  const known = parsedBlocks.has(blockKey(owner, text));
  const parsed = useDeferredValue(text, known ? text : null);
  if (parsed !== text) return <p className="md-pending">{text}</p>;
  return <ParsedBlock owner={owner} text={text} />;
});

const ParsedBlock = memo(function ParsedBlock({ owner, text }: { owner: string; text: string }) {
  // A block with named code renders again (parsed anew) when highlight.js has loaded.
  const hasCode = useMemo(() => NAMED_CODE.test(text), [text]);
  useSyncExternalStore(hasCode ? onHighlighterLoaded : noSubscription, () =>
    hasCode ? highlighterVersion : 0,
  );
  return parsedBlock(owner, text);
});

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits Markdown at blank lines that are outside fenced code and followed by an unindented
 * line, so that while an answer streams only its last block is parsed again on each frame.
 * The finished answer is rendered whole, so a construct that spans blocks (a loose list's
 * indented paragraph, a reference link) comes out right in the end.
 */
export function markdownBlocks(text: string): string[] {
  const lines = text.split("\n");
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let blank = false;
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (fence === null && blank && line.trim() !== "" && !/^\s/.test(line)) {
      blocks.push(current.join("\n"));
      current = [];
    }
    current.push(line);
    if (marker) {
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    }
    blank = fence === null && line.trim() === "";
  }
  blocks.push(current.join("\n"));
  return blocks;
}

/**
 * Renders Markdown safely, block by block: each block is parsed once and not again while the
 * answer grows or after it ends, so finishing a long answer parses only its last block (parsing
 * the whole answer again stalled the window for 100–160 ms at 5 000 tokens). While `streaming`,
 * the block still growing is shown as plain text: parsing it on every frame costs time that
 * grows with its length. (A reference-style link defined in a later block stays plain text.)
 */
export function Markdown({
  content,
  streaming = false,
  owner = "",
}: {
  content: string;
  streaming?: boolean;
  /** Whose text this is (an answer's id): its parsed blocks are kept for it. */
  owner?: string;
}) {
  const blocks = useMemo(() => markdownBlocks(content), [content]);
  const last = blocks.length - 1;
  // Code arriving in the growing block: highlight.js loads while the rest of it streams.
  const tailHasCode = streaming && NAMED_CODE.test(blocks[last] ?? "");
  useEffect(() => {
    if (tailHasCode && !highlight) loadHighlighter();
  }, [tailHasCode]);
  return (
    <div className="markdown" data-testid="markdown">
      {blocks.map((block, index) =>
        streaming && index === last ? (
          <p key={index} className="md-streaming-tail">
            {block}
          </p>
        ) : (
          <div key={index} className="md-block">
            <MarkdownBlock owner={owner} text={block} />
          </div>
        ),
      )}
    </div>
  );
}
