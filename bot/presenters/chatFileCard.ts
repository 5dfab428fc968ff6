import { KEPT_FILE_TTL_MS } from "../../src/commands/chatFilesAttacher";
import type { Card } from "../core/types";

// The "which request?" card: a file sent in chat whose request the bot could not tell is kept, and the person
// picks one of their open requests (newest first) or answers /附件 编号. Its own presenter (not in cards.ts).

export interface WhichRequestView {
  /** the kept file, e.g. 「营业执照.pdf」（12.3 KB） */
  file: string;
  choices: Array<{ number: string; title: string }>;
  /** the person the files are kept for: only they may press */
  owner: string;
  /** once pressed: the request the files joined */
  attachedTo?: string | null;
}

const TTL_HOURS = KEPT_FILE_TTL_MS / 3600_000;

export function whichRequestCard(v: WhichRequestView): Card {
  const elements: unknown[] = [];
  if (v.attachedTo) {
    elements.push({ tag: "markdown", content: `已收到 ${v.file}，已附到协同事项 **${v.attachedTo}**。` });
  } else {
    elements.push({
      tag: "markdown",
      content: [
        `已收到 ${v.file}，请选择要附到哪个协同事项（${TTL_HOURS} 小时内有效，过期不再保留）。`,
        v.choices.length ? "您未办结的事项：" : "您目前没有未办结的事项。",
      ].join("\n"),
    });
    for (const c of v.choices) {
      elements.push({
        tag: "button",
        text: { tag: "plain_text", content: `${c.number} ${c.title}`.slice(0, 60) },
        type: "default",
        behaviors: [{ type: "callback", value: { a: "chatfile_attach", number: c.number, o: v.owner } }],
      });
    }
    elements.push({
      tag: "markdown",
      content: `也可以回复 /附件 编号，例如：/附件 ${v.choices[0]?.number ?? "XT-2026-000001"}；如要发起新事项，直接发送 /发起，文件会一并附上。`,
    });
  }
  return {
    schema: "2.0",
    config: { update_multi: true },
    header: { title: { tag: "plain_text", content: v.attachedTo ? "文件已附上" : "这个文件附到哪个事项？" }, template: v.attachedTo ? "green" : "blue" },
    body: { elements },
  };
}
