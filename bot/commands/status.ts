import { isUnderSupervision } from "../../src/db/repositories/supervisions";
import { requestDetail } from "../../src/db/repositories/views";
import { DomainError } from "../../src/domain/types";
import { extensionNote, formatLocalTime, lightMark } from "../presenters/cards";
import { loadLightClock } from "../../src/commands/escalationPolicy";
import { presentLight } from "../../src/presenters/light";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";
import { shownTitle, stateLabel } from "./format";

export const statusCommand: ChatCommand = {
  names: ["查询", "status"],
  summary: "查看协同事项的状态、截止时间和各承办部门的进度",
  usage: "/查询 编号",
  examples: ["/查询 XT-2026-000001"],
  async run({ deps, actor }, args) {
    const { number } = takeNumber(args, "/查询 XT-2026-000001");
    const d = await requestDetail(deps.db.kysely, actor, number);
    if (!d) throw new DomainError("not_found", `找不到编号为 ${number} 的协同事项，或您无权查看。`, { example: "/查询 XT-2026-000001" });
    const clock = await loadLightClock(deps.db.kysely, deps);
    const supervised = new Set<number>();
    for (const t of d.tasks) if (await isUnderSupervision(deps.db.kysely, t.id)) supervised.add(t.id);
    const lines = [
      `${d.number} ${shownTitle(d)}`,
      `发起：${d.fromDepartmentName} ${d.requesterName}｜状态：${stateLabel(d.status)}｜截止：${formatLocalTime(d.dueAt.toISOString())}`,
      ...d.tasks.map(
        (t) =>
          `· ${t.departmentName}（${t.role === "lead" ? "主办" : "协办"}）：${stateLabel(t.state)}${t.assigneeName ? `，经办人 ${t.assigneeName}` : ""}，截止 ${formatLocalTime(t.dueAt.toISOString())}` +
          (extensionNote(t.originalDueAt, t.extensionCount) ? `（${extensionNote(t.originalDueAt, t.extensionCount)}）` : "") +
          (t.state === "pending_accept" && t.acceptDueAt ? `，签收时限 ${formatLocalTime(new Date(t.acceptDueAt).toISOString())}` : "") +
          `｜${lightMark(presentLight(t, clock).light, presentLight(t, clock).lightText)}` +
          (supervised.has(t.id) ? "｜督办中" : ""),
      ),
    ];
    return { text: lines.join("\n") };
  },
};
