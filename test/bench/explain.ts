import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { CompiledQuery, sql, type Compilable } from "kysely";
import { createDb, type Db } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { OPEN_TASK_STATES } from "../../src/domain/types";

/**
 * Seeds 100,000 requests (about 130,000 tasks) into a scratch schema and records the plan and time of every
 * list query the product makes, so indexes are chosen from EXPLAIN, not guessed. Writes test/bench/RESULTS-explain.md.
 * Needs PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);

async function main() {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const admin = await createDb({ databaseUrl: url, poolSize: 1 });
  await admin.kysely.schema.createSchema(schema).execute();
  const db = await createDb({ databaseUrl: url, schema, poolSize: 2 });
  const report: string[] = [`# EXPLAIN on ${REQUESTS.toLocaleString("en")} requests`, "", `PostgreSQL, scratch schema, ${new Date().toISOString()}`, ""];
  try {
    await migrateToLatest(db);
    const t0 = Date.now();
    await seed(db);
    report.push(`Seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s.`, "");
    const k = db.kysely;
    const dept = 3;
    const cases: Array<[string, Compilable]> = [
      [
        "部门收件 (inbound, one department, open states, by deadline)",
        k.selectFrom("tasks").select(["id", "dueAt"]).where("departmentId", "=", dept).where("state", "in", ["pending_accept", "in_progress"]).orderBy("dueAt").orderBy("id").limit(21),
      ],
      [
        "部门收件, one closed state (已办结)",
        k.selectFrom("tasks").select(["id", "dueAt"]).where("departmentId", "=", dept).where("state", "=", "completed").orderBy("dueAt").limit(21),
      ],
      [
        "部门发件 (outbound, one department, newest first)",
        k.selectFrom("requests").select(["id", "number"]).where("fromDepartmentId", "=", dept).orderBy("id", "desc").limit(21),
      ],
      ["我发起的 (my requests, newest first)", k.selectFrom("requests").select(["id", "number"]).where("requesterId", "=", 7).orderBy("id", "desc").limit(21)],
      [
        "我的任务 (my open tasks)",
        k.selectFrom("tasks").select(["id", "dueAt"]).where("assigneeId", "=", 7).where("state", "in", [...OPEN_TASK_STATES]).orderBy("dueAt").limit(50),
      ],
      [
        "deadline sweep (open tasks due within a day)",
        k.selectFrom("tasks").select(["id"]).where("state", "in", [...OPEN_TASK_STATES]).where("dueAt", "<", new Date("2026-06-02T00:00:00Z")).orderBy("dueAt").limit(500),
      ],
      ["request by number", k.selectFrom("requests").select("id").where("number", "=", "XT-2026-050000")],
      ["tasks of a request", k.selectFrom("tasks").selectAll().where("requestId", "=", 50_000)],
    ];
    for (const [title, query] of cases) {
      const compiled = query.compile();
      const plan = await k.executeQuery<{ "QUERY PLAN": string }>(
        CompiledQuery.raw(`explain (analyze, costs off, timing on, summary on) ${compiled.sql}`, [...compiled.parameters]),
      );
      const lines = plan.rows.map((r) => r["QUERY PLAN"]);
      report.push(`## ${title}`, "", "```", compiled.sql, "", ...lines, "```", "");
      const uses = lines.find((l) => /Index|Seq Scan/.test(l))?.trim();
      console.log(`${title}\n  ${uses}\n  ${lines.at(-1)?.trim()}`);
    }
  } finally {
    await db.close();
    await admin.kysely.schema.dropSchema(schema).cascade().execute();
    await admin.close();
  }
  writeFileSync(new URL("./RESULTS-explain.md", import.meta.url), report.join("\n"));
}

async function seed(db: Db) {
  const k = db.kysely;
  await sql`insert into departments (code, name, aliases) select 'd' || g, '部门' || g, array['简称' || g] from generate_series(1, 40) g`.execute(k);
  await sql`insert into users (open_id, name, department_id) select 'ou_' || g, '人员' || g, 1 + g % 40 from generate_series(1, 400) g`.execute(k);
  await sql`
    insert into requests (number, title, body, priority, classification, source, status, requester_id, from_department_id, due_at, created_at, updated_at)
    select 'XT-2026-' || lpad(g::text, 6, '0'), '事项' || g, '内容' || g, 'normal', 'internal', 'chat',
           (array['completed','completed','completed','in_progress','pending_accept'])[1 + g % 5],
           1 + g % 400, 1 + g % 40,
           timestamptz '2026-01-05 09:30+00' + (g * interval '4 minutes'),
           timestamptz '2026-01-01 02:00+00' + (g * interval '4 minutes'),
           timestamptz '2026-01-01 02:00+00' + (g * interval '4 minutes')
    from generate_series(1, ${REQUESTS}) g`.execute(k);
  // Every request gets a lead task; every third a supporting one (联办).
  await sql`
    insert into tasks (request_id, department_id, role, state, assignee_id, sla_working_days, outbound_approval, completion_review, due_at, created_at, updated_at)
    select r.id, 1 + (r.id * 7) % 40, 'lead', r.status, case when r.status = 'pending_accept' then null else 1 + r.id % 400 end, 5, false, false, r.due_at, r.created_at, r.updated_at
    from requests r`.execute(k);
  await sql`
    insert into tasks (request_id, department_id, role, state, assignee_id, sla_working_days, outbound_approval, completion_review, due_at, created_at, updated_at)
    select r.id, 1 + (r.id * 11 + 3) % 40, 'supporting', r.status, null, 5, false, false, r.due_at, r.created_at, r.updated_at
    from requests r where r.id % 3 = 0`.execute(k);
  await sql`analyze`.execute(k);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
