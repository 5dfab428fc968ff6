import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { taskAccepter } from "../../src/commands/taskAccepter";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { TASK_STATES } from "../../src/domain/types";
import { createBotHarness, type BotHarness } from "../support/botHarness";
import { smallOrg } from "../support/smallOrg";

// 密级: a sensitive request's number, title and body reach nobody who gets 404 on its detail. Every GET route of
// the API (read from /api/openapi.json, so a new route is covered the day it is added), with and without q=,
// every role, and the chat (/查询 /我的 /待办 /补充 and the notifications), against a control request that the
// same routes do show.

const org = { ...smallOrg, users: [...smallOrg.users, { openId: "ou_taxmember", name: "蒋涛", department: "tax", roles: ["member"] }] };

/** One of each role around a request the street office (滨江街道) sends to the market regulator (市监局). */
const PEOPLE = {
  requester: "ou_member",
  requestingMember: "ou_member2",
  requestingHead: "ou_streethead",
  targetHead: "ou_amrhead",
  assignedHandler: "ou_amrhandler",
  otherHandler: "ou_amrhandler2",
  targetDispatcher: "ou_amrdisp",
  otherDeptMember: "ou_taxmember",
  otherDeptHead: "ou_taxhead",
  supervisor: "ou_sup",
  admin: "ou_admin",
} as const;
type Role = keyof typeof PEOPLE;
const ROLES = Object.keys(PEOPLE) as Role[];

interface Req {
  number: string;
  title: string;
  body: string;
}

let h: BotHarness;
const tokens = new Map<string, string>();
let controlAssigned: Req, controlOpen: Req, secretAssigned: Req, secretOpen: Req;
const MISSING = "XT-2026-999999";

async function raise(text: string, classification: "internal" | "sensitive", assignee: string | null): Promise<Req> {
  const { request, tasks } = await h.as(PEOPLE.requester, requestCreator, { text, classification, source: "miniapp" });
  await h.as(PEOPLE.targetDispatcher, taskAccepter, { task: { taskId: tasks[0]!.id }, ...(assignee ? { assignee: { openId: assignee } } : {}) });
  return { number: request.number, title: request.title, body: request.body };
}

beforeAll(async () => {
  h = await createBotHarness("2026-11-23T10:00:00+08:00", {}, { org });
  // The controls first: the API's own examples say XT-2026-000001.
  controlAssigned = await raise("@市监局 核查绿洲路12号某公司营业执照是否有效 #证照核查", "internal", PEOPLE.assignedHandler);
  controlOpen = await raise("@市监局 核查东门菜场摊位登记情况", "internal", null);
  secretAssigned = await raise("@市监局 据群众举报蓝湾小区旁砂石堆场夜间偷运 #线索核查", "sensitive", PEOPLE.assignedHandler);
  secretOpen = await raise("@市监局 匿名来信称翠屏公寓转租给无照作坊", "sensitive", null);
  for (const openId of Object.values(PEOPLE)) {
    const user = await h.db.kysely.selectFrom("users").select("id").where("openId", "=", openId).executeTakeFirstOrThrow();
    const role = openId === PEOPLE.admin ? "admin" : "integration";
    tokens.set(openId, (await issueApiToken(h.db.kysely, { name: `测试-${openId}`, role, userId: user.id })).token);
  }
  await h.flush();
}, 600_000);
afterAll(() => h?.close());

const get = async (openId: string, path: string) => {
  const res = await h.app.request(path, { headers: { authorization: `Bearer ${tokens.get(openId)}` } });
  return { status: res.status, text: await res.text() };
};

/** What must not reach a non-viewer: the number, the title, and every 4-character piece of the body. */
function secretsOf(r: Req): string[] {
  const pieces = [...r.body].map((_, i) => r.body.slice(i, i + 4)).filter((p) => p.length === 4);
  return [r.number, r.title, ...pieces];
}
const leaked = (answer: string, r: Req) => secretsOf(r).filter((s) => answer.includes(s));

/** The values each parameter is tried with; a required parameter missing here fails the test, naming the route. */
function valuesFor(name: string, where: "path" | "query"): Array<string | undefined> {
  const requests = [controlAssigned, controlOpen, secretAssigned, secretOpen];
  if (where === "path" && name === "number") return [...requests.map((r) => r.number), MISSING];
  // Attachment ids: none are made here (test/integration/attachments.test.ts covers their 404s), so every id is unknown.
  if (where === "path" && name === "id") return ["1", "2", "999999"];
  if (where === "path" && name === "code") return smallOrg.departments.map((d) => d.code);
  if (where === "path" && name === "openId") return Object.values(PEOPLE);
  if (name === "q") return [undefined, ...requests.flatMap(searchesFor)];
  if (name === "state") return [undefined, TASK_STATES.join(",")];
  if (name === "department") return [undefined, ...smallOrg.departments.map((d) => d.code)];
  if (name === "from") return ["street", "amr"];
  if (name === "to") return ["amr", "street"];
  if (name === "category") return [undefined, "线索核查", "证照核查"];
  if (name === "due") return [undefined, "overdue", "soon"];
  if (name === "limit") return [undefined, "100"];
  if (name === "cursor") return [undefined];
  if (name === "figure") return ["volume", "open"];
  if (name === "month") return ["2026-11", "2026-12"];
  return [];
}

/** q= as people search: the number, the start of the title, words from the end of the body. */
const searchesFor = (r: Req) => [r.number, r.body.slice(0, 6), r.body.slice(-5)];

interface Param {
  name: string;
  in: "path" | "query";
  required: boolean;
}

/** Every GET operation, each with a set of calls: parameters varied one at a time, and q= also over every state. */
async function everyGetCall(): Promise<Array<{ route: string; path: string; pathNumber: string | null }>> {
  const doc = JSON.parse((await get(PEOPLE.admin, "/api/openapi.json")).text) as { paths: Record<string, Record<string, { parameters: Param[] }>> };
  const calls: Array<{ route: string; path: string; pathNumber: string | null }> = [];
  for (const [route, ops] of Object.entries(doc.paths)) {
    const op = ops.get;
    if (!op) continue;
    const params = op.parameters;
    for (const p of params) {
      if (p.required && valuesFor(p.name, p.in).filter((v) => v !== undefined).length === 0) throw new Error(`${route}: give the visibility test values for ${p.in} parameter ${p.name}`);
    }
    const pathParams = params.filter((p) => p.in === "path");
    const query = params.filter((p) => p.in === "query");
    const fills: Array<Record<string, string>> = [{}];
    for (const p of pathParams) {
      const next: Array<Record<string, string>> = [];
      for (const f of fills) for (const v of valuesFor(p.name, "path")) next.push({ ...f, [p.name]: v! });
      fills.splice(0, fills.length, ...next);
    }
    const base: Record<string, string> = Object.fromEntries(query.filter((p) => p.required).map((p) => [p.name, valuesFor(p.name, "query").find((v) => v !== undefined)!]));
    const variants: Array<Record<string, string>> = [base];
    for (const p of query) {
      for (const v of valuesFor(p.name, "query")) if (v !== undefined) variants.push({ ...base, [p.name]: v });
    }
    if (query.some((p) => p.name === "q") && query.some((p) => p.name === "state")) {
      for (const v of [secretAssigned, secretOpen].flatMap(searchesFor)) variants.push({ ...base, q: v, state: TASK_STATES.join(",") });
    }
    for (const f of fills) {
      const path = route.replace(/\{(\w+)\}/g, (_m, n: string) => encodeURIComponent(f[n]!));
      for (const v of variants) {
        const qs = new URLSearchParams(v).toString();
        calls.push({ route, path: qs ? `${path}?${qs}` : path, pathNumber: f.number ?? null });
      }
    }
  }
  return calls;
}

describe("who may see a sensitive request", () => {
  it("is decided once: requester, assignee, heads of the involved departments, the target's dispatchers, supervisors", async () => {
    const seesDetail = async (r: Req) => {
      const out: Role[] = [];
      for (const role of ROLES) if ((await get(PEOPLE[role], `/api/requests/${r.number}`)).status === 200) out.push(role);
      return out;
    };
    expect(await seesDetail(secretAssigned)).toEqual(["requester", "requestingHead", "targetHead", "assignedHandler", "targetDispatcher", "supervisor"]);
    expect(await seesDetail(secretOpen)).toEqual(["requester", "requestingHead", "targetHead", "targetDispatcher", "supervisor"]);
    expect(await seesDetail(controlAssigned)).toEqual(ROLES);
  });

  it("no GET route of the API, with or without q=, shows its number, title or body to anyone who gets 404 on it", async () => {
    const calls = await everyGetCall();
    const routes = new Set(calls.map((c) => c.route));
    for (const r of ["/api/todo", "/api/mine", "/api/inbox", "/api/outbox", "/api/board", "/api/board/cell", "/api/categories", "/api/requests/{number}"]) expect(routes).toContain(r);
    const leaks: string[] = [];
    const found = new Map<string, Set<string>>(); // request number -> roles that found it in some list
    for (const role of ROLES) {
      const openId = PEOPLE[role];
      const blind: Req[] = [];
      for (const r of [secretAssigned, secretOpen]) if ((await get(openId, `/api/requests/${r.number}`)).status === 404) blind.push(r);
      const missing = await get(openId, `/api/requests/${MISSING}`);
      for (const call of calls) {
        const answer = await get(openId, call.path);
        for (const r of blind) {
          if (call.pathNumber === r.number) {
            // Asking for it by number answers exactly as for a number that does not exist.
            if (answer.status !== 404 || answer.text !== missing.text.replaceAll(MISSING, r.number)) leaks.push(`${role} GET ${call.path}: ${answer.status} ${answer.text}`);
            continue;
          }
          const l = leaked(answer.text, r);
          if (l.length > 0) leaks.push(`${role} GET ${call.path} shows ${l.slice(0, 3).join(" / ")}`);
        }
        if (call.pathNumber === null) {
          for (const r of [controlAssigned, controlOpen, secretAssigned, secretOpen]) if (answer.text.includes(r.number)) (found.get(r.number) ?? found.set(r.number, new Set()).get(r.number)!).add(role);
        }
      }
    }
    expect(leaks).toEqual([]);
    // The lists do show what a person may open: every viewer finds the sensitive request in some list...
    expect([...(found.get(secretAssigned.number) ?? [])].sort()).toEqual(["assignedHandler", "requester", "requestingHead", "supervisor", "targetDispatcher", "targetHead"]);
    expect([...(found.get(secretOpen.number) ?? [])].sort()).toEqual(["requester", "requestingHead", "supervisor", "targetDispatcher", "targetHead"]);
    // ...and the control reaches the same routes for everyone whose department it concerns.
    expect([...(found.get(controlOpen.number) ?? [])].sort()).toEqual(
      ["admin", "assignedHandler", "otherHandler", "requester", "requestingHead", "requestingMember", "supervisor", "targetDispatcher", "targetHead"].sort(),
    );
  }, 300_000);

  it("counts agree with what the person can open: board cells count exactly the tasks they list", async () => {
    const cellOpen = async (openId: string) => {
      const board = JSON.parse((await get(openId, "/api/board")).text) as { cells: Array<{ from: { code: string }; to: { code: string }; open: number }> };
      for (const cell of board.cells) {
        const items = JSON.parse((await get(openId, `/api/board/cell?from=${cell.from.code}&to=${cell.to.code}&limit=100`)).text).items as unknown[];
        expect(items, `${openId} ${cell.from.code}→${cell.to.code}`).toHaveLength(cell.open);
      }
      return board.cells.find((c) => c.from.code === "street" && c.to.code === "amr")?.open;
    };
    expect(await cellOpen(PEOPLE.targetDispatcher)).toBe(4);
    expect(await cellOpen(PEOPLE.supervisor)).toBe(4);
    expect(await cellOpen(PEOPLE.assignedHandler)).toBe(3);
    expect(await cellOpen(PEOPLE.otherHandler)).toBe(2);
    expect(await cellOpen(PEOPLE.requestingMember)).toBe(2);
    expect(await cellOpen(PEOPLE.admin)).toBe(2);
    const inbox = async (openId: string) => JSON.parse((await get(openId, "/api/inbox?department=amr&limit=100")).text).items.map((i: { number: string }) => i.number);
    expect(await inbox(PEOPLE.otherHandler)).toEqual(expect.arrayContaining([controlAssigned.number, controlOpen.number]));
    expect(await inbox(PEOPLE.otherHandler)).toHaveLength(2);
    expect(await inbox(PEOPLE.targetDispatcher)).toHaveLength(4);
  });
});

describe("the chat follows the same rule", () => {
  const botLines = (openId: string) =>
    h.sandbox
      .chatsOf(openId)
      .flatMap((c) => h.sandbox.messages({ chatId: c.chatId }))
      .filter((m) => m.sender.sender_type === "app")
      .map((m) => m.content);

  it("notifications reach no one who may not open the request, and carry no body text to those who may", () => {
    for (const role of ROLES) {
      const seen = botLines(PEOPLE[role]).join("\n");
      const blindTo = role === "otherHandler" || role === "requestingMember" || role === "otherDeptMember" || role === "otherDeptHead" || role === "admin";
      for (const r of [secretAssigned, secretOpen]) {
        if (blindTo || (role === "assignedHandler" && r === secretOpen)) expect(leaked(seen, r), `${role} saw ${r.number} in chat`).toEqual([]);
        else expect(leaked(seen, r).filter((s) => s !== r.number), `${role} read ${r.number}'s content in chat`).toEqual([]);
      }
    }
    // The office is still told, in private chat, that something waits for it.
    expect(botLines(PEOPLE.targetDispatcher).join("\n")).toContain(secretOpen.number);
  });

  async function say(openId: string, text: string): Promise<string> {
    await h.sandbox.sendUserMessage({ openId, text });
    await h.flush();
    const mine = h.sandbox.messages({ receiveId: openId }).filter((m) => m.sender.sender_type === "app");
    return String(JSON.parse(mine.at(-1)!.content).text);
  }

  it("/查询 /我的 /待办 show a person what they may open, and nothing of the rest", async () => {
    for (const role of ["otherHandler", "requestingMember", "admin"] as const) {
      const openId = PEOPLE[role];
      const missing = await say(openId, `/查询 ${MISSING}`);
      for (const r of [secretAssigned, secretOpen]) expect(await say(openId, `/查询 ${r.number}`)).toBe(missing.replaceAll(MISSING, r.number));
      for (const command of ["/我的", "/待办"]) {
        const reply = await say(openId, command);
        for (const r of [secretAssigned, secretOpen]) expect(leaked(reply, r), `${role} ${command}`).toEqual([]);
      }
    }
    // A handler may take up an open task accepted without a handler, but not a sensitive one they may not open.
    const todo = await say(PEOPLE.otherHandler, "/待办");
    expect(todo).toContain(controlOpen.number);
    expect(await say(PEOPLE.assignedHandler, "/待办")).toContain(secretAssigned.number);
    expect(await say(PEOPLE.targetDispatcher, "/待办")).toContain(secretOpen.number);
    expect(await say(PEOPLE.requester, "/我的")).toContain(secretOpen.number);
    expect(await say(PEOPLE.targetHead, `/查询 ${secretOpen.number}`)).toContain("（涉密事项）");
  });
});

describe("comments (补充) on a sensitive request", () => {
  const post = async (openId: string, path: string, body: unknown) => {
    const res = await h.app.request(path, { method: "POST", headers: { authorization: `Bearer ${tokens.get(openId)}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };
  const commentCount = async () => Number((await h.db.kysely.selectFrom("comments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

  it("are refused to whoever may not see it, with the answer a request that does not exist gets", async () => {
    const before = await commentCount();
    for (const role of ["otherHandler", "requestingMember", "otherDeptHead", "admin"] as const) {
      const missing = await post(PEOPLE[role], `/api/requests/${MISSING}/comments`, { body: "我来补充一点情况" });
      expect(missing.status).toBe(404);
      for (const r of [secretAssigned, secretOpen]) {
        const answer = await post(PEOPLE[role], `/api/requests/${r.number}/comments`, { body: "我来补充一点情况" });
        expect({ role, status: answer.status, text: answer.text }).toEqual({ role, status: 404, text: missing.text.replaceAll(MISSING, r.number) });
      }
      await h.sandbox.sendUserMessage({ openId: PEOPLE[role], text: `/补充 ${MISSING} 我来补充一点情况` });
      await h.flush();
      const lastReply = () => String(JSON.parse(h.sandbox.messages({ receiveId: PEOPLE[role] }).filter((m) => m.sender.sender_type === "app").at(-1)!.content).text);
      const chatMissing = lastReply();
      await h.sandbox.sendUserMessage({ openId: PEOPLE[role], text: `/补充 ${secretOpen.number} 我来补充一点情况` });
      await h.flush();
      expect(lastReply()).toBe(chatMissing.replaceAll(MISSING, secretOpen.number));
    }
    expect(await commentCount()).toBe(before);
  });

  it("are taken from those who may, and reach chat without their text", async () => {
    const answer = await post(PEOPLE.targetDispatcher, `/api/requests/${secretOpen.number}/comments`, { body: "翠屏公寓三楼已核实有人居住" });
    expect(answer.status).toBe(201);
    await h.flush();
    expect(h.sandbox.messages().map((m) => m.content).join("\n")).not.toContain("翠屏公寓三楼");
    const requesterSaw = h.sandbox.messages({ receiveId: PEOPLE.requester }).filter((m) => m.sender.sender_type === "app").at(-1)!.content;
    expect(requesterSaw).toContain("李娜 补充了说明，请在小程序中查看。");
  });
});
