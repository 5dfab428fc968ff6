import { randomUUID } from "node:crypto";
import type { Deps } from "../commands/context";
import { yieldToIo } from "./loop";
import { deliverOutbox, type DeliveryOptions, type MessageSender } from "./outboxDelivery";

export interface DeliveryLoopOptions extends Omit<DeliveryOptions, "workerId" | "stopping"> {
  /** how often to look for due messages when nobody kicks */
  intervalMs?: number;
}

/**
 * Runs outbox passes on a timer, and at once when kicked (after a chat command, so replies feel immediate).
 * One pass at a time in this loop; other loops and processes are kept apart by the recipient leases.
 */
export function createDeliveryLoop(deps: Deps, sender: MessageSender, opts: DeliveryLoopOptions = {}) {
  const { intervalMs = 2000, ...delivery } = opts;
  const workerId = `worker-${randomUUID()}`;
  let running: Promise<void> | null = null;
  let again = false;
  let stopping = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const pass = async () => {
    do {
      again = false;
      try {
        const r = await deliverOutbox(deps, sender, { ...delivery, workerId, stopping: () => stopping });
        if (r.delivered + r.retried + r.parked > 0) again = true;
      } catch (err) {
        console.error("消息投递出错：", err);
      }
      await yieldToIo();
    } while (again && !stopping);
  };

  const kick = (): Promise<void> => {
    if (stopping) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    workerId,
    kick,
    start() {
      timer ??= setInterval(() => void kick(), intervalMs);
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
