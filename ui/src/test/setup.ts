import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

// The app's pages are lazy chunks that Vitest transforms on first use: on a busy machine the
// first render of the signed-in frame can take longer than Testing Library's 1 s default.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  clearMocks();
  window.localStorage.clear();
  delete document.documentElement.dataset.theme;
});
