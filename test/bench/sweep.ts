import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { Deps } from "../../src/commands/context";
import { loadConfig } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { seedBulk } from "../support/bulkSeed";

/**
 * Times the deadline sweep (src/jobs/deadlineSweep.ts) on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/test, in a scratch schema) with BENCH_OPEN_TASKS (default 100,000) open
 * tasks whose steps are armed: a sweep with nothing to do, a sweep with BENCH_DUE (default 10,000) tasks due for
 * a step (claim, audit record each, one message per recipient), and re-arming tasks that changed.
 * Writes test/bench/RESULTS-sweep.md.
 */
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const OPEN = Number(process.env.BENCH_OPEN_TASKS ?? 100_000);
const DUE = Number(process.env.BENCH_DUE ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Monday 10:00 in Shanghai: within working hours */
const NOW = new Date("2026-11-23T10:00:00+08:00");

const PROFILE = process.env.BENCH_PROFILE === "1";

/** BENCH_PROFILE=1: every statement's round trip through `pg`, grouped by its text, for the busy sweeps. */
const statements = new Map<string, { n: number; ms: number }>();
let profiling = false;
async function timeStatements(): Promise<void> {
  const pg = await import("pg");
  const Client = (pg.default?.Client ?? (pg as unknown as { Client: typeof import("pg").Client }).Client) as unknown as { prototype: { query: (...a: unknown[]) => unknown } };
  const query = Client.prototype.query;
  Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const result = query.apply(this, args);
    if (!profiling || !(result instanceof Promise)) return result;
    const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string }).text ?? "?");
    const key = text.replace(/\$\d+(, \$\d+)*/g, "$…").replace(/\s+/g, " ").slice(0, 140);
    const t = performance.now();
    const done = () => {
      const s = statements.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t;
      statements.set(key, s);
    };
    result.then(done, done);
    return result;
  };
}

/**
 * CPU seconds spent by this process and by the pool's PostgreSQL backends (read from /proc: the server runs on
 * this machine), which unlike wall-clock time barely depend on what else the shared machine is running.
 */
async function backendPids(db: Db, size: number): Promise<number[]> {
  const pids: number[] = [];
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  const held = Array.from({ length: size }, () =>
    db.transaction(async (trx) => {
      pids.push((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid);
      if (pids.length === size) release();
      await all;
    }),
  );
  await Promise.all(held);
  return pids;
}
function cpuMs(pids: number[]): { node: number; db: number } | null {
  try {
    const tick = 10; // ms per clock tick (USER_HZ 100)
    const db = pids.reduce((sum, pid) => {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return sum + (Number(f[11]) + Number(f[12])) * tick;
    }, 0);
    const u = process.cpuUsage();
    return { node: (u.user + u.system) / 1000, db };
  } catch {
    return null;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

/** OPEN open tasks, due over the next 60 days, each with a handler, and their steps armed as the sweep would. */
async function seedOpenTasks(db: Db): Promise<void> {
  await sql`
    insert into requests (number, title, body, category, priority, classification, source, status, requester_id, from_department_id, due_at, created_at, updated_at)
    select 'SW-2026-' || lpad(i::text, 6, '0'), '核查第' || i || '号企业营业执照', '请协助核查', null, 'normal', 'internal', 'api', 'in_progress',
           u.id, u.department_id, ${NOW}::timestamptz + ((i % 60) + 2) * interval '1 day', ${NOW}, ${NOW}
    from generate_series(1, ${OPEN}) i
    cross join lateral (select u.id, u.department_id from users u join departments d on d.id = u.department_id
                        where d.code like 'bulk-d%' order by u.id offset (i % 40) * 8 + 4 limit 1) u`.execute(db.kysely);
  await sql`
    insert into tasks (request_id, department_id, from_department_id, role, state, assignee_id, sla_working_days, outbound_approval, completion_review, due_at, original_due_at, accepted_at, created_at, updated_at)
    select r.id, d.id, r.from_department_id, 'lead', 'in_progress', h.id, 5, false, false, r.due_at, r.due_at, ${NOW}, ${NOW}, ${NOW}
    from requests r
    cross join lateral (select id from departments where code like 'bulk-d%' order by id offset (r.id % 39) + 1 limit 1) d
    cross join lateral (select ur.user_id as id from user_roles ur where ur.department_id = d.id and ur.role = 'handler' order by ur.user_id limit 1) h
    where r.number like 'SW-%'`.execute(db.kysely);
  // Every task's steps, as armEscalations would store them (set-based here, to seed 100,000 quickly).
  await sql`
    insert into task_escalations (task_id, step, armed_for, fire_at)
    select t.id, s.step, t.due_at, t.due_at + s.offset_
    from tasks t
    cross join (values ('due_soon', interval '-32 hours'), ('overdue', interval '0'), ('supervise', interval '63 hours')) as s(step, offset_)
    where t.state in ('pending_accept', 'in_progress')
    on conflict do nothing`.execute(db.kysely);
  await sql`update tasks set escalations_armed_at = updated_at, due_soon_at = due_at - interval '32 hours', ever_red = (due_at < ${NOW})`.execute(db.kysely);
  await sql`analyze`.execute(db.kysely);
}

async function main() {
  if (PROFILE) await timeStatements();
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const admin = await createDb({ databaseUrl: url, poolSize: 1 });
  const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(admin.kysely)).rows[0]!.v;
  await admin.kysely.schema.createSchema(schema).execute();
  const db = await createDb({ databaseUrl: url, schema, poolSize: 10 });
  const lines: string[] = [];
  try {
    await migrateToLatest(db);
    let t0 = performance.now();
    await seedBulk(db, { requests: 2_000, now: NOW });
    // The bulk seed's own tasks: armed by the sweep itself (the first run after seeding).
    const deps: Deps = { db, config: loadConfig({}), now: () => new Date(NOW) };
    await seedOpenTasks(db);
    const seedMs = performance.now() - t0;
    t0 = performance.now();
    const first = await deadlineSweep.perform(deps);
    const firstMs = performance.now() - t0;
    const open = (await sql<{ n: string }>`select count(*) as n from tasks where state in ('pending_accept','in_progress')`.execute(db.kysely)).rows[0]!.n;
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s; ${open} open tasks; first sweep ${firstMs.toFixed(0)} ms`, first);

    const idle: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t = performance.now();
      const r = await deadlineSweep.perform(deps);
      if (i >= 3) idle.push(performance.now() - t);
      if (r && (r.claimed ?? 0) > 0) throw new Error("the idle sweep found work");
    }
    for (const [name, q] of [
      ["arm", sql`explain analyze select t.id from tasks t join requests r on r.id = t.request_id left join routing_rules rr on rr.id = t.rule_id where t.escalations_armed_at is null or t.escalations_armed_at < t.updated_at order by t.id limit 2000 for update of t skip locked`],
      ["red", sql`explain analyze update tasks set ever_red = true where not ever_red and state in ('pending_approval', 'pending_accept', 'in_progress') and due_at < ${NOW}`],
      ["claim", sql`explain analyze select e2.id from task_escalations e2 join tasks t2 on t2.id = e2.task_id where e2.fired_at is null and e2.fire_at <= ${NOW} and t2.state in ('pending_accept', 'in_progress') and t2.escalations_armed_at >= t2.updated_at order by e2.fire_at, e2.id limit 10000 for update of e2 skip locked`],
    ] as const) {
      const plan = await q.execute(db.kysely);
      console.log(name, (plan.rows as Array<Record<string, string>>).map((x) => Object.values(x)[0]).join("\n"));
    }
    console.log(`nothing to do: median ${median(idle).toFixed(1)} ms, p95 ${p95(idle).toFixed(1)} ms`);

    const pids = await backendPids(db, 10);
    const cpu: Array<{ node: number; db: number }> = [];
    const busy: Array<{ ms: number; claimed: number; messages: number }> = [];
    for (let round = 0; round < 3; round++) {
      // DUE tasks went overdue a minute ago: their 超期 step is due (handler and target head are told).
      await sql`
        update task_escalations e set fire_at = ${new Date(NOW.getTime() - 60_000)}
        where e.step = 'overdue' and e.fired_at is null and e.task_id in (
          select t.id from tasks t join requests r on r.id = t.request_id where r.number like 'SW-%' order by t.id offset ${round * DUE} limit ${DUE})`.execute(db.kysely);
      const c0 = cpuMs(pids);
      const t = performance.now();
      profiling = PROFILE;
      const r = (await deadlineSweep.perform(deps)) as Record<string, number>;
      profiling = false;
      const c1 = cpuMs(pids);
      if (c0 && c1) cpu.push({ node: c1.node - c0.node, db: c1.db - c0.db });
      busy.push({ ms: performance.now() - t, claimed: r.claimed ?? 0, messages: r.messages ?? 0 });
      console.log(`${DUE} due: ${busy.at(-1)!.ms.toFixed(0)} ms (load ${os.loadavg()[0]!.toFixed(1)}; CPU: node ${cpu.at(-1)?.node.toFixed(0)} ms, PostgreSQL ${cpu.at(-1)?.db.toFixed(0)} ms)`, r);
    }

    if (PROFILE) {
      const total = busy.reduce((a, b) => a + b.ms, 0);
      const inSql = [...statements.values()].reduce((a, b) => a + b.ms, 0);
      console.log(`busy sweeps: ${total.toFixed(0)} ms, of which ${inSql.toFixed(0)} ms waiting on statements`);
      for (const [text, st] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
        console.log(`${st.ms.toFixed(0).padStart(7)} ms ${String(st.n).padStart(5)}×  ${text}`);
      }
    }

    // Tasks changed since they were armed (accepted, paused, moved): the sweep re-computes their steps in JS.
    const rearm: number[] = [];
    for (let round = 0; round < 3; round++) {
      await sql`update tasks set updated_at = ${new Date(NOW.getTime() + round + 1)} where id in (select id from tasks where state = 'in_progress' order by id desc offset ${round * 2000} limit 2000)`.execute(db.kysely);
      const t = performance.now();
      await deadlineSweep.perform(deps);
      rearm.push(performance.now() - t);
    }
    console.log(`re-arm 2,000: ${rearm.map((x) => x.toFixed(0)).join(", ")} ms`);

    const cpus = os.cpus();
    lines.push(
      `# The deadline sweep on ${Number(open).toLocaleString("en")} open tasks`,
      "",
      `${new Date().toISOString()} · Node ${process.version} · ${os.type()} ${os.release()} ${os.arch()} · ${cpus.length} × ${cpus[0]?.model ?? "cpu"} · PostgreSQL ${version} (pool of 10, scratch schema) · load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`,
      "",
      `Produced by \`npm run bench\` (test/bench/sweep.ts). Clock at ${NOW.toISOString()} (Monday 10:00 Shanghai, within working hours). ` +
        `Data: the org of test/support/bulkSeed.ts (2,000 requests of its own, armed by the first sweep) plus ${OPEN.toLocaleString("en")} open tasks due over the next 60 days, ` +
        `each with a handler and its 临期 / 超期 / 督办 steps armed. Each figure is one \`deadlineSweep.perform(deps)\`: arm what changed, mark overdue tasks red, claim due steps, ` +
        `one audit record per step (hash-chained), one message per recipient.`,
      "",
      "| case | runs | median ms | p95 / max ms | target |",
      "|---|---:|---:|---:|---|",
      `| first sweep after seeding (fires the steps already due: ${(first as Record<string, number>).claimed} claimed) | 1 | ${firstMs.toFixed(0)} | — | — |`,
      `| nothing to do | ${RUNS} | ${median(idle).toFixed(1)} | ${p95(idle).toFixed(1)} | ≤ 200 |`,
      `| ${DUE.toLocaleString("en")} tasks due for 超期 (${busy[0]!.claimed.toLocaleString("en")} steps claimed, ${busy[0]!.messages} messages) | ${busy.length} | ${median(busy.map((b) => b.ms)).toFixed(0)} | ${Math.max(...busy.map((b) => b.ms)).toFixed(0)} | ≤ 2,000 |`,
      ...(cpu.length
        ? [`| … the same sweeps in CPU time (node + PostgreSQL backends; hardly affected by the load) | ${cpu.length} | ${median(cpu.map((c) => c.node + c.db)).toFixed(0)} (${median(cpu.map((c) => c.node)).toFixed(0)} + ${median(cpu.map((c) => c.db)).toFixed(0)}) | ${Math.max(...cpu.map((c) => c.node + c.db)).toFixed(0)} | — |`]
        : []),
      `| 2,000 changed tasks re-armed, nothing due | ${rearm.length} | ${median(rearm).toFixed(0)} | ${Math.max(...rearm).toFixed(0)} | — |`,
      "",
    );
  } finally {
    await db.close();
    await admin.kysely.schema.dropSchema(schema).cascade().execute();
    await admin.close();
  }
  if (PROFILE) return;
  // The hand-written part (the profile, before/after, the load each figure was taken at) is kept across runs.
  const file = new URL("./RESULTS-sweep.md", import.meta.url);
  const old = existsSync(file) ? readFileSync(file, "utf8") : "";
  const notes = old.indexOf("\n## Notes");
  writeFileSync(file, lines.join("\n") + (notes >= 0 ? old.slice(notes) : ""));
  console.log("wrote test/bench/RESULTS-sweep.md");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
