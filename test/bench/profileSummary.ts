import { readFileSync } from "node:fs";

/**
 * Where a server's CPU went, from a V8 CPU profile (`node --cpu-prof`, e.g. the server under `npm run bench:events`
 * with BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof"): self time grouped by what runs it —
 * PGlite's WebAssembly (PostgreSQL itself, when embedded), each npm package, Node's internals, our own code, the
 * garbage collector, idle — and the functions that take the most.
 * Run: `npx tsx test/bench/profileSummary.ts <file.cpuprofile> [top]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function category(n: ProfileNode): string {
  const { functionName: name, url } = n.callFrame;
  if (name === "(idle)") return "idle";
  if (name === "(garbage collector)") return "garbage collector";
  if (name === "(program)") return "V8 and native (program)";
  if (url.startsWith("wasm://") || /^\$?wasm-function/.test(name) || (url === "" && /^\$/.test(name))) return "PGlite WebAssembly (PostgreSQL)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return `package ${pkg}`;
  if (url.startsWith("node:") || (url === "" && name !== "")) return "Node internals and builtins";
  if (url.includes("/dist/") || url.includes("/src/") || url.includes("/bot/")) return "xietong (our code)";
  return "other";
}

const file = process.argv[2];
const top = Number(process.argv[3] ?? 15);
if (!file) {
  console.error("usage: npx tsx test/bench/profileSummary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const busy = total - [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === "(idle)").reduce((a, [, us]) => a + us, 0);

const cats = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  cats.set(category(n), (cats.get(category(n)) ?? 0) + us);
  const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(dist|src|bot)\//, "$1/")}:${n.callFrame.lineNumber + 1}` : "";
  const key = `${n.callFrame.functionName || "(anonymous)"} ${where}`.trim();
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)} %`;
console.log(`profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (not idle)\n`);
console.log("| where the busy time went (self time) | share of busy |\n|---|---:|");
for (const [c, us] of [...cats].filter(([c]) => c !== "idle").sort((a, b) => b[1] - a[1])) console.log(`| ${c} | ${pct(us, busy)} |`);
console.log(`\n| top ${top} functions (self time) | share of busy |\n|---|---:|`);
for (const [f, us] of [...fns].filter(([f]) => !f.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| \`${f.replace(/\|/g, "\\|")}\` | ${pct(us, busy)} |`);
