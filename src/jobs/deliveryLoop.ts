import type { Deps } from "../commands/context";
import { deliverOutbox, SendLimiter, type MessageSender } from "./outboxDelivery";

/**
 * Runs outbox passes on a timer, and at once when kicked (after a chat command, so replies feel immediate).
 * One pass at a time in this process; other processes are kept apart by SKIP LOCKED.
 */
export function createDeliveryLoop(deps: Deps, sender: MessageSender, intervalMs = 2000) {
  const limiter = new SendLimiter();
  let running: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const pass = async () => {
    do {
      again = false;
      try {
        const r = await deliverOutbox(deps, sender, { limiter });
        if (r.delivered + r.retried + r.parked > 0) again = true;
      } catch (err) {
        console.error("消息投递出错：", err);
      }
    } while (again);
  };

  const kick = (): Promise<void> => {
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
    kick,
    start() {
      timer ??= setInterval(() => void kick(), intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
