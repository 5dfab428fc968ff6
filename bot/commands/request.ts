import { runCommand } from "../../src/commands/context";
import { chatFilesAttacher } from "../../src/commands/chatFilesAttacher";
import { requestCreator } from "../../src/commands/requestCreator";
import { formatLocalTime } from "../presenters/cards";
import type { ChatCommand } from "../core/types";
import { stateLabel } from "./format";

export const requestCommand: ChatCommand = {
  names: ["发起", "请求", "request", "new"],
  summary: "发起协同事项；不写 @部门 时按路由规则选择承办部门",
  usage: "/发起 [@部门 ...] 内容 [#类别] [截止:N个工作日|截止:YYYY-MM-DD|截止:M月D日] [!紧急|!特急]",
  examples: ["/发起 @市监局 核查某公司营业执照 截止:3个工作日", "/发起 某企业申请注销，请协助核查 !紧急"],
  async run({ deps, actor }, args) {
    const { request, tasks, plan } = await runCommand(deps, actor, requestCreator, { text: args, source: "chat" });
    // Files sent to the bot in the minutes before join the request they were sent for.
    const joined = await runCommand(deps, actor, chatFilesAttacher, { requestId: request.id });
    const lines = [
      `已发起协同事项 ${request.number}：${request.title}`,
      `发往：${plan.targets.map((d) => d.name).join("、")}${plan.targets.length > 1 ? `（联办，${plan.lead.name}主办）` : ""}`,
      `截止：${formatLocalTime(plan.dueAt.toISOString())}（${plan.rule ? `规则「${plan.rule.name}」` : "默认要求"}）`,
      `状态：${stateLabel(tasks[0]!.state)}${tasks[0]!.state === "pending_approval" ? "，已提交本部门负责人审批" : ""}`,
    ];
    if (plan.missingYears.length) lines.push(`注意：${plan.missingYears.join("、")} 年节假日尚无数据，截止时间按仅周末休息计算。`);
    if (joined.downloading) lines.push(`附件：正在接收的 ${joined.downloading} 个文件收到后将一并附上`);
    if (joined.names.length) lines.push(`附件：${request.classification === "sensitive" ? `${joined.names.length} 个文件` : joined.names.map((n) => `「${n}」`).join("、")}已一并附上`);
    lines.push(`查询进度：/查询 ${request.number}`);
    return { text: lines.join("\n") };
  },
};
