import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Delivery } from "./events";
import { decodeFrame, encodeFrame } from "./frame";

// The platform's side of long-connection mode: the endpoint the SDK's WSClient asks for, a WebSocket server on
// loopback, and event delivery as data frames answered by the client's ack frames.

export interface LongConnectionHub {
  /** POST /callback/ws/endpoint */
  endpoint(body: { AppID?: string; AppSecret?: string }): Promise<{ code: number; msg: string; data?: unknown }>;
  connected(): boolean;
  deliver(envelope: unknown, timeoutMs?: number): Promise<Delivery>;
  close(): void;
}

export function createLongConnectionHub(opts: { appId: string; appSecret: string }): LongConnectionHub {
  let server: WebSocketServer | null = null;
  let port = 0;
  const clients = new Set<WebSocket>();
  const waiting = new Map<string, (d: Delivery) => void>();

  async function listen() {
    if (server) return;
    server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => server!.once("listening", () => resolve()));
    port = (server.address() as AddressInfo).port;
    server.on("connection", (socket) => {
      clients.add(socket);
      socket.on("close", () => clients.delete(socket));
      socket.on("message", (raw: Buffer) => {
        const frame = decodeFrame(raw);
        const header = (k: string) => frame.headers.find((h) => h.key === k)?.value;
        if (frame.method === 0 && header("type") === "ping") {
          // pong carries the client settings, as the platform's does
          const pong = Buffer.from(JSON.stringify({ PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 }));
          socket.send(encodeFrame({ ...frame, headers: [{ key: "type", value: "pong" }], payload: pong }));
          return;
        }
        const id = header("message_id");
        const resolve = id ? waiting.get(id) : undefined;
        if (!resolve) return;
        waiting.delete(id!);
        const ack = JSON.parse(Buffer.from(frame.payload ?? []).toString() || "{}") as { code?: number; data?: string };
        const body = ack.data ? JSON.parse(Buffer.from(ack.data, "base64").toString()) : {};
        resolve({ status: ack.code ?? 0, body });
      });
    });
  }

  return {
    async endpoint(body) {
      if (body.AppID !== opts.appId || body.AppSecret !== opts.appSecret) return { code: 1000040343, msg: "app id or secret invalid" };
      await listen();
      return {
        code: 0,
        msg: "ok",
        data: {
          URL: `ws://127.0.0.1:${port}/ws?device_id=sandbox_${randomBytes(4).toString("hex")}&service_id=1`,
          ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 },
        },
      };
    },
    connected: () => clients.size > 0,
    deliver(envelope, timeoutMs = 3000) {
      // Each event goes to one of the connected clients, at random.
      const list = [...clients];
      const socket = list[Math.floor(Math.random() * list.length)];
      if (!socket) return Promise.resolve({ status: 0, body: "没有长连接客户端" });
      const messageId = `msg_${randomBytes(8).toString("hex")}`;
      return new Promise<Delivery>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(messageId);
          resolve({ status: 0, body: "长连接客户端未在 3 秒内应答" });
        }, timeoutMs);
        waiting.set(messageId, (d) => {
          clearTimeout(timer);
          resolve(d);
        });
        const headers = [
          { key: "type", value: "event" },
          { key: "message_id", value: messageId },
          { key: "sum", value: "1" },
          { key: "seq", value: "0" },
          { key: "trace_id", value: randomBytes(8).toString("hex") },
        ];
        socket.send(encodeFrame({ SeqID: 0, LogID: 0, service: 1, method: 1, headers, payload: Buffer.from(JSON.stringify(envelope)) }));
      });
    },
    close() {
      for (const c of clients) c.terminate();
      server?.close();
      server = null;
    },
  };
}
