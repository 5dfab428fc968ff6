import { chatFilesAttacher, KEPT_FILE_TTL_MS } from "../../src/commands/chatFilesAttacher";
import { runCommand } from "../../src/commands/context";
import { attachmentsOfRequest } from "../../src/db/repositories/attachments";
import { requestDetail } from "../../src/db/repositories/views";
import { DomainError } from "../../src/domain/types";
import type { ChatCommand } from "../core/types";
import { takeNumber } from "./args";

export const attachCommand: ChatCommand = {
  names: ["附件", "attach"],
  summary: "把刚发给我的文件附到事项上；没有待附的文件时，列出该事项的附件",
  usage: "/附件 编号",
  examples: ["/附件 XT-2026-000001"],
  async run({ deps, actor }, args) {
    const { number } = takeNumber(args, this.examples[0]!);
    const detail = await requestDetail(deps.db.kysely, actor, number);
    if (!detail) throw new DomainError("not_found", `找不到编号为 ${number} 的协同事项，或您无权查看。`, { example: "/附件 XT-2026-000001" });
    const { names, downloading } = await runCommand(deps, actor, chatFilesAttacher, { requestId: detail.id, notify: true, withinMs: KEPT_FILE_TTL_MS });
    const all = await attachmentsOfRequest(deps.db.kysely, detail.id);
    const sensitive = detail.classification === "sensitive";
    if (names.length) {
      return { text: `已将${sensitive ? `${names.length} 个文件` : names.map((n) => `「${n}」`).join("、")}附到协同事项 ${number}（现有附件 ${all.length} 个），相关人员已收到通知。` };
    }
    if (downloading) return { text: `正在接收您发来的 ${downloading} 个文件，收到后将附到协同事项 ${number} 并通知您。` };
    if (!all.length) return { text: `协同事项 ${number} 还没有附件。把文件发给我后回复 /附件 ${number}，或在小程序的事项页面上传。` };
    // A sensitive request's files are never listed in chat.
    if (sensitive) return { text: `协同事项 ${number} 有附件 ${all.length} 个，请在小程序中查看。` };
    return { text: [`协同事项 ${number} 的附件（${all.length}）：`, ...all.map((a) => `· ${a.name}（${a.uploaderName}）`), "请在小程序中查看或下载。"].join("\n") };
  },
};
