import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { getCurrentWindow } from "@tauri-apps/api/window";
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

/** Both windows load this page; the quick chat window gets its own small app. */
function windowLabel(): string {
  try {
    return getCurrentWindow().label;
  } catch {
    return "main"; // outside Tauri (a plain browser): the main app
  }
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
    {windowLabel() === QUICK_WINDOW ? (
      <Suspense fallback={null}>
        <QuickChatApp queryClient={queryClient} />
      </Suspense>
    ) : (
      <App queryClient={queryClient} />
    )}
  </StrictMode>,
);
