import { sql, type Kysely } from "kysely";

// Frozen once landed: later changes get a migration of their own.

const OPEN_STATES = "('pending_approval','pending_accept','in_progress','awaiting_info')";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("departments")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("aliases", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("parent_id", "integer", (c) => c.references("departments.id"))
    .addColumn("chat_id", "text")
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("open_id", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("users_department_idx").on("users").column("department_id").execute();

  // Department roles carry their department; global roles (admin, supervisor) have none.
  await db.schema
    .createTable("user_roles")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('member','handler','dispatcher','head','admin','supervisor')`),
    )
    .addColumn("department_id", "integer", (c) => c.references("departments.id"))
    .addCheckConstraint(
      "user_roles_scope",
      sql`(role in ('admin','supervisor')) = (department_id is null)`,
    )
    .execute();
  await sql`create unique index user_roles_unique on user_roles (user_id, role, coalesce(department_id, 0))`.execute(db);
  await db.schema.createIndex("user_roles_department_idx").on("user_roles").columns(["department_id", "role"]).execute();

  // Versioned: an edit inserts a new row (version + 1) and moves is_current; tasks point at the row that routed them.
  await db.schema
    .createTable("routing_rules")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull())
    .addColumn("match", "jsonb", (c) => c.notNull())
    .addColumn("action", "jsonb", (c) => c.notNull())
    .addColumn("is_current", "boolean", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("routing_rules_code_version", ["code", "version"])
    .execute();
  await sql`create unique index routing_rules_current on routing_rules (code) where is_current`.execute(db);

  await db.schema
    .createTable("request_counters")
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("last_value", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("request_counters_pk", ["prefix", "year"])
    .execute();

  await db.schema
    .createTable("requests")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("category", "text")
    .addColumn("priority", "text", (c) => c.notNull().check(sql`priority in ('normal','urgent','critical')`))
    .addColumn("classification", "text", (c) =>
      c.notNull().check(sql`classification in ('public','internal','sensitive')`),
    )
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('chat','miniapp','api')`))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("requester_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("from_department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("rule_id", "integer", (c) => c.references("routing_rules.id"))
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("closed_at", "timestamptz")
    .execute();
  // 我发起的 (mine) and 部门发件 (outbound queue), newest first.
  await db.schema.createIndex("requests_requester_idx").on("requests").columns(["requester_id", "id desc"]).execute();
  // Newest first for every status (EXPLAIN: a status column before id forced a backward primary-key scan).
  await db.schema.createIndex("requests_from_department_idx").on("requests").columns(["from_department_id", "id desc"]).execute();

  await db.schema
    .createTable("tasks")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id"))
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('lead','supporting')`))
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .check(
          sql`state in ('pending_approval','pending_accept','in_progress','awaiting_info','completed','rejected','returned','cancelled')`,
        ),
    )
    .addColumn("assignee_id", "integer", (c) => c.references("users.id"))
    .addColumn("rule_id", "integer", (c) => c.references("routing_rules.id"))
    .addColumn("sla_working_days", "integer", (c) => c.notNull())
    .addColumn("outbound_approval", "boolean", (c) => c.notNull())
    .addColumn("completion_review", "boolean", (c) => c.notNull())
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    .addColumn("paused_at", "timestamptz")
    .addColumn("review_pending", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("transfer_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("not_ours_streak", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("arbitration_pending", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("arbitrated", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("result", "text")
    .addColumn("last_reason", "text")
    .addColumn("last_urged_at", "timestamptz")
    .addColumn("accepted_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("tasks_request_idx").on("tasks").column("request_id").execute();
  // 部门收件: a department's open tasks by deadline, already in page order (EXPLAIN on 100k requests:
  // (department_id, state, due_at) cannot serve two states in due order, so the planner scanned every open task).
  await sql`create index tasks_inbound_open_idx on tasks (department_id, due_at, id) where state in ${sql.raw(OPEN_STATES)}`.execute(db);
  // 部门收件 filtered to one state, including closed ones (已办结, 已退回).
  await db.schema.createIndex("tasks_department_state_idx").on("tasks").columns(["department_id", "state", "due_at"]).execute();
  // 我的任务 (my open tasks).
  await sql`create index tasks_assignee_open_idx on tasks (assignee_id, due_at) where state in ${sql.raw(OPEN_STATES)}`.execute(db);
  // Deadline sweep: open tasks by due time only.
  await sql`create index tasks_open_due_idx on tasks (due_at) where state in ${sql.raw(OPEN_STATES)}`.execute(db);

  // Append-only trail. `chain` is "request:<id>" or "org" (admin changes); each record hashes the previous one of its chain.
  await db.schema
    .createTable("audit_events")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("chain", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("request_id", "integer", (c) => c.references("requests.id"))
    .addColumn("task_id", "integer", (c) => c.references("tasks.id"))
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("from_state", "text")
    .addColumn("to_state", "text")
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addUniqueConstraint("audit_events_chain_seq", ["chain", "seq"])
    .execute();
  await db.schema.createIndex("audit_events_request_idx").on("audit_events").columns(["request_id", "seq"]).execute();
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only (% refused)', tg_op;
    end $$`.execute(db);
  await sql`
    create trigger audit_events_no_change before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);

  await db.schema
    .createTable("comments")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id"))
    .addColumn("task_id", "integer", (c) => c.references("tasks.id"))
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('comment','info_request','info_supply')`))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comments_request_idx").on("comments").columns(["request_id", "id"]).execute();

  await db.schema
    .createTable("evaluations")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("task_id", "integer", (c) => c.notNull().unique().references("tasks.id"))
    .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id"))
    .addColumn("rater_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("score", "integer", (c) => c.notNull().check(sql`score between 1 and 5`))
    .addColumn("comment", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  // Outgoing messages, written in the same transaction as the change they announce.
  await db.schema
    .createTable("outbox")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("recipient_type", "text", (c) => c.notNull().check(sql`recipient_type in ('open_id','chat_id')`))
    .addColumn("recipient_id", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("card_key", "text")
    .addColumn("request_id", "integer", (c) => c.references("requests.id"))
    .addColumn("task_id", "integer", (c) => c.references("tasks.id"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "timestamptz")
    .addColumn("parked_at", "timestamptz")
    .addColumn("platform_message_id", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index outbox_due_idx on outbox (next_attempt_at) where delivered_at is null and parked_at is null`.execute(db);
  await sql`create index outbox_parked_idx on outbox (parked_at) where parked_at is not null`.execute(db);
  await db.schema.createIndex("outbox_card_key_idx").on("outbox").column("card_key").execute();

  await db.schema
    .createTable("inbound_events")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("calendar_overrides")
    .addColumn("date", "date", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('holiday','workday')`))
    .addColumn("note", "text")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin','supervisor','integration')`))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    "api_tokens",
    "calendar_overrides",
    "inbound_events",
    "outbox",
    "evaluations",
    "comments",
    "audit_events",
    "tasks",
    "requests",
    "request_counters",
    "routing_rules",
    "user_roles",
    "users",
    "departments",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists audit_events_append_only()`.execute(db);
}
