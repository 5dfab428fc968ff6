import * as pgliteModule from "@electric-sql/pglite";
import { PGlite } from "@electric-sql/pglite";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CompiledQuery } from "kysely";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { createWireExecutor } from "../../src/db/pgliteWire";
import { startBurstPlatform } from "../support/eventBurst";
import { captureOneEvent, replayOnce, seedOrg, statementRecorder } from "./eventPath";

/**
 * npm run bench:wire — one statement on PGlite (a data folder, as `npm start` uses it): through PGlite's own
 * query() and through src/db/pgliteWire.ts (the whole statement in one call), parsed each time and kept prepared,
 * alternating in rounds so that all see the same machine; and one chat event's handling through the product's handle,
 * parsed each time and kept prepared. Writes test/bench/RESULTS-pglite-wire.md.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 2000);

const dir = mkdtempSync(join(tmpdir(), "xietong-wire-"));
const pg = new PGlite(dir);
await pg.waitReady;
await pg.exec("create table t (id serial primary key, title text not null, n int not null, at timestamptz not null, doc jsonb)");
await pg.exec("insert into t (title, n, at, doc) select 'seed ' || i, i, now(), '{}' from generate_series(1, 1000) i");
const wireParsed = createWireExecutor(pg, pgliteModule, { prepared: 0 });
const wire = createWireExecutor(pg, pgliteModule);

type Run = (text: string, params: unknown[]) => Promise<unknown>;
const viaQuery: Run = (text, params) => pg.query(text, params);
const viaParsed: Run = (text, params) => wireParsed(CompiledQuery.raw(text, params));
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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const c of cases) {
  for (let i = 0; i < 200; i++) {
    await c.once(viaQuery, i);
    await c.once(viaParsed, i);
    await c.once(viaWire, i);
  }
  const q: number[] = [];
  const p: number[] = [];
  const w: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    q.push(await msPer(viaQuery, c.once));
    p.push(await msPer(viaParsed, c.once));
    w.push(await msPer(viaWire, c.once));
  }
  rows.push(`| ${c.name} | ${median(q).toFixed(3)} | ${median(p).toFixed(3)} | ${median(w).toFixed(3)} | ${(median(q) / median(w)).toFixed(1)}× |`);
  console.log(rows.at(-1));
}
await pg.close();
rmSync(dir, { recursive: true, force: true });

// One `/发起`'s handling as bench:events records it, replayed through the product's handle (src/db/client.ts) on
// two data folders: each statement parsed every time, and kept prepared (the product's way).
const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 300);
const platform = await startBurstPlatform();
const handles: Record<"parsed" | "prepared", { db: Db; dir: string }> = {} as never;
for (const way of ["parsed", "prepared"] as const) {
  const folder = mkdtempSync(join(tmpdir(), `xietong-wire-${way}-`));
  const db = await createDb({ dataDir: folder, autovacuumMs: 0, preparedStatements: way === "parsed" ? 0 : undefined });
  await migrateToLatest(db);
  await seedOrg(db);
  handles[way] = { db, dir: folder };
}
const recorder = statementRecorder();
const probe = await createDb({ dataDir: mkdtempSync(join(tmpdir(), "xietong-wire-probe-")), autovacuumMs: 0, onQuery: recorder.onQuery });
await migrateToLatest(probe);
await seedOrg(probe);
const statements = await captureOneEvent(probe, recorder, platform.sandbox);
await probe.close();
await platform.close();
let unique = 0;
const replayMs = async (db: Db, n: number) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await replayOnce(db, statements, ++unique);
  return (performance.now() - t0) / n;
};
for (const way of ["parsed", "prepared"] as const) await replayMs(handles[way].db, 50);
const parsed: number[] = [];
const kept: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  parsed.push(await replayMs(handles.parsed.db, REPLAYS));
  kept.push(await replayMs(handles.prepared.db, REPLAYS));
}
const eventRow = `| one \`/发起\`'s handling (${statements.length} statements, BEGIN to COMMIT) | ${median(parsed).toFixed(3)} | ${median(kept).toFixed(3)} | ${(median(parsed) / median(kept)).toFixed(2)}× |`;
console.log(eventRow);
for (const way of ["parsed", "prepared"] as const) {
  await handles[way].db.close();
  rmSync(handles[way].dir, { recursive: true, force: true });
}

const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
const version = JSON.parse(readFileSync(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")).version;
writeFileSync(
  new URL("./RESULTS-pglite-wire.md", import.meta.url),
  [
    "# One statement on PGlite: its query() against one call, parsed each time or kept prepared (npm run bench:wire)",
    "",
    `Run ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, load average ${load} at the end; PGlite ${version} on a data folder. Each figure is the median of ${ROUNDS} rounds of ${PER_ROUND} statements, the three ways alternating round by round.`,
    "",
    "| statement | PGlite query() ms | one call, parsed each time ms | one call, kept prepared (src/db/pgliteWire.ts) ms | faster than query() |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `The statements of one chat event's handling (recorded as npm run bench:events records them, replayed ${REPLAYS} times a round with fresh keys, ${ROUNDS} rounds alternating), through the product's handle, each parsed every time against kept prepared:`,
    "",
    "| work | parsed each time ms | kept prepared (the product) ms | faster |",
    "|---|---|---|---|",
    eventRow,
    "",
    "PGlite's query() sends Parse, then asks for the parameters' types (Describe of the statement, and a Sync), then",
    "Bind, Describe of the portal, Execute and Sync: six calls into the WebAssembly module, each awaited. The one-call",
    "way sends the same messages together, values as text with their types left to PostgreSQL (as node-postgres does",
    "against a server), and reads the rows with PGlite's own parsers. Kept prepared, a statement seen before is only bound\nand executed: PostgreSQL keeps its parse tree and, after five runs, a generic plan when it costs no more.",
    "",
  ].join("\n"),
);
