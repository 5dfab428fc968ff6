import { createHash } from "node:crypto";
import { sql } from "kysely";
import { appendAudit } from "../db/repositories/audit";
import { usersWithRole } from "../db/repositories/org";
import { enqueueMessages } from "../db/repositories/outbox";
import type { Executor } from "../db/client";
import { changeCount, diffOrg, type Directory, type OrgChanges } from "../domain/orgSync";
import { DomainError, OPEN_TASK_STATES } from "../domain/types";
import { actorUserId, hasGlobalRole } from "../policies/actor";
import type { Command, Deps } from "./context";

export interface OrgSyncReport extends OrgChanges {
  applied: boolean;
  /** the previewed changes' digest: apply with it refuses (409) when the directory or the org changed since */
  fingerprint: string;
  /** people who left, each with the open work to hand over (离岗交接) */
  handover: Array<{ openId: string; name: string; tasks: string[]; requests: string[]; link: string }>;
}

/** A digest of exactly what would change. */
export function changesFingerprint(c: OrgChanges): string {
  return createHash("sha256").update(JSON.stringify(c)).digest("hex");
}

/** Reads the platform's directory (outside any transaction: it is a network call). */
export async function readDirectory(deps: Deps): Promise<Directory> {
  if (!deps.directory) throw new DomainError("no_directory", "本服务未连接飞书通讯录，无法同步组织架构。");
  const dir = await deps.directory.read();
  // An empty answer (no permission on the directory, a misconfigured scope) would read as "everyone left".
  if (dir.people.length === 0) throw new DomainError("empty_directory", "通讯录未返回任何人员，未做任何改动。请检查应用的通讯录权限范围。");
  return dir;
}

/**
 * Org sync from the platform's contact directory. `apply: false` previews (no write); `apply: true` makes
 * exactly the previewed kinds of change in one transaction: departments created, renamed, moved; people created
 * (role 科员), renamed, moved (their roles in the old department end, 科员 in the new one), left (no longer active,
 * roles removed, their open work listed for handover). Nothing is deleted; requests, tasks and the trail keep
 * pointing at the same rows. Audited on the org chain; admins are told what changed.
 */
export const orgSyncer: Command<{ directory: Directory; apply: boolean; expectedFingerprint?: string | undefined }, OrgSyncReport> = async (deps, ctx, input) => {
  if (!hasGlobalRole(ctx.actor, "admin") && ctx.actor.kind !== "system") throw new DomainError("forbidden", "只有管理员可以同步组织架构。");
  const { trx } = ctx;
  // Two syncs (two servers' nightly jobs, an admin pressing twice) apply one after the other.
  if (input.apply) await sql`select pg_advisory_xact_lock(7424, 9501)`.execute(trx);
  const changes = diffOrg(await knownOrg(trx), input.directory);
  const fingerprint = changesFingerprint(changes);
  if (input.apply && input.expectedFingerprint !== undefined && input.expectedFingerprint !== fingerprint) {
    throw new DomainError("directory_changed", "预览之后通讯录或组织架构又有变动，本次未做任何改动。请重新点「同步预览」，核对后再应用。");
  }
  const handover = await openWorkOf(trx, changes.people.left.map((p) => p.openId));
  if (!input.apply) return { ...changes, applied: false, fingerprint, handover };
  const at = deps.now();
  const deptId = async (code: string | null) =>
    code === null ? null : ((await trx.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirst())?.id ?? null);

  for (const d of changes.departments.created) {
    await trx.insertInto("departments").values({ code: d.code, name: d.name, aliases: [], parentId: null, chatId: null, createdAt: at, updatedAt: at }).execute();
  }
  // Parents after every new department exists (a new child may sit under a new parent).
  for (const d of [...changes.departments.created, ...changes.departments.moved.map((m) => ({ code: m.code, parentCode: m.toParent }))]) {
    await trx.updateTable("departments").set({ parentId: await deptId(d.parentCode), updatedAt: at }).where("code", "=", d.code).execute();
  }
  for (const r of changes.departments.renamed) await trx.updateTable("departments").set({ name: r.to, updatedAt: at }).where("code", "=", r.code).execute();

  for (const p of changes.people.created) {
    const dept = await deptId(p.departmentCode);
    if (dept === null) continue;
    const existing = await trx.selectFrom("users").select("id").where("openId", "=", p.openId).executeTakeFirst();
    const id = existing
      ? (await trx.updateTable("users").set({ name: p.name, departmentId: dept, active: true, leftAt: null, updatedAt: at }).where("id", "=", existing.id).returning("id").executeTakeFirstOrThrow()).id
      : (await trx.insertInto("users").values({ openId: p.openId, name: p.name, departmentId: dept, createdAt: at, updatedAt: at }).returning("id").executeTakeFirstOrThrow()).id;
    await trx.insertInto("userRoles").values({ userId: id, role: "member", departmentId: dept }).execute();
  }
  for (const r of changes.people.renamed) await trx.updateTable("users").set({ name: r.to, updatedAt: at }).where("openId", "=", r.openId).execute();
  for (const m of changes.people.moved) {
    const user = await trx.selectFrom("users").select(["id", "departmentId"]).where("openId", "=", m.openId).executeTakeFirstOrThrow();
    const to = await deptId(m.toDepartment);
    if (to === null) continue;
    await trx.updateTable("users").set({ departmentId: to, updatedAt: at }).where("id", "=", user.id).execute();
    await trx.deleteFrom("userRoles").where("userId", "=", user.id).where("departmentId", "=", user.departmentId).execute();
    const has = await trx.selectFrom("userRoles").select("id").where("userId", "=", user.id).where("departmentId", "=", to).executeTakeFirst();
    if (!has) await trx.insertInto("userRoles").values({ userId: user.id, role: "member", departmentId: to }).execute();
  }
  for (const l of changes.people.left) {
    const user = await trx.selectFrom("users").select("id").where("openId", "=", l.openId).executeTakeFirstOrThrow();
    await trx.updateTable("users").set({ active: false, leftAt: at, updatedAt: at }).where("id", "=", user.id).execute();
    await trx.deleteFrom("userRoles").where("userId", "=", user.id).execute();
  }
  const report = { ...changes, applied: true, fingerprint, handover };
  // Recorded even when nothing changed: the trail shows each sync ran (and the nightly job finds tonight's).
  await appendAudit(trx, { chain: "org", actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, action: "sync", data: { ...changes, handover }, at });
  if (changeCount(changes) === 0) return report;
  const admins = await usersWithRole(trx, null, ["admin"]);
  const text = syncSummary(report);
  await enqueueMessages(trx, admins.map((a) => ({ topic: "org.sync", to: { type: "open_id" as const, id: a.openId }, payload: { text } })), at);
  return report;
};

/** One message for admins: the counts, and who left with open work to hand over. */
export function syncSummary(r: OrgSyncReport): string {
  const d = r.departments;
  const p = r.people;
  const lines = [
    `组织架构已从通讯录同步：新增部门 ${d.created.length}，部门更名 ${d.renamed.length}，部门调整上级 ${d.moved.length}；新增人员 ${p.created.length}，人员更名 ${p.renamed.length}，调动 ${p.moved.length}，离职 ${p.left.length}。`,
    ...r.handover
      .filter((h) => h.tasks.length + h.requests.length > 0)
      .map((h) => `${h.name} 已离职，尚有在办工作待交接：任务 ${h.tasks.join("、") || "无"}；发起的事项 ${h.requests.join("、") || "无"}。请在小程序「离岗交接」中办理。`),
  ];
  return lines.join("\n");
}

async function knownOrg(db: Executor) {
  const departments = await db
    .selectFrom("departments as d")
    .leftJoin("departments as p", "p.id", "d.parentId")
    .select(["d.code", "d.name", "p.code as parentCode"])
    .execute();
  const people = await db
    .selectFrom("users")
    .innerJoin("departments", "departments.id", "users.departmentId")
    .select(["users.openId", "users.name", "departments.code as departmentCode", "users.active"])
    .execute();
  return { departments, people };
}

async function openWorkOf(db: Executor, openIds: string[]): Promise<OrgSyncReport["handover"]> {
  const out: OrgSyncReport["handover"] = [];
  for (const openId of openIds) {
    const u = await db.selectFrom("users").select(["id", "name"]).where("openId", "=", openId).executeTakeFirstOrThrow();
    const tasks = await db
      .selectFrom("tasks")
      .innerJoin("requests", "requests.id", "tasks.requestId")
      .select("requests.number")
      .where("tasks.assigneeId", "=", u.id)
      .where("tasks.state", "in", [...OPEN_TASK_STATES])
      .orderBy("tasks.id")
      .execute();
    const requests = await db
      .selectFrom("requests")
      .select("number")
      .where("requesterId", "=", u.id)
      .where("status", "in", ["pending_approval", "pending_accept", "in_progress", "awaiting_info", "returned", "partially_completed"])
      .orderBy("id")
      .execute();
    out.push({ openId, name: u.name, tasks: tasks.map((t) => t.number), requests: requests.map((r) => r.number), link: `#handover/${openId}` });
  }
  return out;
}
