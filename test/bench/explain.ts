import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { CompiledQuery, type Compilable } from "kysely";
import { createDb } from "../../src/db/client";
import { migrateToLatest } from "../../src/db/migrator";
import { OPEN_TASK_STATES } from "../../src/domain/types";
import { seedBulk } from "../support/bulkSeed";

/**
 * Seeds 100,000 requests (about 133,000 tasks, with test/support/bulkSeed.ts) into a scratch schema and records the
 * plan and time of every list query the product makes, so indexes are chosen from EXPLAIN, not guessed. Writes
 * test/bench/RESULTS-explain.md. Needs PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test. test/bench/lists.ts times the same lists through the HTTP API.
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
    const seeded = await seedBulk(db, { requests: REQUESTS });
    report.push(`Seeded in ${(seeded.ms / 1000).toFixed(1)} s (${seeded.tasks.toLocaleString("en")} tasks; test/support/bulkSeed.ts).`, "");
    const k = db.kysely;
    // The busiest agency receives about a quarter of all lead tasks: its inbox is the worst case.
    const busy = seeded.departments[0]!;
    const plain = seeded.departments[2]!;
    const dept = busy.id;
    const sample = await k.selectFrom("requests").select(["id", "number"]).orderBy("id").offset(Math.floor(REQUESTS / 2)).limit(1).executeTakeFirstOrThrow();
    const cases: Array<[string, Compilable]> = [
      [
        "部门收件 (inbound, the busiest department, open states, by deadline)",
        k.selectFrom("tasks").select(["id", "dueAt"]).where("departmentId", "=", dept).where("state", "in", ["pending_accept", "in_progress"]).orderBy("dueAt").orderBy("id").limit(21),
      ],
      [
        "部门收件, one closed state (已办结)",
        k.selectFrom("tasks").select(["id", "dueAt"]).where("departmentId", "=", dept).where("state", "=", "completed").orderBy("dueAt").limit(21),
      ],
      [
        "部门发件 (outbound, one department, newest first)",
        k.selectFrom("requests").select(["id", "number"]).where("fromDepartmentId", "=", plain.id).orderBy("id", "desc").limit(21),
      ],
      [
        "我发起的 (my requests, newest first)",
        k.selectFrom("requests").select(["id", "number"]).where("requesterId", "=", plain.busyMember.id).orderBy("id", "desc").limit(21),
      ],
      [
        "我的任务 (my open tasks)",
        k.selectFrom("tasks").select(["id", "dueAt"]).where("assigneeId", "=", busy.handlers[0]!.id).where("state", "in", [...OPEN_TASK_STATES]).orderBy("dueAt").limit(50),
      ],
      [
        "deadline sweep (open tasks due within a day)",
        k.selectFrom("tasks").select(["id"]).where("state", "in", [...OPEN_TASK_STATES]).where("dueAt", "<", new Date(seeded.now.getTime() + 24 * 3600_000)).orderBy("dueAt").limit(500),
      ],
      ["request by number", k.selectFrom("requests").select("id").where("number", "=", sample.number)],
      ["tasks of a request", k.selectFrom("tasks").selectAll().where("requestId", "=", sample.id)],
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

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
