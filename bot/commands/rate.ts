import { runCommand } from "../../src/commands/context";
import { taskEvaluator } from "../../src/commands/taskEvaluator";
import { RECTIFY_AT_OR_BELOW } from "../../src/domain/rectification";
import { DomainError } from "../../src/domain/types";
import { RATINGS } from "../presenters/cards";
import type { ChatCommand } from "../core/types";
import { takeDepartment, takeNumber } from "./args";
import { departmentCode } from "./lookup";

export const rateCommand: ChatCommand = {
  names: ["评价", "rate"],
  summary: "评价已办结的任务：1-5 分或 非常满意/满意/基本满意/不满意/非常不满意；不满意须写意见",
  usage: "/评价 编号 [@部门] 1-5|满意… [意见]",
  examples: ["/评价 XT-2026-000001 5 办理及时", "/评价 XT-2026-000001 不满意 答复超期且未说明原因"],
  async run({ deps, actor }, args) {
    const example = this.examples[0]!;
    const { number, rest } = takeNumber(args, example);
    const { department, rest: afterDept } = takeDepartment(rest);
    const [word = "", ...comment] = afterDept.split(/[\s\u3000]+/);
    const score = /^[1-5]$/.test(word) ? Number(word) : RATINGS.find(([, label]) => label === word)?.[0];
    if (!score) {
      throw new DomainError("invalid_score", `请给出 1 到 5 分，或写：${RATINGS.map(([, l]) => l).join("、")}。`, { example });
    }
    await runCommand(deps, actor, taskEvaluator, {
      task: { requestNumber: number, departmentCode: department ? await departmentCode(deps, department) : undefined },
      score,
      comment: comment.join(" "),
    });
    const thanks = `感谢评价：${RATINGS.find(([s]) => s === score)![1]}。`;
    return { text: score <= RECTIFY_AT_OR_BELOW ? `${thanks}已通知承办部门在 ${deps.config.rectifyWorkingDays} 个工作日内整改并答复，答复后请您确认。` : thanks };
  },
};
