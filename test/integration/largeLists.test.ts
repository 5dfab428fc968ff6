import { Hono } from "hono";
import { sql, type RawBuilder } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/commands/context";
import { loadConfig } from "../../src/config";
import type { Db } from "../../src/db/client";
import { OPEN_TASK_STATES } from "../../src/domain/types";
import { createApp } from "../../src/http/app";
import type { AppEnv } from "../../src/http/env";
import { BULK_CATEGORIES, seedBulk, type BulkDepartment, type BulkSeed } from "../support/bulkSeed";
import { createTestDb } from "../support/db";

// With 100,000 requests loaded, the mini-app's lists answer, and paging through them with `next` gives every row
// exactly once, in order. Each list is compared with an independent SQL query over the same rows.
// (Their speed is measured separately: test/bench/lists.ts.)

const REQUESTS = 100_000;
const NOW = new Date("2026-11-23T10:00:00+08:00"); // Monday
const LIMIT = 100;
const SOON_MS = 24 * 3600_000; // 临期: due within the coming day (GET /api/inbox?due=soon)

let db: Db;
let app: ReturnType<typeof createApp>;
let seed: BulkSeed;
let seedMs = 0;
/** the agency that receives a quarter of all lead tasks, and an ordinary one */
let busy: BulkDepartment;
let plain: BulkDepartment;

beforeAll(async () => {
  db = await createTestDb();
  seed = await seedBulk(db, { requests: REQUESTS, now: NOW });
  seedMs = seed.ms;
  busy = seed.departments[0]!;
  plain = seed.departments[4]!;
  const deps: Deps = { db, config: loadConfig({}), now: () => new Date(NOW) };
  // The platform's code exchange is the only stand-in: the code is the person's openId. Everything after it
  // (session, cookie, policies, queries) is the product's.
  app = createApp(deps, { routes: new Hono<AppEnv>(), signIn: { exchange: async (code) => ({ openId: code }) } });
}, 600_000);
afterAll(async () => {
  console.log(`largeLists: seeded ${REQUESTS.toLocaleString("en")} requests / ${seed?.tasks.toLocaleString("en")} tasks on ${db?.kind} in ${(seedMs / 1000).toFixed(1)} s`);
  await db?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Signing in and paging, as the mini-app does.

interface Session {
  cookie: string;
}
const sessions = new Map<string, Session>();

async function signIn(openId: string): Promise<Session> {
  const known = sessions.get(openId);
  if (known) return known;
  const res = await app.request("/api/auth/code", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: openId }) });
  expect(res.status).toBe(200);
  const s = { cookie: res.headers.get("set-cookie")!.split(";")[0]! };
  sessions.set(openId, s);
  return s;
}

const get = (s: Session, path: string) => app.request(path, { headers: { cookie: s.cookie } });

interface InboxItem {
  taskId: number;
  number: string;
  title: string;
  state: string;
  role: string;
  dueAt: string;
}
interface RequestItem {
  number: string;
  title: string;
  status: string;
  dueAt: string;
}

/** Follows `next` from the first page to the last; every page but the last is full, and no cursor comes twice. */
async function walk<T>(s: Session, path: string, limit = LIMIT): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  const cursors = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url = `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await get(s, url);
    const body = (await res.json()) as { items: T[]; next: string | null };
    expect(res.status, `${url}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
    pages++;
    if (body.next) {
      expect(body.items, `${url}: a page with a next cursor must be full`).toHaveLength(limit);
      expect(cursors.has(body.next), `${url}: the same cursor came back twice`).toBe(false);
      cursors.add(body.next);
    } else {
      expect(body.items.length).toBeLessThanOrEqual(limit);
      if (pages > 1) expect(body.items.length, `${url}: the last page is empty (the previous one should have had no next)`).toBeGreaterThan(0);
    }
    items.push(...body.items);
    cursor = body.next;
    if (pages > 5_000) throw new Error(`${path}: more than 5,000 pages, the cursor does not advance`);
  } while (cursor);
  return { items, pages };
}

/** Duplicates, missing and unexpected keys are reported by name before the order is compared. */
function expectSameList<K>(label: string, seen: K[], expected: K[]) {
  const seenSet = new Set(seen);
  const expectedSet = new Set(expected);
  const counted = new Map<K, number>();
  for (const k of seen) counted.set(k, (counted.get(k) ?? 0) + 1);
  const duplicates = [...counted].filter(([, n]) => n > 1).map(([k]) => k);
  expect(duplicates.slice(0, 10), `${label}: listed more than once`).toEqual([]);
  expect(expected.filter((k) => !seenSet.has(k)).slice(0, 10), `${label}: missing from the pages`).toEqual([]);
  expect(seen.filter((k) => !expectedSet.has(k)).slice(0, 10), `${label}: listed but not in the filter`).toEqual([]);
  expect(seen, `${label}: order`).toEqual(expected);
}

const iso = (d: Date | string) => new Date(d).toISOString();
// The fields these lists have always had; items may carry more (the API grows), which these tests do not judge.
const inboxFields = (i: InboxItem): InboxItem => ({ taskId: i.taskId, number: i.number, title: i.title, state: i.state, role: i.role, dueAt: i.dueAt });
const requestFields = (r: RequestItem): RequestItem => ({ number: r.number, title: r.title, status: r.status, dueAt: r.dueAt });

// ---------------------------------------------------------------------------------------------------------------
// What each list should hold, written directly in SQL (not through the repositories the API uses).

interface InboxFilter {
  departmentId: number;
  states?: readonly string[];
  fromDepartmentId?: number;
  dueBefore?: Date;
  /** leave out what is paused for 补正 (never overdue) */
  running?: boolean;
  dueAtOrAfter?: Date;
  category?: string;
  text?: string;
  /** as seen by this person, who holds no office role: sensitive requests only where they raised or handle one */
  viewerId?: number;
}

async function expectedInbox(f: InboxFilter) {
  const where: RawBuilder<unknown>[] = [sql`t.department_id = ${f.departmentId}`, sql`t.state in (${sql.join([...(f.states ?? OPEN_TASK_STATES)])})`];
  if (f.fromDepartmentId !== undefined) where.push(sql`r.from_department_id = ${f.fromDepartmentId}`);
  if (f.dueBefore) where.push(sql`t.due_at < ${iso(f.dueBefore)}::timestamptz`);
  // 超期 leaves out what is paused for 补正: its clock stands still.
  if (f.running) where.push(sql`t.state <> 'awaiting_info'`);
  if (f.dueAtOrAfter) where.push(sql`t.due_at >= ${iso(f.dueAtOrAfter)}::timestamptz`);
  if (f.category) where.push(sql`r.category = ${f.category}`);
  if (f.viewerId !== undefined) {
    where.push(sql`(r.classification <> 'sensitive' or r.requester_id = ${f.viewerId} or exists (select 1 from tasks x where x.request_id = r.id and x.assignee_id = ${f.viewerId}))`);
  }
  if (f.text) where.push(sql`(r.number = upper(${f.text}) or strpos(lower(r.title), lower(${f.text})) > 0 or strpos(lower(r.body), lower(${f.text})) > 0)`);
  const rows = await sql<{ id: number; number: string; title: string; classification: string; state: string; role: string; dueAt: Date }>`
    select t.id, r.number, r.title, r.classification, t.state, t.role, t.due_at
    from tasks t join requests r on r.id = t.request_id
    where ${sql.join(where, sql` and `)}
    order by t.due_at, t.id`.execute(db.kysely);
  return rows.rows;
}

async function expectedRequests(by: { fromDepartmentId: number } | { requesterId: number }) {
  const cond = "fromDepartmentId" in by ? sql`from_department_id = ${by.fromDepartmentId}` : sql`requester_id = ${by.requesterId}`;
  const rows = await sql<{ number: string; title: string; status: string; dueAt: Date; createdAt: Date }>`
    select number, title, status, due_at, created_at from requests where ${cond} order by created_at desc, id desc`.execute(db.kysely);
  return rows.rows;
}

/** Pages through /api/inbox and checks the result against SQL: same tasks, each once, by deadline then id. */
async function checkInbox(who: { openId: string }, query: string, filter: InboxFilter, atLeast: number) {
  const s = await signIn(who.openId);
  const { items, pages } = await walk<InboxItem>(s, `/api/inbox${query ? `?${query}` : ""}`);
  const expected = await expectedInbox(filter);
  expect(expected.length, `the seed should give ${query || "the inbox"} at least ${atLeast} tasks`).toBeGreaterThanOrEqual(atLeast);
  expectSameList(`/api/inbox?${query}`, items.map((i) => i.taskId), expected.map((t) => t.id));
  expect(pages).toBe(Math.max(1, Math.ceil(expected.length / LIMIT)));
  // The order, read from the answers themselves.
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]!, items[i]!];
    const ordered = a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.taskId < b.taskId);
    if (!ordered) expect.fail(`/api/inbox?${query}: item ${i} (${b.dueAt} #${b.taskId}) comes after ${a.dueAt} #${a.taskId}`);
  }
  return { items, expected, pages };
}

/** The inbox line as the API should show it (lists hold only what the person may open, so nothing is masked). */
const asShown = (t: Awaited<ReturnType<typeof expectedInbox>>[number]): InboxItem => ({
  taskId: t.id,
  number: t.number,
  title: t.title,
  state: t.state,
  role: t.role,
  dueAt: iso(t.dueAt),
});

// ---------------------------------------------------------------------------------------------------------------

describe("the seed", () => {
  it("holds 100,000 requests, a lead task each and a supporting task for every third", async () => {
    const n = await sql<{ requests: string; leads: string; supporting: string; sensitive: string }>`
      select (select count(*) from requests) as requests,
             (select count(*) from tasks where role = 'lead') as leads,
             (select count(*) from tasks where role = 'supporting') as supporting,
             (select count(*) from requests where classification = 'sensitive') as sensitive`.execute(db.kysely);
    const row = n.rows[0]!;
    expect(Number(row.requests)).toBe(REQUESTS);
    expect(Number(row.leads)).toBe(REQUESTS);
    expect(Number(row.supporting)).toBe(Math.floor(REQUESTS / 3));
    expect(Number(row.sensitive)).toBeGreaterThan(1000);
    expect(seed.tasks).toBe(REQUESTS + Math.floor(REQUESTS / 3));
    // The numbering moved on: the next request of the year does not collide.
    const counter = await db.kysely.selectFrom("requestCounters").select("lastValue").where("prefix", "=", "XT").where("year", "=", 2026).executeTakeFirst();
    expect(counter?.lastValue).toBe(REQUESTS);
  });
});

describe("GET /api/inbox (部门收件), every page with limit=100", () => {
  it("the busiest agency's open tasks: each once, by deadline then id, titles as its head sees them", async () => {
    const { items, expected } = await checkInbox(busy.head, "", { departmentId: busy.id }, 5_000);
    expect(items.map(inboxFields)).toEqual(expected.map(asShown));
    // Deadlines are 17:30, so many tasks share one: some page boundary falls inside such a group, which only the
    // id in the cursor can get right.
    const splitTies = items.filter((t, i) => i > 0 && i % LIMIT === 0 && items[i - 1]!.dueAt === t.dueAt).length;
    expect(splitTies).toBeGreaterThan(0);
  });

  it("a member of the agency sees the same tasks but the sensitive ones they may not open", async () => {
    const member = busy.members.at(-1)!; // neither head nor dispatcher, never an assignee
    const { items, expected } = await checkInbox(member, "", { departmentId: busy.id, viewerId: member.id }, 5_000);
    expect(items.map(inboxFields)).toEqual(expected.map(asShown));
    const all = await expectedInbox({ departmentId: busy.id });
    expect(all.length - items.length).toBeGreaterThan(100);
  });

  it("state=completed (已办结, a closed state)", async () => {
    await checkInbox(plain.head, "state=completed", { departmentId: plain.id, states: ["completed"] }, 1_000);
  });

  it("state=pending_accept,in_progress", async () => {
    const { items } = await checkInbox(plain.head, "state=pending_accept,in_progress", { departmentId: plain.id, states: ["pending_accept", "in_progress"] }, 300);
    expect(new Set(items.map((i) => i.state))).toEqual(new Set(["pending_accept", "in_progress"]));
  });

  it("due=overdue (已超期): open tasks past their deadline", async () => {
    const { items } = await checkInbox(busy.head, "due=overdue", { departmentId: busy.id, dueBefore: NOW, running: true }, 3_000);
    expect(items.every((t) => new Date(t.dueAt) < NOW && t.state !== "awaiting_info")).toBe(true);
    const paused = await expectedInbox({ departmentId: busy.id, dueBefore: NOW, states: ["awaiting_info"] });
    expect(paused.length, "the seed has overdue-dated tasks paused for 补正, which due=overdue leaves out").toBeGreaterThan(0);
  });

  it("due=soon (临期): open tasks due within the coming day, not yet late", async () => {
    const { items } = await checkInbox(busy.head, "due=soon", { departmentId: busy.id, dueAtOrAfter: NOW, dueBefore: new Date(NOW.getTime() + SOON_MS) }, 101);
    expect(items.every((t) => new Date(t.dueAt) >= NOW)).toBe(true);
  });

  it("category=证照核查", async () => {
    await checkInbox(busy.head, `category=${encodeURIComponent(BULK_CATEGORIES[0])}`, { departmentId: busy.id, category: BULK_CATEGORIES[0] }, 500);
  });

  it("from=<requesting department>", async () => {
    const from = seed.departments[7]!;
    await checkInbox(busy.head, `from=${from.code}`, { departmentId: busy.id, fromDepartmentId: from.id }, 101);
  });

  it("state, due, category and from together", async () => {
    const from = seed.departments[2]!;
    await checkInbox(
      busy.head,
      `state=in_progress,awaiting_info&due=overdue&category=${encodeURIComponent(BULK_CATEGORIES[3])}&from=${from.code}`,
      { departmentId: busy.id, states: ["in_progress", "awaiting_info"], dueBefore: NOW, running: true, category: BULK_CATEGORIES[3], fromDepartmentId: from.id },
      1,
    );
  });

  it("q=<request number> finds that request's task, in either case; another agency's request is not there", async () => {
    const open = await expectedInbox({ departmentId: plain.id });
    const target = open[Math.floor(open.length / 2)]!;
    const { items } = await checkInbox(plain.head, `q=${target.number}`, { departmentId: plain.id, text: target.number }, 1);
    expect(items.map((i) => i.number)).toEqual([target.number]);
    const lower = await walk<InboxItem>(await signIn(plain.head.openId), `/api/inbox?q=${target.number.toLowerCase()}`);
    expect(lower.items.map((i) => i.taskId)).toEqual(items.map((i) => i.taskId));
    const elsewhere = (await expectedInbox({ departmentId: busy.id })).find((t) => !open.some((o) => o.number === t.number))!;
    await checkInbox(plain.head, `q=${elsewhere.number}`, { departmentId: plain.id, text: elsewhere.number }, 0);
  });

  it("q=<words of the title> (营业执照)", async () => {
    await checkInbox(plain.head, `q=${encodeURIComponent("营业执照")}`, { departmentId: plain.id, text: "营业执照" }, 101);
  });
});

describe("GET /api/outbox (部门发件) and GET /api/mine (我发起的)", () => {
  it("an agency's outbox: every request it raised, newest first, each once", async () => {
    const s = await signIn(plain.head.openId);
    const { items, pages } = await walk<RequestItem>(s, "/api/outbox");
    const expected = await expectedRequests({ fromDepartmentId: plain.id });
    expect(expected.length).toBeGreaterThan(2_000);
    expectSameList("/api/outbox", items.map((r) => r.number), expected.map((r) => r.number));
    expect(items.map(requestFields)).toEqual(expected.map((r) => ({ number: r.number, title: r.title, status: r.status, dueAt: iso(r.dueAt) })));
    expect(pages).toBe(Math.ceil(expected.length / LIMIT));
  });

  it("a person's own requests: all of them, newest first, each once", async () => {
    const s = await signIn(plain.busyMember.openId);
    const { items, pages } = await walk<RequestItem>(s, "/api/mine");
    const expected = await expectedRequests({ requesterId: plain.busyMember.id });
    expect(expected.length).toBeGreaterThan(500);
    expectSameList("/api/mine", items.map((r) => r.number), expected.map((r) => r.number));
    expect(items.map(requestFields)).toEqual(expected.map((r) => ({ number: r.number, title: r.title, status: r.status, dueAt: iso(r.dueAt) })));
    expect(pages).toBe(Math.ceil(expected.length / LIMIT));
  });

  it("the mini-app's page size (20) walks /api/mine just as completely", async () => {
    const s = await signIn(plain.members[1]!.openId);
    const { items } = await walk<RequestItem>(s, "/api/mine", 20);
    const expected = await expectedRequests({ requesterId: plain.members[1]!.id });
    expect(expected.length).toBeGreaterThan(40);
    expectSameList("/api/mine limit=20", items.map((r) => r.number), expected.map((r) => r.number));
  });
});

describe("GET /api/board (晾晒) and /api/board/cell", () => {
  const boardSql = async (departmentId?: number) => {
    const rows = await sql<{ fromCode: string; toCode: string; open: string; overdue: string }>`
      select o.code as from_code, d.code as to_code, count(*) as open, count(*) filter (where t.due_at < ${iso(NOW)}::timestamptz and t.state <> 'awaiting_info') as overdue
      from tasks t
      join requests r on r.id = t.request_id
      join departments o on o.id = r.from_department_id
      join departments d on d.id = t.department_id
      where t.state in (${sql.join([...OPEN_TASK_STATES])})
        ${departmentId === undefined ? sql`` : sql`and (r.from_department_id = ${departmentId} or t.department_id = ${departmentId})`}
      group by o.code, d.code
      order by o.code, d.code`.execute(db.kysely);
    return rows.rows.map((r) => ({ from: r.fromCode, to: r.toCode, open: Number(r.open), overdue: Number(r.overdue) }));
  };
  type Cell = { from: { code: string }; to: { code: string }; open: number; overdue: number };
  const shape = (cells: Cell[]) => cells.map((c) => ({ from: c.from.code, to: c.to.code, open: c.open, overdue: c.overdue }));

  it("a supervisor's board counts every open and overdue task of every pair of departments", async () => {
    const board = (await (await get(await signIn(seed.supervisor.openId), "/api/board")).json()) as { scope: string; cells: Cell[] };
    expect(board.scope).toBe("all");
    const expected = await boardSql();
    expect(expected.length).toBeGreaterThan(1_000);
    expect(shape(board.cells)).toEqual(expected);
    const total = await sql<{ n: string }>`select count(*) as n from tasks where state in (${sql.join([...OPEN_TASK_STATES])})`.execute(db.kysely);
    expect(board.cells.reduce((n, c) => n + c.open, 0)).toBe(Number(total.rows[0]!.n));
  });

  it("a head's board has the pairs touching their agency", async () => {
    const board = (await (await get(await signIn(plain.head.openId), "/api/board")).json()) as { scope: string; cells: Cell[] };
    expect(board.scope).toBe("mine");
    expect(shape(board.cells)).toEqual(await boardSql(plain.id));
  });

  it("a cell's pages list exactly the tasks it counts", async () => {
    const s = await signIn(seed.supervisor.openId);
    const board = (await (await get(s, "/api/board")).json()) as { cells: Cell[] };
    const cell = board.cells.filter((c) => c.to.code === busy.code).sort((a, b) => b.open - a.open)[0]!;
    expect(cell.open).toBeGreaterThan(LIMIT);
    const from = seed.departments.find((d) => d.code === cell.from.code)!;
    const { items } = await walk<InboxItem>(s, `/api/board/cell?from=${cell.from.code}&to=${cell.to.code}`);
    const expected = await expectedInbox({ departmentId: busy.id, fromDepartmentId: from.id });
    expectSameList("/api/board/cell", items.map((i) => i.taskId), expected.map((t) => t.id));
    expect(items.map(inboxFields)).toEqual(expected.map(asShown)); // a supervisor reads sensitive titles
    expect(items).toHaveLength(cell.open);
    expect(items.filter((t) => new Date(t.dueAt) < NOW && t.state !== "awaiting_info")).toHaveLength(cell.overdue);
  });
});

describe("a malformed cursor", () => {
  // What a person should get for a cursor the server did not issue (a truncated link, an old bookmark):
  // a 400 with a Chinese explanation — not page 1 again as if it were the next page, and not a 500.
  const garbage = "not-a-cursor";
  const badDate = Buffer.from("yesterday|12").toString("base64url"); // decodes to key|id, but the key is no time
  const cases: Array<[string, () => [{ openId: string }, string]]> = [
    ["/api/inbox", () => [busy.head, `/api/inbox?limit=20&cursor=${garbage}`]],
    ["/api/inbox (a key that is not a time)", () => [busy.head, `/api/inbox?limit=20&cursor=${badDate}`]],
    ["/api/outbox", () => [plain.head, `/api/outbox?limit=20&cursor=${garbage}`]],
    ["/api/mine", () => [plain.busyMember, `/api/mine?limit=20&cursor=${garbage}`]],
    ["/api/board/cell", () => [seed.supervisor, `/api/board/cell?from=${plain.code}&to=${busy.code}&limit=20&cursor=${garbage}`]],
  ];
  for (const [name, request] of cases) {
    it(`${name}: 400 with a message in Chinese`, async () => {
      const [who, path] = request();
      const res = await get(await signIn(who.openId), path);
      const body = (await res.json()) as { error?: { code: string; message: string }; items?: unknown[] };
      expect({ status: res.status, restartedAtPage1: Array.isArray(body.items) }).toEqual({ status: 400, restartedAtPage1: false });
      expect(body.error?.message).toMatch(/[\u4e00-\u9fff]/);
      expect(body.error?.message).toMatch(/cursor|翻页|分页/);
    });
  }
});
