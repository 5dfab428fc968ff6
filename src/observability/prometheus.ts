import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Metrics } from "./metrics";

/** Node's metrics: a prom-client registry of its own (process figures included), served at GET /metrics. */
export function createPrometheusMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "xietong_http_requests_total", help: "HTTP requests by method, route pattern and status", labelNames: ["method", "route", "status"], registers: [registry] });
  const latency = new Histogram({
    name: "xietong_http_request_duration_seconds",
    help: "HTTP request duration by method and route pattern",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const webhook = new Counter({ name: "xietong_webhook_events_total", help: "Platform events posted to /lark/events, by outcome", labelNames: ["outcome"], registers: [registry] });
  const jobs = new Histogram({ name: "xietong_job_duration_seconds", help: "Periodic job runs by job and result", labelNames: ["job", "result"], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60], registers: [registry] });
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
  const outboxPending = gauge("xietong_outbox_pending", "Outgoing messages waiting to be sent");
  const outboxOldest = gauge("xietong_outbox_oldest_age_seconds", "Age of the oldest message waiting to be sent");
  const outboxParked = gauge("xietong_outbox_parked", "Outgoing messages parked for an admin");
  const inboxPending = gauge("xietong_inbox_pending", "Received chat events not handled yet");
  const openTasks = gauge("xietong_tasks_open", "Open tasks");
  const overdueTasks = gauge("xietong_tasks_overdue", "Open tasks past their deadline");

  return {
    httpRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    webhookEvent: (outcome) => webhook.inc({ outcome }),
    jobRun: (job, seconds, ok) => jobs.observe({ job, result: ok ? "ok" : "error" }, seconds),
    async render(read) {
      const f = await read();
      outboxPending.set(f.outboxPending);
      outboxOldest.set(f.outboxOldestAgeSeconds);
      outboxParked.set(f.outboxParked);
      inboxPending.set(f.inboxPending);
      openTasks.set(f.openTasks);
      overdueTasks.set(f.overdueTasks);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
