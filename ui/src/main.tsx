import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createQueryClient } from "./lib/ipc";
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

// Before the first render, so the window never flashes the wrong theme (the CSP forbids an
// inline script in index.html for this).
applyTheme(readThemePreference());

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <App queryClient={createQueryClient()} />
  </StrictMode>,
);
