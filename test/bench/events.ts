import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { startChildServer, type ChildServer } from "../support/childServer";
import { burstServerEnv, deliver, envelopes, startBurstPlatform, type BurstEvent, type BurstPlatform } from "../support/eventBurst";
import { captureOneEvent, replayOnce, seedOrg, statementRecorder, type Statement } from "./eventPath";

/**
 * npm run bench:events — the `/发起` event path from outside, against its ceiling, on PostgreSQL
 * (BENCH_DATABASE_URL, default the local test server; BENCH_PG=0 skips it) and PGlite:
 *  - the server (test/support/serverEntry.ts, webhook mode, the real SDK) against the sandbox platform, fed signed,
 *    encrypted events at fixed concurrency (BENCH_LEVELS, default 1,8,32,64) for BENCH_SECONDS (default 15) each,
 *    then open-loop at half the best sustained rate: acks/s and ack latency as the platform sees them; events
 *    handled/s, committed requests/s and ack -> reply queued from the rows' own times; peak RSS (VmHWM); the
 *    server's event loop delay and its V8 heap and external memory (its /metrics);
 *  - the ceiling: the statements one event's handling sent (recorded), replayed directly on the database at the
 *    same concurrency, each replay a request of its own.
 * Writes test/bench/RESULTS-events.md (the sections between the markers; the analysis around them is kept).
 */
/** BENCH_PREPARED=0: every statement parsed each time, in the server and in the ceiling's replays (src/db/preparedStatements.ts) */
const PREPARED = process.env.BENCH_PREPARED === "0" ? 0 : undefined;
const LEVELS = (process.env.BENCH_LEVELS ?? "1,8,32,64").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/**
 * The half-rate level's length, s (default BENCH_SECONDS): longer shows what a load that never pauses meets, e.g.
 * PGlite's vacuum round that runs anyway 5 minutes after the last one (src/db/pgliteVacuum.ts)
 */
const HALF_SECONDS = Number(process.env.BENCH_HALF_SECONDS ?? SECONDS);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const RESULTS = new URL("./RESULTS-events.md", import.meta.url);
/**
 * node flags for the server under test: those `npm start` gives node (package.json), then
 * BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (written when it stops)
 */
const SERVER_NODE_ARGS = [...startFlags(), ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean)];
function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).scripts.start;
  return start.split(/\s+/).filter((w) => w.startsWith("--"));
}
/**
 * The server under test runs as `npm start` runs it: test/support/serverEntry.ts bundled by vite.server.config.ts
 * and run with plain node (BENCH_TSX=1: through tsx instead, to compare).
 */
const BUNDLE = process.env.BENCH_TSX === "1" ? undefined : buildServerEntry();
function buildServerEntry(): string {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "--config", "vite.server.config.ts"], {
    cwd: root,
    env: { ...process.env, SERVER_ENTRY: "test/support/serverEntry.ts", SERVER_OUT_DIR: "dist/bench-server" },
    stdio: "inherit",
  });
  return join(root, "dist/bench-server/serverEntry.mjs");
}

interface Level {
  label: string;
  inFlight: string;
  acks: number;
  ackRate: number;
  committed: number;
  committedRate: number;
  handledRate: number;
  ack: Percentiles;
  toReply: Percentiles;
  peakRssMb: number;
  /** the server's event loop delay while the events were fired; its memory when they were all answered */
  loop: LoopAndMemory;
  errors: number;
  ceilingRate?: number | undefined;
  /** PostgreSQL: the same statements without the number counter's update (every request's one shared row) */
  noCounterRate?: number | undefined;
  /** CPU ms per committed request: server, PostgreSQL (every backend on the machine), bench client and platform */
  cpuPerEvent: CpuSample;
}

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

function percentiles(ms: number[]): Percentiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Linux: the process's peak resident set since the last reset (VmHWM), in MB; reset between levels. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}
function resetPeakRss(pid: number) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    /* not permitted: the peak stays the lifetime peak */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Linux: CPU time (user + system) a process has used, in ms (clock ticks of 10 ms); `reaped`: with that of its
 * children that have ended and been waited for.
 */
function cpuMsOf(pid: number | string, reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime (fields 14 and 15); cutime, cstime (16 and 17)
    return (Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) * 10;
  } catch {
    return 0; // gone meanwhile
  }
}

/**
 * CPU time of every PostgreSQL server process on this machine (the backends, the WAL writer, …), in ms. A backend
 * that ended during the window (a pool closed, an autovacuum worker done) is counted through the postmaster, which
 * waited for it: without that its time vanished from the sum, and the difference could come out negative.
 */
function postgresCpuMs(): number {
  let ms = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") ms += cpuMsOf(pid, true);
    } catch {
      /* gone meanwhile */
    }
  }
  return ms;
}

interface CpuSample {
  server: number;
  db: number;
  client: number;
}
function cpuSample(serverPid: number): CpuSample {
  const own = process.cpuUsage();
  return { server: cpuMsOf(serverPid), db: postgresCpuMs(), client: (own.user + own.system) / 1000 };
}
const cpuSince = (a: CpuSample, b: CpuSample): CpuSample => ({ server: b.server - a.server, db: b.db - a.db, client: b.client - a.client });

const metricsOf = (server: ChildServer) =>
  fetch(`${server.base}/metrics`, { headers: { authorization: "Bearer bench-metrics-token-0001" } })
    .then((r) => r.text())
    .catch(() => "");

/**
 * The server's event loop delay since the last scrape (prom-client's monitorEventLoopDelay, reset on every scrape
 * of /metrics), ms: how long a timer or a socket waited for the thread, p99 and the longest.
 */
async function loopDelay(server: ChildServer): Promise<LoopAndMemory> {
  const text = await metricsOf(server);
  const read = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, "m").exec(text)?.[1] ?? NaN);
  return {
    p99: read("nodejs_eventloop_lag_p99_seconds") * 1000,
    max: read("nodejs_eventloop_lag_max_seconds") * 1000,
    heapMb: read("nodejs_heap_size_total_bytes") / 2 ** 20,
    externalMb: read("nodejs_external_memory_bytes") / 2 ** 20,
  };
}
/**
 * ms; and, at the same moment, the V8 heap's size and the memory outside it (`external`: on PGlite mostly its
 * WebAssembly memory, which grows and never shrinks), MB
 */
interface LoopAndMemory {
  p99: number;
  max: number;
  heapMb: number;
  externalMb: number;
}

/** Waits until the server's inbox is empty (its /metrics gauge), at most two minutes. */
async function drained(server: ChildServer) {
  for (let i = 0; i < 240; i++) {
    const text = await metricsOf(server);
    const m = /^xietong_inbox_pending (\d+)/m.exec(text);
    if (m && Number(m[1]) === 0) return;
    await sleep(500);
  }
}

interface Fired {
  tag: string;
  inFlight: string;
  acks: number;
  ackMs: number[];
  errors: number;
  seconds: number;
  peakRssMb: number;
  /** the server's event loop delay while the events were fired; its memory when they were all answered */
  loop: LoopAndMemory;
  /** CPU used from the first event until the inbox was drained: the server, PostgreSQL, this bench (client and platform) */
  cpu: CpuSample;
}

/** Closed loop: `concurrency` lanes each sending the next event as soon as the last was answered. */
async function fireClosed(server: ChildServer, events: BurstEvent[], concurrency: number, tag: string): Promise<Fired> {
  const ackMs: number[] = [];
  let errors = 0;
  let next = 0;
  resetPeakRss(server.process.pid!);
  await loopDelay(server); // resets the server's histogram
  const cpu0 = cpuSample(server.process.pid!);
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until && next < events.length) {
        const e = events[next++]!;
        const t = performance.now();
        const status = await deliver(server.base, e.body);
        if (status === 200) ackMs.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const loop = await loopDelay(server);
  await drained(server);
  const cpu = cpuSince(cpu0, cpuSample(server.process.pid!));
  return { tag, inFlight: String(concurrency), acks: ackMs.length, ackMs, errors, seconds, peakRssMb: peakRss(server.process.pid!), loop, cpu };
}

/** Open loop: one event every 1/rate seconds whatever the answers, as the platform sends them. */
async function fireAtRate(server: ChildServer, events: BurstEvent[], rate: number, tag: string): Promise<Fired> {
  const ackMs: number[] = [];
  let errors = 0;
  resetPeakRss(server.process.pid!);
  await loopDelay(server); // resets the server's histogram
  const cpu0 = cpuSample(server.process.pid!);
  const t0 = performance.now();
  const total = Math.min(events.length, Math.round(rate * HALF_SECONDS));
  const sent: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = t0 + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const e = events[n]!;
    const t = performance.now();
    sent.push(
      deliver(server.base, e.body).then((status) => {
        if (status === 200) ackMs.push(performance.now() - t);
        else errors++;
      }),
    );
  }
  await Promise.all(sent);
  const seconds = (performance.now() - t0) / 1000;
  const loop = await loopDelay(server);
  await drained(server);
  const cpu = cpuSince(cpu0, cpuSample(server.process.pid!));
  return { tag, inFlight: `${rate.toFixed(0)}/s`, acks: ackMs.length, ackMs, errors, seconds, peakRssMb: peakRss(server.process.pid!), loop, cpu };
}

/** From the rows' own times: handled events, committed requests, ack -> reply queued. */
async function fromRows(db: Db, f: Fired): Promise<Level> {
  const events = await db.kysely
    .selectFrom("inboundEvents")
    .select(["eventId", "receivedAt", "handledAt", "lastError"])
    .where("eventId", "like", `ev_${f.tag}_%`)
    .execute();
  const handled = events.filter((e) => e.handledAt);
  const first = Math.min(...events.map((e) => new Date(e.receivedAt).getTime()));
  const last = Math.max(...handled.map((e) => new Date(e.handledAt!).getTime()));
  const span = Math.max(0.001, (last - first) / 1000);
  const committed = Number(
    (await db.kysely.selectFrom("requests").select((eb) => eb.fn.countAll<string>().as("n")).where("title", "like", `%${f.tag}第%`).executeTakeFirstOrThrow()).n,
  );
  return {
    label: f.tag,
    inFlight: f.inFlight,
    acks: f.acks,
    ackRate: f.acks / f.seconds,
    committed,
    committedRate: committed / span,
    handledRate: handled.length / span,
    ack: percentiles(f.ackMs),
    toReply: percentiles(handled.map((e) => new Date(e.handledAt!).getTime() - new Date(e.receivedAt).getTime())),
    peakRssMb: f.peakRssMb,
    loop: f.loop,
    cpuPerEvent: { server: f.cpu.server / Math.max(1, committed), db: f.cpu.db / Math.max(1, committed), client: f.cpu.client / Math.max(1, committed) },
    errors: f.errors + events.filter((e) => e.lastError).length + (f.acks - committed),
  };
}

/** The recorded statements replayed at `concurrency` for SECONDS: committed replays per second. */
/**
 * The statement with the shared counter's upsert (a CTE of the transaction's last statement) replaced by a value
 * from a sequence, which takes no row lock: the request is still numbered, uniquely, by the same statement.
 */
function withoutCounter(st: Statement): Statement {
  const counter = /insert into request_counters \(prefix, year, last_value\) values \((\$\d+), (\$\d+), 1\)[\s\S]*?returning last_value/;
  if (!counter.test(st.sql)) return st;
  return { ...st, sql: st.sql.replace(counter, (_m, prefix, year) => `select ${prefix}::text as prefix, ${year}::int as year, nextval('bench_no_counter') as last_value`) };
}

async function ceiling(db: Db, statements: Statement[], concurrency: number, offset: number): Promise<number> {
  let done = 0;
  const until = performance.now() + Math.min(SECONDS, 10) * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) await replayOnce(db, statements, offset + done++);
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

interface Run {
  kind: string;
  statements: Statement[];
  coldStatements: number;
  levels: Level[];
  idleRssMb: number;
  /** one replay of the statements alone, one at a time: ms */
  replayMs: number;
  /** each statement's mean time in those replays (as the driver measured it: sent, executed, answered) */
  statementMs: number[];
}

async function runOn(kind: "postgres" | "pglite", platform: BurstPlatform): Promise<Run> {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const dataDir = kind === "pglite" ? mkdtempSync(join(tmpdir(), "xietong-bench-")) : "";
  const open = (onQuery?: (s: string, p: readonly unknown[], ms: number) => void) =>
    kind === "postgres" ? createDb({ databaseUrl: PG_URL, schema, poolSize: 70, onQuery, preparedStatements: PREPARED }) : createDb({ dataDir, onQuery, preparedStatements: PREPARED });
  if (kind === "postgres") {
    const admin = await createDb({ databaseUrl: PG_URL, poolSize: 1 });
    await sql`create schema ${sql.id(schema)}`.execute(admin.kysely);
    await admin.close();
  }
  const rec = statementRecorder();
  // each statement's own time, in the replays one at a time (the statements in order, from BEGIN)
  const timing = { on: false, at: 0, ms: [] as number[], replays: 0 };
  const onQuery = (text: string, parameters: readonly unknown[], ms: number) => {
    rec.onQuery(text, parameters);
    if (!timing.on) return;
    if (/^\s*begin/i.test(text)) timing.at = 0;
    timing.ms[timing.at] = (timing.ms[timing.at] ?? 0) + ms;
    timing.at++;
  };
  let db = await open(onQuery);
  await migrateToLatest(db);
  await seedOrg(db);
  const coldStatements = (await captureOneEvent(db, rec, platform.sandbox, true)).length;
  const statements = await captureOneEvent(db, rec, platform.sandbox);
  console.log(`${kind}: one event's handling = ${statements.length} statements (first after an org change: ${coldStatements})`);

  const env = burstServerEnv(platform.base, {
    ...(kind === "postgres" ? { DATABASE_URL: PG_URL, TEST_SCHEMA: schema } : { DATA_DIR: dataDir }),
    METRICS_TOKEN: "bench-metrics-token-0001",
    LOG_LEVEL: "warn",
    // the product's own switch (src/config.ts)
    ...(PREPARED === 0 ? { DATABASE_PREPARED_STATEMENTS: "0" } : {}),
  });
  if (kind === "pglite") await db.close();
  const server = await startChildServer(env, BUNDLE, SERVER_NODE_ARGS);
  const fired: Fired[] = [];
  let idleRssMb = NaN;
  try {
    await sleep(1000);
    idleRssMb = peakRss(server.process.pid!);
    // warm up (JIT, pool, caches), not counted
    await fireClosed(server, envelopes(platform.sandbox, `${kind}预热`, 200), 8, `${kind}预热`);
    for (const c of LEVELS) {
      const tag = `${kind}并发${c}`;
      fired.push(await fireClosed(server, envelopes(platform.sandbox, tag, 20_000), c, tag));
      console.log(`${kind} c=${c}: ${fired.at(-1)!.acks} acks in ${fired.at(-1)!.seconds.toFixed(1)} s`);
    }
  } catch (err) {
    console.error(server.output());
    throw err;
  } finally {
    if (kind === "pglite") await server.stop("SIGTERM");
  }
  if (kind === "pglite") db = await open(onQuery);
  let levels = await Promise.all(fired.map((f) => fromRows(db, f)));
  const best = Math.max(...levels.map((l) => l.committedRate));
  // half the best sustained rate, open loop (PGlite: the server is started again on its data)
  const again = kind === "pglite" ? (await db.close(), await startChildServer(env, BUNDLE, SERVER_NODE_ARGS)) : server;
  try {
    if (again !== server) {
      // the restarted server is warmed up as the first one was (JIT, caches, its start-up catch-up), not counted
      await sleep(1000);
      await fireClosed(again, envelopes(platform.sandbox, `${kind}再预热`, 200), 8, `${kind}再预热`);
    }
    const tag = `${kind}半速`;
    fired.push(await fireAtRate(again, envelopes(platform.sandbox, tag, Math.max(20_000, Math.ceil((best / 2) * HALF_SECONDS))), best / 2, tag));
  } finally {
    await again.stop("SIGTERM");
  }
  if (kind === "pglite") db = await open(onQuery);
  levels = await Promise.all(fired.map((f) => fromRows(db, f)));
  // the ceiling at the same concurrency
  let offset = 0;
  for (const [i, c] of LEVELS.entries()) {
    levels[i]!.ceilingRate = await ceiling(db, statements, c, offset);
    offset += 1_000_000;
    // what the counter row costs at this concurrency: the same statements with the counter's update replaced by a
    // sequence (no row lock). PGlite runs one transaction at a time, so no row is ever waited for there.
    if (kind === "postgres") {
      await sql`create sequence if not exists bench_no_counter start 5000000`.execute(db.kysely);
      levels[i]!.noCounterRate = await ceiling(db, statements.map(withoutCounter), c, offset);
      offset += 1_000_000;
    }
  }
  // one at a time, each statement timed as the driver saw it
  const t0 = performance.now();
  timing.on = true;
  for (timing.replays = 0; timing.replays < 300; timing.replays++) await replayOnce(db, statements, offset + timing.replays);
  timing.on = false;
  const replayMs = (performance.now() - t0) / timing.replays;
  await db.close();
  if (kind === "postgres") {
    const admin = await createDb({ databaseUrl: PG_URL, poolSize: 1 });
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.kysely);
    await admin.close();
  } else rmSync(dataDir, { recursive: true, force: true });
  return { kind, statements, coldStatements, levels, idleRssMb, replayMs, statementMs: timing.ms.map((ms) => ms / timing.replays) };
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–");
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");

/**
 * The most requests a second this machine's cores could commit at this level's CPU cost per request (the server
 * with all its threads, PostgreSQL, and the bench's client and platform stand-in, which share the same cores here).
 * One server process runs its JavaScript, and PGlite, on one thread: that can bind it sooner (see the reading).
 */
function cpuBound(l: Level): number {
  // A PostgreSQL process that ended during the level takes its CPU time with it: the difference is then unknown.
  if (l.cpuPerEvent.db < 0) return NaN;
  const ms = l.cpuPerEvent.server + l.cpuPerEvent.db + l.cpuPerEvent.client;
  return ms > 0 ? (cpus().length * 1000) / ms : NaN;
}

function table(run: Run): string {
  const rows = run.levels.map(
    (l) =>
      `| ${l.inFlight} | ${f0(l.ackRate)} | ${f0(l.handledRate)} | ${f0(l.committedRate)} | ${l.ceilingRate ? f0(l.ceilingRate) : "–"} | ${l.ceilingRate ? (l.committedRate / l.ceilingRate).toFixed(2) : "–"} | ${l.noCounterRate ? f0(l.noCounterRate) : "–"} | ${f1(l.ack.p50)} / ${f1(l.ack.p95)} / ${f1(l.ack.p99)} | ${f0(l.toReply.p50)} / ${f0(l.toReply.p99)} | ${f0(l.loop.p99)} / ${f0(l.loop.max)} | ${f0(l.peakRssMb)} (${f0(l.loop.heapMb)} / ${f0(l.loop.externalMb)}) | ${f1(l.cpuPerEvent.server)} / ${run.kind === "postgres" && l.cpuPerEvent.db >= 0 ? f1(l.cpuPerEvent.db) : "–"} / ${f1(l.cpuPerEvent.client)} | ${f0(cpuBound(l))} | ${l.errors} |`,
  );
  return [
    `### ${run.kind === "postgres" ? "PostgreSQL" : "PGlite"}`,
    "",
    `One event's handling (steady state): ${run.statements.length} statements including BEGIN and COMMIT (the first after an org change, reloading the copy: ${run.coldStatements}); the ack: 1 insert. RSS after start, idle: ${f0(run.idleRssMb)} MB.`,
    "",
    "| in flight | acks/s | handled/s | committed req/s | ceiling (same SQL) /s | ratio | same SQL without the counter row /s | ack p50 / p95 / p99 ms | ack -> reply queued p50 / p99 ms | server event loop delay p99 / max ms | peak RSS MB (V8 heap / external at the end) | CPU ms per request: server / PostgreSQL / bench | CPU bound /s | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `The same statements replayed alone, one request at a time: ${f1(run.replayMs)} ms per request, of which the statements themselves (as the driver timed them) ${f1(run.statementMs.reduce((a, b) => a + b, 0))} ms; each statement's time is beside it below.`,
    "",
    "<details><summary>the statements of one event's handling, each with its mean time replayed one at a time</summary>",
    "",
    "```sql",
    ...run.statements.map((s, i) => `-- ${i + 1} (${(run.statementMs[i] ?? NaN).toFixed(2)} ms)\n${s.sql.replace(/\s+/g, " ")};`),
    "```",
    "</details>",
    "",
  ].join("\n");
}

const loadAtStart = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
const platform = await startBurstPlatform();
const runs: Run[] = [];
try {
  if (process.env.BENCH_PG !== "0") runs.push(await runOn("postgres", platform));
  if (process.env.BENCH_PGLITE !== "0") runs.push(await runOn("pglite", platform));
} finally {
  await platform.close();
}
let doc = "";
try {
  doc = readFileSync(RESULTS, "utf8");
} catch {
  doc = "# Event path bench (npm run bench:events)\n";
}
const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
let measured = "";
for (const run of runs) {
  // each database's section is replaced by its own newest run; the analysis around them is kept
  const block = [
    `<!-- measured:${run.kind}:start -->`,
    `Run ${new Date().toISOString()}, ${SECONDS} s per level${HALF_SECONDS !== SECONDS ? ` (the half rate: ${HALF_SECONDS} s)` : ""}, Node ${process.version}, on a ${cpus().length}-core machine, load average ${loadAtStart} at the start and ${load} at the end (the bench itself, its server and the database share those cores; on a shared machine absolute rates drift, the ratios are the figures to read).`,
    "",
    table(run),
    `<!-- measured:${run.kind}:end -->`,
  ].join("\n");
  const marked = new RegExp(`<!-- measured:${run.kind}:start -->[\\s\\S]*<!-- measured:${run.kind}:end -->`);
  doc = marked.test(doc) ? doc.replace(marked, () => block) : `${doc}\n${block}\n`;
  measured += block + "\n";
}
writeFileSync(RESULTS, doc);
console.log(measured);
process.exit(0);
