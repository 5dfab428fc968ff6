import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infoRequester } from "../../src/commands/infoRequester";
import { infoSupplier } from "../../src/commands/infoSupplier";
import { requestApprover } from "../../src/commands/requestApprover";
import { requestCreator } from "../../src/commands/requestCreator";
import { requestWithdrawer } from "../../src/commands/requestWithdrawer";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { taskCompleter } from "../../src/commands/taskCompleter";
import { taskReopener } from "../../src/commands/taskReopener";
import { taskReturner } from "../../src/commands/taskReturner";
import { taskTransferrer } from "../../src/commands/taskTransferrer";
import { openCounts } from "../../src/db/repositories/dashboardRollups";
import { boardCounts } from "../../src/db/repositories/views";
import { deadlineSweep } from "../../src/jobs/deadlineSweep";
import { departmentsOf } from "../../src/policies/actor";
import { createHarness, type Harness } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The board's and the dashboard's kept figures (board_counts, maintained by triggers on tasks; tasks.from_department_id
// set at insert) against a full recount of the tasks, after every step of a long random walk of real commands:
// create (single and 联办, with and without 审批), approve, accept, ask for 补正 and answer it, return, transfer,
// complete, reopen, withdraw, and the clock moving on with the deadline sweep turning tasks red.

let h: Harness;
beforeAll(async () => {
  h = await createHarness("2026-11-02T09:00:00+08:00");
  await h.importOrg(smallOrg);
});
afterAll(() => h.close());

const DEPTS = { amr: { disp: "ou_amrdisp", handler: "ou_amrhandler" }, tax: { disp: "ou_taxdisp", handler: "ou_taxdisp" }, hrss: { disp: "ou_hrssdisp", handler: "ou_hrssdisp" } } as const;
type Code = keyof typeof DEPTS;
const CODES = Object.keys(DEPTS) as Code[];
const TEXTS = ["@市监局 核查某公司营业执照", "@税务局 出具某企业纳税证明", "@人社局 核实某人社保参保情况", "@市监局 @税务局 联合核查某企业", "@市监局 @人社局 协查某餐馆用工情况"];

/** Park–Miller: the same walk on every run and on both databases. */
function prng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

async function recount() {
  // From the requests, not the tasks' own copy: this also checks tasks.from_department_id.
  const rows = await sql<{ to: number; from: number; open: number; running: number; red: number }>`
    select t.department_id as "to", r.from_department_id as "from", count(*)::int as open,
           (count(*) filter (where t.state <> 'awaiting_info'))::int as running,
           (count(*) filter (where t.due_at < ${h.deps.now()} and t.state <> 'awaiting_info'))::int as red
    from tasks t join requests r on r.id = t.request_id
    where t.state in ('pending_approval', 'pending_accept', 'in_progress', 'awaiting_info')
    group by 1, 2 order by 1, 2`.execute(h.db.kysely);
  return rows.rows;
}

async function check(step: string) {
  const db = h.db.kysely;
  const truth = await recount();
  const kept = await db.selectFrom("boardCounts").select(["departmentId as to", "fromDepartmentId as from", "open", "running"]).where("open", "<>", 0).orderBy("departmentId").orderBy("fromDepartmentId").execute();
  expect(kept, step).toEqual(truth.map(({ to, from, open, running }) => ({ to, from, open, running })));
  const mismatched = await db.selectFrom("tasks").innerJoin("requests", "requests.id", "tasks.requestId").select("tasks.id").whereRef("tasks.fromDepartmentId", "<>", "requests.fromDepartmentId").execute();
  expect(mismatched, step).toEqual([]);
  // The supervisor's and the heads' boards from the kept counts equal the general query over the tasks.
  const numeric = (cells: Awaited<ReturnType<typeof boardCounts>>) => cells.map((c) => ({ ...c, open: Number(c.open), overdue: Number(c.overdue), dueSoon: Number(c.dueSoon) }));
  for (const openId of ["ou_sup", "ou_amrhead", "ou_taxhead", "ou_streethead"]) {
    const actor = await h.actor(openId);
    const mine = openId === "ou_sup" ? null : departmentsOf(actor).concat(actor.kind === "user" ? actor.departmentId : []);
    expect(numeric(await boardCounts(db, actor, h.deps.now(), mine)), `${step} (${openId})`).toEqual(numeric(await boardCounts(db, actor, h.deps.now(), mine, { scan: true })));
  }
  // The dashboard's 在办 / 红灯 per department, both sides.
  for (const side of ["target", "requester"] as const) {
    const want = new Map<number, { open: number; red: number }>();
    for (const r of truth) {
      const k = side === "target" ? r.to : r.from;
      const w = want.get(k) ?? { open: 0, red: 0 };
      want.set(k, { open: w.open + r.open, red: w.red + r.red });
    }
    const got = await openCounts(db, h.deps.now(), side);
    expect(new Map(got.map((g) => [g.departmentId, { open: g.open, red: g.red }])), `${step} (${side})`).toEqual(want);
  }
  return truth;
}

describe("board counts kept up to date", () => {
  it("agree with a full recount after every step of a random walk of state changes", async () => {
    const rand = prng(20261206);
    const numbers: string[] = [];
    const done: Record<string, number> = {};
    let clock = new Date("2026-11-02T09:00:00+08:00").getTime();
    const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)]!;
    const taskOf = async (code: Code, states: readonly string[]) => {
      const rows = await h.db.kysely
        .selectFrom("tasks")
        .innerJoin("requests", "requests.id", "tasks.requestId")
        .innerJoin("departments", "departments.id", "tasks.departmentId")
        .select(["requests.number"])
        .where("departments.code", "=", code)
        .where("tasks.state", "in", states as any)
        .orderBy("tasks.id")
        .execute();
      return rows.length ? pick(rows).number : null;
    };
    const actions: Array<[string, () => Promise<unknown>]> = [
      ["create", async () => numbers.push((await h.as(pick(["ou_member", "ou_member2"]), requestCreator, { text: pick(TEXTS), source: "chat" })).request.number)],
      ["create", async () => numbers.push((await h.as("ou_member", requestCreator, { text: pick(TEXTS), source: "miniapp" })).request.number)],
      ["approve", async () => {
        const r = await h.db.kysely.selectFrom("requests").select("number").where("status", "=", "pending_approval").orderBy("id").execute();
        if (!(r.length)) return false;
        await h.as("ou_streethead", requestApprover, { request: { requestNumber: pick(r).number }, decision: pick(["approve", "approve", "reject"] as const) });
        return true;
      }],
      ["accept", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["pending_accept"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].disp, taskAccepter, { task: { requestNumber: n, departmentCode: code }, assignee: { openId: DEPTS[code].handler } });
        return true;
      }],
      ["accept", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["pending_accept"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].disp, taskAccepter, { task: { requestNumber: n, departmentCode: code }, assignee: { openId: DEPTS[code].handler } });
        return true;
      }],
      ["return", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["pending_accept"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].disp, taskReturner, { task: { requestNumber: n, departmentCode: code }, reason: "不属本部门职责" });
        return true;
      }],
      ["transfer", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["pending_accept"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].disp, taskTransferrer, { task: { requestNumber: n, departmentCode: code }, toDepartment: pick(CODES.filter((c) => c !== code)), reason: "属其他部门职责" });
        return true;
      }],
      ["pause", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["in_progress"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].handler, infoRequester, { task: { requestNumber: n, departmentCode: code }, question: "请补充统一社会信用代码" });
        return true;
      }],
      ["supply", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["awaiting_info"]);
        if (!(n)) return false;
        await h.as("ou_member", infoSupplier, { task: { requestNumber: n, departmentCode: code }, content: "统一社会信用代码 91330100MA2XXXXXX" });
        return true;
      }],
      ["complete", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["in_progress"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].handler, taskCompleter, { task: { requestNumber: n, departmentCode: code }, result: "已核查，情况属实" });
        return true;
      }],
      ["complete", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["in_progress"]);
        if (!(n)) return false;
        await h.as(DEPTS[code].handler, taskCompleter, { task: { requestNumber: n, departmentCode: code }, result: "已核查，情况属实" });
        return true;
      }],
      ["reopen", async () => {
        const code = pick(CODES);
        const n = await taskOf(code, ["completed"]);
        if (!(n)) return false;
        await h.as("ou_sup", taskReopener, { task: { requestNumber: n, departmentCode: code }, reason: "办理结果不合格，请重办" });
        return true;
      }],
      ["withdraw", async () => {
        if (!(numbers.length)) return false;
        await h.as("ou_member", requestWithdrawer, { request: { requestNumber: pick(numbers) }, reason: "企业已自行提交" });
        return true;
      }],
      ["sweep", async () => {
        clock += (2 + rand(20)) * 3600_000;
        h.setNow(new Date(clock).toISOString());
        await deadlineSweep.perform(h.deps);
      }],
    ];
    let lastTruth: Awaited<ReturnType<typeof recount>> = [];
    let maxRed = 0;
    for (let step = 0; step < 160; step++) {
      const [name, run] = actions[step < 12 ? rand(2) : rand(actions.length)]!;
      clock += 10 * 60_000;
      h.setNow(new Date(clock).toISOString());
      try {
        if ((await run()) !== false) done[name] = (done[name] ?? 0) + 1;
      } catch (err) {
        // A refusal (a command not allowed in that state, or to that person) changes nothing; anything else is a bug.
        if (!/^[\u4e00-\u9fff（「【“0-9A-Za-z]/.test((err as Error).message) || (err as Error).name === "TypeError") throw err;
      }
      lastTruth = await check(`step ${step}: ${name}`);
      maxRed = Math.max(maxRed, lastTruth.reduce((s, r) => s + r.red, 0));
    }
    // The walk really went through every kind of change; the board had red cells on the way and open ones at the end.
    for (const name of ["create", "approve", "accept", "return", "transfer", "pause", "complete", "reopen", "withdraw", "sweep"]) expect(done[name], name).toBeGreaterThan(0);
    expect(lastTruth.reduce((s, r) => s + r.open, 0)).toBeGreaterThan(0);
    expect(maxRed).toBeGreaterThan(0);
  }, 240_000); // 160 commands, each followed by a full recount and five boards
});
