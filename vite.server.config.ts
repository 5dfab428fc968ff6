import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The Node server as one ES module (npm run build:server -> dist/server/main.node.mjs), run with plain `node` by
// `npm start`: no TypeScript compiler loaded at run time, and one module instead of ~400 source files. Packages
// in node_modules stay external (imported from node_modules as usual). SERVER_ENTRY/SERVER_OUT_DIR let the
// event bench build its own entry (test/support/serverEntry.ts) the same way.
const entry = process.env.SERVER_ENTRY ?? "src/main.node.ts";
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  logLevel: "warn",
  build: {
    ssr: entry,
    outDir: process.env.SERVER_OUT_DIR ?? "dist/server",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: "[name].mjs", codeSplitting: false } },
  },
});
