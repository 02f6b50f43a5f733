import { render, screen, waitFor } from "@testing-library/react";
import type * as ReactMarkdownModule from "react-markdown";
import type * as RehypeHighlightModule from "rehype-highlight";
import { describe, expect, it, vi } from "vitest";
import { Markdown, markdownBlocks } from "./Markdown";

// Counts how often Markdown is parsed (react-markdown's component, called once per parse).
const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock("react-markdown", async (importOriginal) => {
  const actual = await importOriginal<typeof ReactMarkdownModule>();
  return {
    ...actual,
    default: (options: Parameters<typeof actual.default>[0]) => {
      parses.count += 1;
      return actual.default(options);
    },
  };
});

// Counts how often highlight.js (through rehype-highlight) is loaded, and how often a copy of
// Markdown's module sets it up once loaded.
const highlighterLoads = vi.hoisted(() => ({ count: 0, setUps: 0 }));
vi.mock("rehype-highlight", async (importOriginal) => {
  highlighterLoads.count += 1;
  const actual = await importOriginal<typeof RehypeHighlightModule>();
  return {
    ...actual,
    default: (...options: Parameters<typeof actual.default>) => {
      highlighterLoads.setUps += 1;
      return actual.default(...options);
    },
  };
});

describe("Markdown", () => {
  it("renders a burst of blocks, each as Markdown once parsed in the background", async () => {
    const blocks = Array.from({ length: 80 }, (_, n) => `Paragraph **${n}** with *emphasis*.`);
    const content = blocks.join("\n\n");
    expect(markdownBlocks(content)).toHaveLength(80);

    const { container } = render(<Markdown content={content} />);
    // Nothing is missing while blocks wait for their Markdown: their text is there (plain).
    expect(screen.getByTestId("markdown")).toHaveTextContent(/Paragraph \**79/);

    await waitFor(() => expect(container.querySelectorAll(".md-pending")).toHaveLength(0));
    expect(container.querySelectorAll("strong")).toHaveLength(80);
    expect(screen.getByTestId("markdown")).toHaveTextContent("Paragraph 79 with emphasis.");
  });

  it("keeps raw HTML inert while a block waits and after it is parsed", async () => {
    const { container } = render(<Markdown content={'<img src=x onerror="alert(1)">\n\nafter'} />);
    expect(container.querySelector("img")).toBeNull();
    await waitFor(() => expect(container.querySelectorAll(".md-pending")).toHaveLength(0));
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByTestId("markdown")).toHaveTextContent('<img src=x onerror="alert(1)">');
  });

  it("parses an answer's blocks once, even when it leaves the view and comes back", async () => {
    const content = "A **bold** start.\n\nThen `code`.";
    const before = parses.count;
    const first = render(<Markdown content={content} owner="answer-1" />);
    await waitFor(() => expect(first.container.querySelectorAll(".md-pending")).toHaveLength(0));
    expect(parses.count - before).toBe(2);
    first.unmount();

    // Scrolled back into the transcript: shown parsed, without parsing again.
    const again = render(<Markdown content={content} owner="answer-1" />);
    await waitFor(() => expect(again.container.querySelector("strong")).toHaveTextContent("bold"));
    expect(again.container.querySelector("code")).toHaveTextContent("code");
    expect(parses.count - before).toBe(2);
    again.unmount();

    // Another answer with the same text does its own work.
    const other = render(<Markdown content={content} owner="answer-2" />);
    await waitFor(() => expect(other.container.querySelector("strong")).toHaveTextContent("bold"));
    expect(parses.count - before).toBe(4);
  });

  it("loads highlight.js only for code that names its language, then draws that code again", async () => {
    // The tests above had no fenced code; a fence without a language is not highlighted either.
    const plain = render(<Markdown content={"Text.\n\n```\nno language\n```"} owner="plain" />);
    await waitFor(() => expect(plain.container.querySelectorAll(".md-pending")).toHaveLength(0));
    expect(plain.container.querySelector("pre")).toHaveTextContent("no language");
    expect(highlighterLoads.count).toBe(0);

    const named = render(
      <Markdown content={"Code:\n\n```js\nconst answer = 42;\n```"} owner="js" />,
    );
    // The code is on screen (plain until highlight.js is in), then highlighted once it has loaded.
    await waitFor(() =>
      expect(named.container.querySelector("pre")).toHaveTextContent("const answer = 42;"),
    );
    await waitFor(() =>
      expect(named.container.querySelector(".hljs-keyword")).toHaveTextContent("const"),
    );
    expect(highlighterLoads.count).toBe(1);
    expect(named.container.querySelector("pre")).toHaveTextContent("const answer = 42;");
  });

  it("starts loading highlight.js when named code begins to stream, before its block is done", async () => {
    // A fresh copy of Markdown's module: the one above has set highlight.js up already.
    vi.resetModules();
    const fresh = await import("./Markdown");
    const setUpsBefore = highlighterLoads.setUps;
    // Only the growing block (shown as plain text, never parsed) has the code in it.
    const streaming = render(
      <fresh.Markdown content={"Code:\n\n```py\nprint(1)"} streaming owner="tail" />,
    );
    expect(streaming.container.querySelector(".md-streaming-tail")).toHaveTextContent("print(1)");
    await waitFor(() => expect(highlighterLoads.setUps).toBe(setUpsBefore + 1));
  });
});
