import { describe, expect, it } from "vitest";
import { markPlatform, platformOf } from "./platform";

describe("platformOf", () => {
  it("names the desktop from each web view's user agent", () => {
    expect(
      platformOf(
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
      ),
    ).toBe("linux");
    expect(
      platformOf(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
      ),
    ).toBe("macos");
    expect(
      platformOf(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).toBe("windows");
    expect(platformOf("Mozilla/5.0 (jsdom)")).toBe("other");
  });

  it("marks the root element for the stylesheets", () => {
    const root = document.createElement("html");
    markPlatform(root);
    expect(root.dataset.platform).toBe(platformOf(navigator.userAgent));
    expect(root.dataset.paint).toBe("default");
  });

  it("marks software painting only when the app's start script says so", () => {
    const root = document.createElement("html");
    markPlatform(root, "software");
    expect(root.dataset.paint).toBe("software");
    markPlatform(root, "something else");
    expect(root.dataset.paint).toBe("default");
  });
});
