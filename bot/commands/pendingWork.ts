import { loadLightClock } from "../../src/commands/escalationPolicy";
import { pendingWorkFor } from "../../src/db/repositories/views";
import type { ChatCommand } from "../core/types";
import { listLines } from "./format";

export const pendingWorkCommand: ChatCommand = {
  names: ["待办", "todo"],
  summary: "等我处理的：待审批、待签收、待分办、待办理、待确认办结、待补正",
  usage: "/待办",
  examples: ["/待办"],
  async run({ deps, actor }) {
    const t = await pendingWorkFor(deps.db.kysely, actor);
    const clock = await loadLightClock(deps.db.kysely, deps);
    const section = (title: string, items: typeof t.approvals, hint: string) =>
      items.length ? [`${title}（${items.length}）：`, ...listLines(items, clock), `  ${hint}`] : [];
    const lines = [
      ...section("待我审批", t.approvals, "审批：/同意 编号 或 /驳回 编号 理由"),
      ...section("本部门待签收", t.toAccept, "签收：/签收 编号；退回：/退回 编号 原因"),
      ...section("已签收待指派经办人", t.toAssign, "请在小程序中打开事项，点「指派经办人」"),
      ...section("待我办理", t.toHandle, "办结：/办结 编号 结果；要求补正：/要求补正 编号 缺少的材料"),
      ...section("待我确认办结", t.toConfirm, "确认：/确认办结 编号；退回重办：/退回重办 编号 理由"),
      ...section("待我补正材料", t.toSupply, "补正：/补充 编号 内容"),
      ...section("本部门待答复的整改", t.toRectify, "答复：/整改 编号 整改内容（截止为整改期限）"),
      ...section("待我确认的整改", t.toConfirmRectification, "确认：/整改确认 编号；有异议：/整改异议 编号 理由"),
      ...section("待我裁定的整改异议与申诉", t.toDecide, "请在小程序中打开事项裁定"),
    ];
    return { text: lines.length ? lines.join("\n") : "暂无待办事项。" };
  },
};
