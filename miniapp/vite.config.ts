import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The mini-app: built to dist/miniapp and served by the server at /app/.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/app/",
  // The ECharts chunk (~540 kB, 185 kB gzipped) is loaded only by the 晾晒 page (dynamic import in EChart.tsx).
  build: { outDir: fileURLToPath(new URL("../dist/miniapp", import.meta.url)), emptyOutDir: true, target: "es2020", chunkSizeWarningLimit: 600 },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
});
