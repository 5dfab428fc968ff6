import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, RoleGrant } from "../../policies/actor";
import { canView } from "../../policies/visibility";
import { createHarness, type Harness } from "../../../test/support/harness";
import { smallOrg } from "../../../test/support/smallOrg";
import { visibleTo } from "./visibility";

// The visibility rule's two faces agree: for any request (any classification, requester, departments, assignees)
// and any actor (any mix of roles), the SQL condition the lists use holds exactly when the policy lets them open it.

let h: Harness;
let users: number[];
let departments: number[];
beforeAll(async () => {
  h = await createHarness();
  await h.importOrg(smallOrg);
  users = (await h.db.kysely.selectFrom("users").select("id").orderBy("id").execute()).map((u) => u.id);
  departments = (await h.db.kysely.selectFrom("departments").select("id").orderBy("id").execute()).map((d) => d.id);
});
afterAll(() => h?.close());

const ROLES = ["member", "handler", "dispatcher", "head"] as const;

describe("visibleTo (SQL) and canView (policy)", () => {
  it("decide the same for every request and every actor", async () => {
    const index = (n: number) => fc.nat({ max: n - 1 });
    const request = fc.record({
      classification: fc.constantFrom("public", "internal", "sensitive"),
      requester: index(smallOrg.users.length),
      from: index(smallOrg.departments.length),
      tasks: fc.array(fc.record({ dept: index(smallOrg.departments.length), assignee: fc.option(index(smallOrg.users.length), { nil: null }) }), { minLength: 1, maxLength: 3 }),
    });
    const person = fc.record({
      user: index(smallOrg.users.length),
      grants: fc.array(fc.record({ role: fc.constantFrom(...ROLES), dept: index(smallOrg.departments.length) }), { maxLength: 4 }),
      supervisor: fc.boolean(),
      admin: fc.boolean(),
    });
    const token = fc.record({ kind: fc.constant("token" as const), role: fc.constantFrom("admin" as const, "supervisor" as const, "integration" as const) });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(request, fc.array(fc.oneof(person, token), { minLength: 1, maxLength: 6 }), async (r, people) => {
        const at = new Date("2026-11-23T02:00:00Z");
        const row = await h.db.kysely
          .insertInto("requests")
          .values({
            number: `VT-2026-${String(++n).padStart(6, "0")}`,
            title: "核查",
            body: "核查",
            category: null,
            priority: "normal",
            classification: r.classification,
            source: "api",
            status: "pending_accept",
            requesterId: users[r.requester]!,
            fromDepartmentId: departments[r.from]!,
            ruleId: null,
            dueAt: at,
            createdAt: at,
            updatedAt: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const tasks = r.tasks.map((t, i) => ({ departmentId: departments[t.dept]!, assigneeId: t.assignee === null ? null : users[t.assignee]!, role: i === 0 ? ("lead" as const) : ("supporting" as const) }));
        await h.db.kysely
          .insertInto("tasks")
          .values(tasks.map((t) => ({ ...t, requestId: row.id, fromDepartmentId: row.fromDepartmentId, state: "pending_accept" as const, ruleId: null, slaWorkingDays: 5, outboundApproval: false, completionReview: false, dueAt: at, originalDueAt: at, createdAt: at, updatedAt: at })))
          .execute();
        for (const p of people) {
          const actor: Actor =
            "kind" in p
              ? { kind: "token", tokenId: 1, name: "令牌", role: p.role }
              : {
                  kind: "user",
                  id: users[p.user]!,
                  openId: "ou_x",
                  name: "某人",
                  departmentId: departments[0]!,
                  roles: [
                    ...p.grants.map((g): RoleGrant => ({ role: g.role, departmentId: departments[g.dept]! })),
                    ...(p.supervisor ? [{ role: "supervisor" as const, departmentId: null }] : []),
                    ...(p.admin ? [{ role: "admin" as const, departmentId: null }] : []),
                  ],
                };
          const inSql = await h.db.kysely.selectFrom("requests").select("id").where("id", "=", row.id).where(visibleTo(actor)).executeTakeFirst();
          expect({ actor, visible: inSql !== undefined }).toEqual({ actor, visible: canView(actor, row, tasks) });
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
