import { type Kysely } from "kysely";

// The organisation as admins run it: department levels and auto-assignment, people on leave or gone (never
// deleted), and delegations (代理) of one person's work to a deputy for a date range.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("departments")
    // province | city | county | township (省/市/县区/乡镇); null: an agency under one of them
    .addColumn("level", "text")
    // off | round_robin | least_loaded
    .addColumn("assignment_mode", "text", (c) => c.notNull().defaultTo("off"))
    // round-robin: the handler assigned last
    .addColumn("last_assigned_user_id", "integer")
    .execute();
  await db.schema
    .alterTable("users")
    .addColumn("on_leave", "boolean", (c) => c.notNull().defaultTo(false))
    // set when org sync found the person gone from the platform directory; roles are removed, the row stays
    .addColumn("left_at", "timestamptz")
    .execute();
  await db.schema
    .createTable("delegations")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("delegator_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("deputy_id", "integer", (c) => c.notNull().references("users.id"))
    // null: everything; else only requests of this category
    .addColumn("category", "text")
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("delegations_deputy_idx").on("delegations").columns(["deputy_id", "ends_at"]).execute();
  await db.schema.createIndex("delegations_delegator_idx").on("delegations").columns(["delegator_id", "ends_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("delegations").ifExists().execute();
  await db.schema.alterTable("users").dropColumn("on_leave").dropColumn("left_at").execute();
  await db.schema.alterTable("departments").dropColumn("level").dropColumn("assignment_mode").dropColumn("last_assigned_user_id").execute();
}
