import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tauri serves the built files from ui/dist and, in development, expects the dev server on a
// fixed port (tauri.conf.json's devUrl), so a taken port must fail instead of moving.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  build: {
    outDir: "dist",
    target: "safari15",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
    // Tests that type whole forms take seconds on a busy 2-core machine; 5 s was too tight.
    testTimeout: 20_000,
  },
});
