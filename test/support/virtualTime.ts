import { nextDeliveryAt } from "../../src/db/repositories/sendQuotas";
import type { Harness } from "./harness";

/**
 * A sleep that moves the harness clock instead of waiting. Sleepers wake in the order of the time they asked
 * for, the clock set to that time, once nothing new has gone to sleep for a moment (so that workers busy
 * sending see time stand still, as they would if sending took no time). Nothing waits for long in real time.
 */
export function virtualSleep(h: () => Pick<Harness, "deps" | "setNow">) {
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const wakeEarliest = () => {
    timer = null;
    if (sleepers.length === 0) return;
    sleepers.sort((a, b) => a.at - b.at);
    const at = sleepers[0]!.at;
    if (h().deps.now().getTime() < at) h().setNow(new Date(at).toISOString());
    for (const s of sleepers.splice(0, sleepers.filter((x) => x.at <= at).length)) s.wake();
    if (sleepers.length > 0) settleThenWake();
  };
  const settleThenWake = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(wakeEarliest, 5);
  };
  return (ms: number) =>
    new Promise<void>((wake) => {
      sleepers.push({ at: h().deps.now().getTime() + ms, wake });
      settleThenWake();
    });
}

/**
 * Runs delivery passes, moving the clock to whenever delivery next has something to do, until nothing waits.
 * Answers the number of passes.
 */
export async function drain(h: Pick<Harness, "deps" | "setNow" | "db">, pass: () => Promise<unknown>, maxPasses = 2000): Promise<number> {
  for (let i = 1; i <= maxPasses; i++) {
    await pass();
    const next = await nextDeliveryAt(h.db.kysely);
    if (!next) return i;
    if (next > h.deps.now()) h.setNow(next.toISOString());
  }
  throw new Error(`delivery did not finish in ${maxPasses} passes`);
}
