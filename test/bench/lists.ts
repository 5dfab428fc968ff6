import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Hono } from "hono";
import { sql } from "kysely";
import type { Deps } from "../../src/commands/context";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { createApp } from "../../src/http/app";
import type { AppEnv } from "../../src/http/env";
import { BULK_CATEGORIES, readBulkSeed, seedBulk, type BulkSeed } from "../support/bulkSeed";

/**
 * Times the lists people page through, through the real app (`app.request`: routing, session, policies, queries,
 * JSON), on 100,000 requests seeded by test/support/bulkSeed.ts — on PostgreSQL (BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test, in a scratch schema) and on embedded PGlite in
 * memory. For each list: the first page and a deep page (the 20th, reached by following `next` as the mini-app does),
 * page size 20 as in the mini-app; median and p95 over BENCH_RUNS runs (default 30) after 3 warm-up runs.
 * Writes test/bench/RESULTS-lists.md. test/integration/largeLists.test.ts checks the same lists for correctness.
 */
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const PAGE = 20;
const DEEP = 20;
/** the clock of the seeded data and of the app: Monday 10:00 in Shanghai */
const NOW = new Date("2026-11-23T10:00:00+08:00");

interface Row {
  list: string;
  query: string;
  page: string;
  items: number;
  median: number;
  p95: number;
}
interface Section {
  title: string;
  seeded?: string;
  rows: Row[];
  note?: string;
}

type App = ReturnType<typeof createApp>;

async function signIn(app: App, openId: string): Promise<string> {
  const res = await app.request("/api/auth/code", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: openId }) });
  if (res.status !== 200) throw new Error(`sign-in of ${openId} answered ${res.status}: ${await res.text()}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

async function fetchJson(app: App, cookie: string, path: string): Promise<any> {
  const res = await app.request(path, { headers: { cookie } });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const withPaging = (path: string, cursor?: string | null) =>
  `${path}${path.includes("?") ? "&" : "?"}limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;

/** Median and p95 of RUNS timed requests (each: the app's answer and its JSON parsed). */
async function time(app: App, cookie: string, path: string): Promise<{ median: number; p95: number; items: number }> {
  let items = 0;
  for (let i = 0; i < WARMUP; i++) await fetchJson(app, cookie, path);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const body = await fetchJson(app, cookie, path);
    ms.push(performance.now() - t0);
    items = Array.isArray(body.items) ? body.items.length : Array.isArray(body.cells) ? body.cells.length : 0;
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!;
  return { median: (ms[Math.floor((ms.length - 1) / 2)]! + ms[Math.ceil((ms.length - 1) / 2)]!) / 2, p95: at(0.95), items };
}

/** The cursor of page DEEP (or of the last page, when the list is shorter), following `next` from page 1. */
async function deepCursor(app: App, cookie: string, path: string): Promise<{ page: number; cursor: string | null }> {
  let cursor: string | null = null;
  let page = 1;
  while (page < DEEP) {
    const body: { next: string | null } = await fetchJson(app, cookie, withPaging(path, cursor));
    if (!body.next) break;
    cursor = body.next;
    page++;
  }
  return { page, cursor };
}

async function benchOn(db: Db, title: string): Promise<Section> {
  const reuse = await sql<{ n: number }>`select count(*)::int as n from departments`.execute(db.kysely).then((r) => r.rows[0]!.n > 0).catch(() => false);
  await migrateToLatest(db);
  // BENCH_SCHEMA naming a schema already seeded (e.g. kept by `BENCH_KEEP=1 npm run bench:dashboard`, 1,000,000
  // requests over a year) reuses its data instead of seeding again.
  const seeded: BulkSeed = reuse
    ? await (async () => {
        const c = await sql<{ r: number; t: number }>`select (select count(*) from requests)::int as r, (select count(*) from tasks)::int as t`.execute(db.kysely);
        return { now: NOW, ...(await readBulkSeed(db, {})), requests: c.rows[0]!.r, tasks: c.rows[0]!.t, ms: 0 };
      })()
    : await seedBulk(db, { requests: REQUESTS, now: NOW });
  const deps: Deps = { db, config: loadConfig({ LOG_LEVEL: "warn" }), now: () => new Date(NOW) };
  const app = createApp(deps, { routes: new Hono<AppEnv>(), signIn: { exchange: async (code) => ({ openId: code }) } });
  const busy = seeded.departments[0]!;
  const plain = seeded.departments[4]!;
  const [busyHead, plainHead, member, supervisor] = [
    await signIn(app, busy.head.openId),
    await signIn(app, plain.head.openId),
    await signIn(app, plain.busyMember.openId),
    await signIn(app, seeded.supervisor.openId),
  ];
  const sampleNumber = (await db.kysely
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .select("requests.number")
    .where("tasks.departmentId", "=", busy.id)
    .where("tasks.state", "=", "in_progress")
    .orderBy("tasks.id")
    .limit(1)
    .executeTakeFirstOrThrow()).number;
  const counts = await sql<{ open: string }>`
    select count(*) as open from tasks where department_id = ${busy.id} and state in ('pending_approval','pending_accept','in_progress','awaiting_info')`.execute(db.kysely);
  const from = seeded.departments[7]!;
  const cell = await db.kysely
    .selectFrom("tasks")
    .innerJoin("requests", "requests.id", "tasks.requestId")
    .innerJoin("departments", "departments.id", "requests.fromDepartmentId")
    .select(["departments.code", (eb) => eb.fn.countAll<string>().as("n")])
    .where("tasks.departmentId", "=", busy.id)
    .where("tasks.state", "in", ["pending_approval", "pending_accept", "in_progress", "awaiting_info"])
    .groupBy("departments.code")
    .orderBy("n", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();

  const paged: Array<[string, string, string, string]> = [
    // [list, what the query asks, who, path]
    ["部门收件 inbox", `busiest agency (${Number(counts.rows[0]!.open).toLocaleString("en")} open tasks)`, busyHead, "/api/inbox"],
    ["部门收件 inbox", "ordinary agency", plainHead, "/api/inbox"],
    ["部门收件 inbox", "state=completed (closed)", busyHead, "/api/inbox?state=completed"],
    ["部门收件 inbox", "state=pending_accept,in_progress", busyHead, "/api/inbox?state=pending_accept,in_progress"],
    ["部门收件 inbox", "due=overdue", busyHead, "/api/inbox?due=overdue"],
    ["部门收件 inbox", "due=soon", busyHead, "/api/inbox?due=soon"],
    ["部门收件 inbox", `category=${BULK_CATEGORIES[0]}`, busyHead, `/api/inbox?category=${encodeURIComponent(BULK_CATEGORIES[0])}`],
    ["部门收件 inbox", "from=<one requesting agency>", busyHead, `/api/inbox?from=${from.code}`],
    ["部门收件 inbox", "q=<request number>", busyHead, `/api/inbox?q=${sampleNumber}`],
    ["部门收件 inbox", "q=营业执照 (text)", busyHead, `/api/inbox?q=${encodeURIComponent("营业执照")}`],
    ["部门发件 outbox", "ordinary agency", plainHead, "/api/outbox"],
    ["我发起的 mine", "a busy requester", member, "/api/mine"],
    ["晾晒格子 board/cell", `largest cell into the busiest agency (${Number(cell.n)} open)`, supervisor, `/api/board/cell?from=${cell.code}&to=${busy.code}`],
  ];
  const rows: Row[] = [];
  for (const [list, query, who, path] of paged) {
    const first = await time(app, who, withPaging(path));
    rows.push({ list, query, page: "1", items: first.items, median: first.median, p95: first.p95 });
    const deep = await deepCursor(app, who, path);
    if (deep.page > 1) {
      const t = await time(app, who, withPaging(path, deep.cursor));
      rows.push({ list, query, page: deep.page === DEEP ? String(DEEP) : `${deep.page} (last)`, items: t.items, median: t.median, p95: t.p95 });
    }
    console.log(`  ${list} ${query}: page 1 ${first.median.toFixed(1)} ms${deep.page > 1 ? `, page ${deep.page} ${rows.at(-1)!.median.toFixed(1)} ms` : ""}`);
  }
  for (const [query, who] of [
    ["supervisor: every pair", supervisor],
    ["a head: pairs touching the agency", plainHead],
  ] as const) {
    const t = await time(app, who, "/api/board");
    rows.push({ list: "晾晒 board", query, page: "—", items: t.items, median: t.median, p95: t.p95 });
    console.log(`  晾晒 board ${query}: ${t.median.toFixed(1)} ms`);
  }
  return {
    title,
    seeded: reuse
      ? `Reused a kept schema of ${seeded.requests.toLocaleString("en")} requests / ${seeded.tasks.toLocaleString("en")} tasks (seeded over 365 days by the dashboard bench).`
      : `Seeded ${REQUESTS.toLocaleString("en")} requests / ${seeded.tasks.toLocaleString("en")} tasks in ${(seeded.ms / 1000).toFixed(1)} s.`,
    rows,
  };
}

async function onPostgres(): Promise<Section> {
  const schema = process.env.BENCH_SCHEMA ?? `bench_${randomBytes(4).toString("hex")}`;
  const keep = process.env.BENCH_KEEP === "1" || process.env.BENCH_SCHEMA !== undefined;
  let admin: Db;
  try {
    admin = await createDb({ databaseUrl: url, poolSize: 1 });
  } catch (err) {
    return { title: "PostgreSQL", rows: [], note: `Skipped: ${(err as Error).message}` };
  }
  const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(admin.kysely)).rows[0]!.v;
  await admin.kysely.schema.createSchema(schema).ifNotExists().execute();
  const db = await createDb({ databaseUrl: url, schema, poolSize: 10 });
  try {
    console.log(`PostgreSQL ${version}, schema ${schema}`);
    return await benchOn(db, `PostgreSQL ${version} (pool of 10, scratch schema)`);
  } finally {
    await db.close();
    if (!keep) await admin.kysely.schema.dropSchema(schema).cascade().execute();
    await admin.close();
  }
}

async function onPglite(): Promise<Section> {
  const pkg = JSON.parse(readFileSync(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")) as { version: string };
  const db = await createDb({ dataDir: "memory://" });
  try {
    console.log(`PGlite ${pkg.version}, in memory`);
    return await benchOn(db, `PGlite ${pkg.version} (embedded, in memory)`);
  } finally {
    await db.close();
  }
}

function table(s: Section): string[] {
  const out = [`## ${s.title}`, ""];
  if (s.note) return [...out, s.note, ""];
  out.push(s.seeded ?? "", "", "| list | query | page | items | median ms | p95 ms |", "|---|---|---:|---:|---:|---:|");
  for (const r of s.rows) out.push(`| ${r.list} | ${r.query} | ${r.page} | ${r.items} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} |`);
  return [...out, ""];
}

async function main() {
  const started = new Date();
  // BENCH_PGLITE=0: PostgreSQL only (at 1,000,000 requests).
  const sections = [await onPostgres(), ...(process.env.BENCH_PGLITE === "0" ? [] : [await onPglite()])];
  const cpus = os.cpus();
  const report = [
    `# The lists through the API, on ${REQUESTS.toLocaleString("en")} requests`,
    "",
    `${started.toISOString()} · Node ${process.version} · ${os.type()} ${os.release()} ${os.arch()} · ${cpus.length} × ${cpus[0]?.model ?? "cpu"} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    "",
    `Each figure is the time of \`app.request(...)\` plus parsing its JSON (routing, session cookie, policies, queries, presenting), ` +
      `median and p95 of ${RUNS} runs after ${WARMUP} warm-up runs, one request at a time. Page size ${PAGE} (the mini-app's); ` +
      `the deep page is the ${DEEP}th, reached by following \`next\`. Data: test/support/bulkSeed.ts (40 agencies, the first receiving ` +
      `a quarter of all lead tasks), clock at ${NOW.toISOString()} (Monday 10:00 Shanghai). Produced by \`npm run bench\` (test/bench/lists.ts).`,
    "",
    ...sections.flatMap(table),
  ];
  writeFileSync(new URL(`./RESULTS-lists${process.env.BENCH_SUFFIX ?? ""}.md`, import.meta.url), report.join("\n"));
  console.log("wrote test/bench/RESULTS-lists.md");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
