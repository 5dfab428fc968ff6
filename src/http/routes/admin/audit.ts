import { Hono } from "hono";
import { z } from "zod";
import { verifyAudit } from "../../../db/repositories/auditVerification";
import { presentAuditReport } from "../../../presenters/audit";
import type { AppEnv } from "../../env";
import { bearerAuth } from "../../middleware/bearer-auth";
import { describe } from "../../validation";

const iso = z.string().meta({ description: "ISO 8601 时间，含时区" });
const AuditReportSchema = z.strictObject({
  ok: z.boolean().meta({ description: "每条链、每个检查点都完好" }),
  chains: z.number().int(),
  records: z.number().int(),
  checkpoints: z.number().int(),
  signaturesChecked: z.boolean().meta({ description: "是否用 AUDIT_HMAC_KEY 核验了检查点签名" }),
  lastCheckpoint: z
    .strictObject({ seq: z.number().int(), takenAt: iso, digest: z.string(), chains: z.number().int(), records: z.number().int() })
    .nullable()
    .meta({ description: "最新检查点；其摘要应与管理员群中最后一条检查点消息一致" }),
  problems: z.array(
    z.strictObject({
      chain: z.string().nullable().meta({ description: "出问题的链（request:<id> 或 org）；检查点本身的问题为 null" }),
      requestNumber: z.string().nullable(),
      seq: z.number().int().nullable(),
      reason: z.string(),
      text: z.string().meta({ description: "给人读的一行说明" }),
    }),
  ),
});

/** 留痕: verifying every audit chain against itself and against the signed checkpoints. */
export const auditRoutes = new Hono<AppEnv>().use("*", bearerAuth({ roles: ["admin"] })).get(
  "/verify",
  describe({
    tag: "管理",
    auth: "admin",
    summary: "核验留痕",
    description:
      "逐条核验每条留痕链（哈希、衔接、序号连续）与每个检查点（序号、摘要链、签名），并把每条链与最近一次检查点记下的链头比对：被改动的记录、被删除的中间或末尾记录、被删除的整条链、改写后重算哈希的链都会列出。最近一次检查点之后追加又被删除的记录无法发现。与 npm run audit:verify 相同。",
    responses: { 200: { description: "核验结果（ok 为 false 时 problems 列出每处问题）", schema: AuditReportSchema } },
  }),
  async (c) => {
    const deps = c.get("deps");
    return c.json(presentAuditReport(await verifyAudit(deps.db.kysely, deps.config.audit.hmacKey)));
  },
);
