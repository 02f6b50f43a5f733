// Built with the UI's own Vite and React (scripts/bench-app.sh links ui/node_modules here).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", target: "safari15" },
});
