import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Markdown, markdownBlocks } from "./Markdown";

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
});
