import { randomUUID } from "node:crypto";
import { CompiledQuery, sql } from "kysely";
import { createInboxHandler } from "../../bot/lark/inbound";
import { runCommand, type Deps } from "../../src/commands/context";
import { orgImporter } from "../../src/commands/orgImporter";
import { loadConfig } from "../../src/config";
import type { Db } from "../../src/db/client";
import { storeEvent } from "../../src/db/repositories/inbox";
import { perform as handleInbox } from "../../src/jobs/inboxWorker";
import { envelopes } from "../support/eventBurst";
import type { Sandbox } from "../../bot/sandbox";
import { ADMIN } from "../support/harness";
import { smallOrg } from "../support/smallOrg";

// The event path measured from inside: the statements one `/发起` event costs once acknowledged (the inbox
// worker's transaction: claim, actor, routing, request, tasks, audit, outbox, reply, mark handled), and the
// ceiling: those same statements replayed on the database with fresh keys, with no application in between.

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** A recorder for createDb's onQuery: on while `recording` is set. */
export function statementRecorder() {
  const statements: Statement[] = [];
  let on = false;
  return {
    onQuery: (text: string, parameters: readonly unknown[]) => void (on && statements.push({ sql: text, parameters })),
    async record<T>(work: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
      statements.length = 0;
      on = true;
      try {
        return { result: await work(), statements: [...statements] };
      } finally {
        on = false;
      }
    },
  };
}

export async function seedOrg(db: Db): Promise<void> {
  await runCommand({ db, config: loadConfig({}), now: () => new Date() }, ADMIN, orgImporter, smallOrg);
}

/** The ids the captured request and tasks get, far from any other small integer among the parameters. */
const CAPTURE_REQUEST_ID = 700_001;
const CAPTURE_TASK_ID = 800_001;

/**
 * Lets the inbox worker handle three `/发起` events one after the other and records what the third one's
 * handling sent to the database: the steady state, once this server's copy of the organisation is warm. With
 * `cold`, the first one's instead (copy loaded in its transaction).
 */
export async function captureOneEvent(db: Db, rec: ReturnType<typeof statementRecorder>, sandbox: Sandbox, cold = false): Promise<Statement[]> {
  const deps: Deps = { db, config: loadConfig({}), now: () => new Date() };
  const events = envelopes(sandbox, cold ? "冷探针" : "探针", 3);
  let recorded: Statement[] = [];
  for (const [i, event] of events.entries()) {
    if (!cold && i === events.length - 1) {
      await sql`select setval('requests_id_seq', ${CAPTURE_REQUEST_ID - 1})`.execute(db.kysely);
      await sql`select setval('tasks_id_seq', ${CAPTURE_TASK_ID - 1})`.execute(db.kysely);
    }
    await storeEvent(db.kysely, { eventId: event.body.header.event_id, eventType: "im.message.receive_v1", payload: event.body.event, at: deps.now() });
    const { result, statements } = await rec.record(() => handleInbox(deps, createInboxHandler("协同助手"), { limit: 1 }));
    if (result.handled !== 1) throw new Error("探针事件未被处理");
    if (i === (cold ? 0 : events.length - 1)) recorded = statements;
    if (cold) break;
  }
  return recorded;
}

/**
 * One replay of the captured handling in one transaction: the request's and tasks' ids, its number (and the
 * placeholder it carries until numbered), the chain name, the message uuids and the event's id replaced by fresh
 * ones, so each replay writes a request of its own and no two replays meet on a row or a unique key that two real
 * events would not (the same placeholder would make each replay wait at the requests insert for the one before it
 * to commit; the same event id, at its handled mark). The event's handled mark then finds no row: the replay does a
 * little less there than the server.
 */
export async function replayOnce(db: Db, statements: Statement[], unique: number): Promise<void> {
  await db.transaction(async (trx) => {
    let requestId = CAPTURE_REQUEST_ID;
    const taskIds = new Map<number, number>();
    for (const s of statements) {
      const parameters = s.parameters.map((p) => {
        if (p === CAPTURE_REQUEST_ID) return requestId;
        if (typeof p === "number" && taskIds.has(p)) return taskIds.get(p);
        if (typeof p !== "string") return p;
        if (/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(p)) return randomUUID();
        if (/^~[0-9a-f]{8}-[0-9a-f]{4}-/.test(p)) return `~${randomUUID()}`;
        if (/^ev_/.test(p)) return `${p}#${unique}`;
        if (/^[A-Z][A-Z0-9]*-\d{4}-\d{6,}$/.test(p)) return p.replace(/-\d+$/, `-${String(1_000_000 + unique)}`);
        return p.replaceAll(`request:${CAPTURE_REQUEST_ID}`, `request:${requestId}`).replace(/task:(\d+):/g, (m, id) => (taskIds.has(Number(id)) ? `task:${taskIds.get(Number(id))}:` : m));
      });
      const res = await trx.executeQuery<{ id?: number }>(CompiledQuery.raw(s.sql, parameters as unknown[]));
      if (/^insert into "requests"/.test(s.sql)) requestId = res.rows[0]!.id!;
      if (/^insert into "tasks"/.test(s.sql)) res.rows.forEach((r, i) => taskIds.set(CAPTURE_TASK_ID + i, r.id!));
    }
  });
}
