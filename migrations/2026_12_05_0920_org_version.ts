import { sql, type Kysely } from "kysely";

// 组织数据版本: one row whose version changes in the same transaction as any change to the organisation, the
// routing rules, the calendar or the escalation policies (statement triggers, so no writer can forget it). Each
// server keeps those tables in memory (src/db/repositories/orgCache.ts) and reads this one row per transaction
// to know whether its copy is still current. The new value comes from a sequence, never rolled back: a copy
// loaded inside a transaction that later rolled back carries a version no committed state will ever have.
const TABLES = ["departments", "users", "user_roles", "routing_rules", "calendar_overrides", "escalation_policies"];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence org_version_seq`.execute(db);
  await sql`create table org_version (id integer primary key check (id = 1), version bigint not null)`.execute(db);
  await sql`insert into org_version (id, version) values (1, nextval('org_version_seq'))`.execute(db);
  await sql`
    create function org_version_bump() returns trigger language plpgsql as $$
    begin
      update org_version set version = nextval('org_version_seq') where id = 1;
      return null;
    end $$`.execute(db);
  for (const t of TABLES) {
    await sql`create trigger ${sql.id(`${t}_org_version`)} after insert or update or delete or truncate on ${sql.id(t)}
      for each statement execute function org_version_bump()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of TABLES) await sql`drop trigger ${sql.id(`${t}_org_version`)} on ${sql.id(t)}`.execute(db);
  await sql`drop function org_version_bump()`.execute(db);
  await sql`drop table org_version`.execute(db);
  await sql`drop sequence org_version_seq`.execute(db);
}
