import { sql, type Kysely } from "kysely";

// 好差评 follow-up: a rating of 2 or below opens a 整改 item for the rated department (its answer, the
// requester's verdict, a supervisor's decision on a dispute, its own reminder and overdue notice), and the rated
// department may appeal a rating once; a supervisor may exclude it from statistics.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rectifications")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("task_id", "integer", (c) => c.notNull().unique().references("tasks.id").onDelete("cascade"))
    .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id").onDelete("cascade"))
    .addColumn("evaluation_id", "integer", (c) => c.notNull().unique().references("evaluations.id").onDelete("cascade"))
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    // open | answered | confirmed | disputed | resolved
    .addColumn("state", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("opened_at", "timestamptz", (c) => c.notNull())
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    // the 临期 reminder's moment (09:00 of the working day before the due day), and when each notice was claimed
    .addColumn("remind_at", "timestamptz", (c) => c.notNull())
    .addColumn("reminded_at", "timestamptz")
    .addColumn("overdue_notified_at", "timestamptz")
    .addColumn("answer", "text")
    .addColumn("answered_by", "integer", (c) => c.references("users.id"))
    .addColumn("answered_at", "timestamptz")
    // confirmed | disputed, by the requester
    .addColumn("verdict", "text")
    .addColumn("verdict_comment", "text")
    .addColumn("verdict_at", "timestamptz")
    // upheld | not_upheld: a supervisor's decision on a dispute
    .addColumn("decision", "text")
    .addColumn("decision_comment", "text")
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decided_by_name", "text")
    .addColumn("decided_at", "timestamptz")
    .execute();
  // The sweep looks only at items still waiting for the department's answer.
  await sql`create index rectifications_open_idx on rectifications (due_at) where state = 'open'`.execute(db);

  await db.schema
    .alterTable("evaluations")
    // 申诉: one per rating, by the rated department
    .addColumn("appeal_state", "text") // pending | excluded | kept
    .addColumn("appeal_reason", "text")
    .addColumn("appealed_by", "integer", (c) => c.references("users.id"))
    .addColumn("appealed_at", "timestamptz")
    .addColumn("appeal_decision_comment", "text")
    .addColumn("appeal_decided_by_name", "text")
    .addColumn("appeal_decided_at", "timestamptz")
    // set when a supervisor excludes the rating from statistics
    .addColumn("excluded_at", "timestamptz")
    .addColumn("excluded_by", "text")
    .addColumn("exclusion_reason", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rectifications").ifExists().execute();
  await db.schema
    .alterTable("evaluations")
    .dropColumn("appeal_state")
    .dropColumn("appeal_reason")
    .dropColumn("appealed_by")
    .dropColumn("appealed_at")
    .dropColumn("appeal_decision_comment")
    .dropColumn("appeal_decided_by_name")
    .dropColumn("appeal_decided_at")
    .dropColumn("excluded_at")
    .dropColumn("excluded_by")
    .dropColumn("exclusion_reason")
    .execute();
}
