import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { authStatusQuery } from "./features/auth/api";
import { QUICK_WINDOW } from "./features/desktop/api";
import { createQueryClient } from "./lib/ipc";
import { markPlatform } from "./lib/platform";
import { applyTheme, readThemePreference } from "./lib/theme/theme";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/components.css";
import "./styles/layout.css";
import "./styles/tasks.css";
import "./styles/providers.css";
import "./styles/markdown.css";
import "./styles/chat.css";
import "./styles/agents.css";
import "./styles/mcp.css";
import "./styles/data.css";
import "./styles/desktop.css";

// Before the first render, so the window never flashes the wrong theme (the CSP forbids an
// inline script in index.html for this).
applyTheme(readThemePreference());
markPlatform();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

/**
 * Both windows load this page; the quick chat window's address says it is the quick chat
 * (`?window=quick`, src-tauri/src/desktop.rs). Read from the address rather than from Tauri's
 * window API, whose module (13 kB) the sign-in screen would otherwise parse for this one call.
 */
function isQuickChatWindow(): boolean {
  return new URLSearchParams(window.location.search).get("window") === QUICK_WINDOW;
}

// Each window loads only its own app: the quick chat's page never loads the main app's code.
const QuickChatApp = lazy(() =>
  import("./features/desktop/QuickChatApp").then((module) => ({ default: module.QuickChatApp })),
);

const queryClient = createQueryClient();
// Asked before React's first render: the answer is usually in by the time the boot gate renders,
// so the first frame is the sign-in screen rather than a spinner and another frame after it.
void queryClient.prefetchQuery(authStatusQuery);
createRoot(root).render(
  <StrictMode>
    {isQuickChatWindow() ? (
      <Suspense fallback={null}>
        <QuickChatApp queryClient={queryClient} />
      </Suspense>
    ) : (
      <App queryClient={queryClient} />
    )}
  </StrictMode>,
);
