import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createSandbox, type Sandbox } from "../../bot/sandbox";
import { encryptEvent, signEvent } from "../../bot/sandbox/events";
import type { Db } from "../../src/db/client";
import { smallOrg } from "./smallOrg";

// A burst of signed, encrypted chat events sent to real server processes (test/support/childServer.ts), as the
// platform sends them, and what came of it: requests in the database, the bot's replies in the sandbox.

export const BURST_APP = { id: "cli_a1b2c3d4e5f60718", secret: "crash-secret", encryptKey: "crash-encrypt-key", token: "crash-token" };
export const REQUESTERS = ["ou_member", "ou_member2"];

export interface BurstPlatform {
  sandbox: Sandbox;
  base: string;
  close(): Promise<void>;
}

/** The sandbox's Open API served by this process (the servers under test reach it through LARK_DOMAIN). */
export async function startBurstPlatform(): Promise<BurstPlatform> {
  const sandbox = createSandbox({ appId: BURST_APP.id, appSecret: BURST_APP.secret, encryptKey: BURST_APP.encryptKey, verificationToken: BURST_APP.token, retryDelaysMs: [] });
  for (const u of smallOrg.users) sandbox.addUser({ openId: u.openId, name: u.name });
  sandbox.addChat({ chatId: "oc_amr", name: "市市场监督管理局工作群", type: "group", members: ["ou_amrhead"] });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: sandbox.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    sandbox,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      sandbox.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The environment of a server process in webhook mode against the burst platform. */
export const burstServerEnv = (platformBase: string, extra: Record<string, string>) => ({
  LARK_APP_ID: BURST_APP.id,
  LARK_APP_SECRET: BURST_APP.secret,
  LARK_ENCRYPT_KEY: BURST_APP.encryptKey,
  LARK_VERIFICATION_TOKEN: BURST_APP.token,
  LARK_DOMAIN: platformBase,
  LARK_MODE: "webhook",
  ...extra,
});

export type BurstEvent = ReturnType<typeof envelopes>[number];

/** The burst: one request per event, each with a title of its own ("<tag>第n件"), from two people in turn. */
export function envelopes(sandbox: Sandbox, tag: string, size: number) {
  return Array.from({ length: size }, (_, n) => {
    const openId = REQUESTERS[n % REQUESTERS.length]!;
    return {
      n,
      openId,
      body: {
        schema: "2.0",
        header: { event_id: `ev_${tag}_${n}`, token: BURST_APP.token, create_time: String(Date.now()), event_type: "im.message.receive_v1", tenant_key: "t", app_id: BURST_APP.id },
        event: {
          sender: { sender_id: { open_id: openId }, sender_type: "user" },
          message: {
            message_id: `om_${tag}_${n}`,
            chat_id: sandbox.p2pChatFor(openId).chatId,
            chat_type: "p2p",
            message_type: "text",
            content: JSON.stringify({ text: `/发起 @市监局 核查营业执照 ${tag}第${n}件` }),
            mentions: [],
          },
        },
      },
    };
  });
}

/** One delivery as the platform makes it: encrypted, signed; status 0 when the server is gone. */
export async function deliver(base: string, envelope: unknown): Promise<number> {
  const body = JSON.stringify({ encrypt: encryptEvent(JSON.stringify(envelope), BURST_APP.encryptKey) });
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = Math.random().toString(36).slice(2);
  try {
    const res = await fetch(`${base}/lark/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lark-request-timestamp": ts, "x-lark-request-nonce": nonce, "x-lark-signature": signEvent(ts, nonce, BURST_APP.encryptKey, body) },
      body,
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * Fires the events four at a time, the n-th to bases[n % bases.length]; `midway` runs once when a third of
 * them was acknowledged. Answers each event's status (0: no answer).
 */
export async function burst(bases: string[], events: BurstEvent[], midway: () => Promise<void> = async () => undefined): Promise<Map<number, number>> {
  let acked = 0;
  let fired = false;
  const statuses = new Map<number, number>();
  const queue = [...events];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const status = await deliver(bases[e.n % bases.length]!, e.body);
        statuses.set(e.n, status);
        if (status === 200 && ++acked >= events.length / 3 && !fired) {
          fired = true;
          await midway();
        }
      }
    }),
  );
  return statuses;
}

/** The platform's redelivery: each event again until it is acknowledged. */
export async function redeliverAll(base: string, events: BurstEvent[]) {
  for (const e of events) {
    for (let attempt = 0; (await deliver(base, e.body)) !== 200; attempt++) {
      if (attempt > 20) throw new Error(`事件 ${e.n} 重投 20 次仍未被接受`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** The bot's replies about the burst, per event number. */
export function repliesPerEvent(sandbox: Sandbox, tag: string, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const openId of REQUESTERS) {
    for (const m of sandbox.messages({ receiveId: openId })) {
      if (m.sender.sender_type !== "app") continue;
      const hit = new RegExp(`${tag}第(\\d+)件`).exec(JSON.parse(m.content).text ?? "");
      if (hit) counts[Number(hit[1])]!++;
    }
  }
  return counts;
}

/** Waits (up to five minutes: the machine is shared) until every event was answered; answers the counts. */
export async function untilAnswered(sandbox: Sandbox, tag: string, size: number): Promise<number[]> {
  for (let i = 0; i < 600 && repliesPerEvent(sandbox, tag, size).some((c) => c === 0); i++) await new Promise((r) => setTimeout(r, 500));
  return repliesPerEvent(sandbox, tag, size);
}

export async function requestsPerEvent(db: Db, tag: string, size: number): Promise<number[]> {
  const rows = await db.kysely.selectFrom("requests").select("title").where("title", "like", `%${tag}第%`).execute();
  const counts = new Array<number>(size).fill(0);
  for (const r of rows) counts[Number(new RegExp(`${tag}第(\\d+)件`).exec(r.title)![1])]!++;
  return counts;
}
