import type { OpsFigures } from "../db/repositories/opsFigures";

/**
 * The metrics interface. Node records into prom-client (./prometheus.ts); Workers, the CLIs and tests that do
 * not ask for metrics get the no-op below. `route` is always a route pattern (/api/requests/:number), never a raw path.
 */
export interface Metrics {
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** one platform event posted to the webhook, by what became of it (message_stored, card_answered, bad_signature, …) */
  webhookEvent(outcome: string): void;
  jobRun(job: string, seconds: number, ok: boolean): void;
  /** the Prometheus text exposition; the database figures are read through `read` at scrape time */
  render(read: () => Promise<OpsFigures>): Promise<{ contentType: string; body: string }> | null;
}

export const noopMetrics: Metrics = {
  httpRequest: () => undefined,
  webhookEvent: () => undefined,
  jobRun: () => undefined,
  render: () => null,
};
