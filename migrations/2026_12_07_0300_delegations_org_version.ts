import { sql, type Kysely } from "kysely";

// Delegations change the org version too (migrations/2026_12_05_0920_org_version.ts): who stands in for whom is
// then kept in each server's copy of the organisation with the people (src/db/repositories/org.ts), so that a
// chat event from a known person reads nothing about them. Setting or revoking a delegation is rare.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create trigger delegations_org_version after insert or update or delete or truncate on delegations
    for each statement execute function org_version_bump()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger delegations_org_version on delegations`.execute(db);
}
