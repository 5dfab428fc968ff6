import * as pgliteModule from "@electric-sql/pglite";
import { PGlite } from "@electric-sql/pglite";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CompiledQuery } from "kysely";
import { createWireExecutor } from "../../src/db/pgliteWire";

/**
 * npm run bench:wire — one statement on PGlite (a data folder, as `npm start` uses it): through PGlite's own
 * query() and through src/db/pgliteWire.ts (the whole statement in one call), alternating in rounds so that
 * both see the same machine. Writes test/bench/RESULTS-pglite-wire.md.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 2000);

const dir = mkdtempSync(join(tmpdir(), "xietong-wire-"));
const pg = new PGlite(dir);
await pg.waitReady;
await pg.exec("create table t (id serial primary key, title text not null, n int not null, at timestamptz not null, doc jsonb)");
await pg.exec("insert into t (title, n, at, doc) select 'seed ' || i, i, now(), '{}' from generate_series(1, 1000) i");
const wire = createWireExecutor(pg, pgliteModule);

type Run = (text: string, params: unknown[]) => Promise<unknown>;
const viaQuery: Run = (text, params) => pg.query(text, params);
const viaWire: Run = (text, params) => wire(CompiledQuery.raw(text, params));

const cases: Array<{ name: string; once: (run: Run, i: number) => Promise<unknown> }> = [
  { name: "select 1", once: (run) => run("select 1", []) },
  { name: "select a row by primary key", once: (run, i) => run("select * from t where id = $1", [1 + (i % 1000)]) },
  { name: "insert a row (4 parameters)", once: (run, i) => run("insert into t (title, n, at, doc) values ($1, $2, $3, $4)", [`第${i}件`, i, new Date(), JSON.stringify({ i })]) },
  { name: "update a row by primary key", once: (run, i) => run("update t set n = n + 1 where id = $1", [1 + (i % 1000)]) },
  {
    name: "BEGIN, insert, COMMIT",
    once: async (run, i) => {
      await run("begin", []);
      await run("insert into t (title, n, at, doc) values ($1, $2, $3, $4)", [`第${i}件`, i, new Date(), null]);
      await run("commit", []);
    },
  },
];

async function msPer(run: Run, once: (run: Run, i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await once(run, i);
  return (performance.now() - t0) / PER_ROUND;
}

const rows: string[] = [];
for (const c of cases) {
  for (let i = 0; i < 200; i++) {
    await c.once(viaQuery, i);
    await c.once(viaWire, i);
  }
  const q: number[] = [];
  const w: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    q.push(await msPer(viaQuery, c.once));
    w.push(await msPer(viaWire, c.once));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  rows.push(`| ${c.name} | ${median(q).toFixed(3)} | ${median(w).toFixed(3)} | ${(median(q) / median(w)).toFixed(1)}× |`);
  console.log(rows.at(-1));
}
await pg.close();
rmSync(dir, { recursive: true, force: true });

const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
const version = JSON.parse(readFileSync(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")).version;
writeFileSync(
  new URL("./RESULTS-pglite-wire.md", import.meta.url),
  [
    "# One statement on PGlite: its query() against one call (npm run bench:wire)",
    "",
    `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, load average ${load} at the end; PGlite ${version} on a data folder. Each figure is the median of ${ROUNDS} rounds of ${PER_ROUND} statements, the two ways alternating round by round.`,
    "",
    "| statement | PGlite query() ms | one call (src/db/pgliteWire.ts) ms | faster |",
    "|---|---|---|---|",
    ...rows,
    "",
    "PGlite's query() sends Parse, then asks for the parameters' types (Describe of the statement, and a Sync), then",
    "Bind, Describe of the portal, Execute and Sync: six calls into the WebAssembly module, each awaited. The one-call",
    "way sends the same messages together, values as text with their types left to PostgreSQL (as node-postgres does",
    "against a server), and reads the rows with PGlite's own parsers.",
    "",
  ].join("\n"),
);
