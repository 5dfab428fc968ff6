import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestCreator } from "../../src/commands/requestCreator";
import { issueApiToken } from "../../src/db/repositories/apiTokens";
import { createApp } from "../../src/http/app";
import { createHarness, type Harness } from "../support/harness";

const demoCity = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "bot", "sandbox", "demo-city.json"), "utf8"));

let h: Harness;
let app: ReturnType<typeof createApp>;
let admin = "";
let supervisor = "";

beforeAll(async () => {
  h = await createHarness("2026-11-23T10:00:00+08:00"); // Monday
  app = createApp(h.deps);
  admin = (await issueApiToken(h.db.kysely, { name: "测试", role: "admin" })).token;
  supervisor = (await issueApiToken(h.db.kysely, { name: "督查系统", role: "supervisor" })).token;
});
afterAll(() => h.close());

const post = (path: string, body: unknown, token = admin) =>
  app.request(path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const dryRun = async (body: Record<string, unknown>) => {
  const res = await post("/api/admin/routing/dry-run", body);
  return { status: res.status, body: (await res.json()) as any };
};

describe("POST /api/admin/import", () => {
  it("loads the demo city and reports what it created", async () => {
    const res = await post("/api/admin/import", demoCity);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.applied).toBe(true);
    const count = (kind: string) => report.created.filter((e: { kind: string }) => e.kind === kind).length;
    expect([count("department"), count("user"), count("rule"), count("holiday")]).toEqual([19, 38, 12, 3]);
    expect(report.rejected).toEqual([]);
  });

  it("importing the same document again changes nothing", async () => {
    const report = await (await post("/api/admin/import", demoCity)).json();
    expect(report.created).toEqual([]);
    expect(report.updated).toEqual([]);
    expect(report.unchanged).toHaveLength(19 + 38 + 12 + 3);
  });

  it("is all or nothing: one bad item rejects the whole document, with every reason", async () => {
    const res = await post("/api/admin/import", {
      departments: [{ code: "city-new", name: "市新设局", aliases: ["市监局"] }, { code: "city-ok", name: "市统计局" }],
      users: [{ openId: "ou_ghost", name: "无名", department: "no-such-dept", roles: ["member"] }],
      rules: [{ code: "bad-lead", name: "主办错误", priority: 1, match: {}, action: { targets: ["city-amr"], lead: "city-tax" } }],
      holidays: [{ date: "2027-02-30", kind: "holiday" }, { date: "2027-03-01", kind: "vacation" }],
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("import_rejected");
    expect(body.error.message).toContain("已全部回滚");
    expect(body.error.report.applied).toBe(false);
    const reasons = Object.fromEntries(body.error.report.rejected.map((r: { key: string; reason: string }) => [r.key, r.reason]));
    expect(reasons["city-new"]).toBe("名称或简称「市监局」已被部门 city-amr 使用，简称必须唯一");
    expect(reasons.ou_ghost).toBe("所属部门 no-such-dept 不存在");
    expect(reasons["bad-lead"]).toBe("主办部门 city-tax 必须是承办部门（targets）之一");
    expect(reasons["2027-02-30"]).toBe("不是有效日期");
    expect(reasons["2027-03-01"]).toContain("kind 只能是 holiday（放假）或 workday（调休上班）");
    // Nothing of the document was applied, not even its good parts.
    expect(await h.db.kysely.selectFrom("departments").select("id").where("code", "=", "city-ok").executeTakeFirst()).toBeUndefined();
  });

  it("a document of the wrong shape is answered with an example", async () => {
    const res = await post("/api/admin/import", { department: [] });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("invalid_import");
    expect(body.error.example).toContain('"departments"');
    expect((await post("/api/admin/import", "{not json")).status).toBe(400);
    expect((await (await post("/api/admin/import", "")).json()).error.code).toBe("invalid_json");
  });

  it("text no database column can hold is refused before anything is checked, naming where it is", async () => {
    const res = await post("/api/admin/import", { departments: [{ code: "city-new", name: "市新设局\u0000" }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "invalid_input", message: "请求参数有误：departments[0].name 含有不允许的字符（空字符 U+0000 或不成对的代理项），请删除后重试。" });
    const surrogate = await post("/api/admin/import", '{"users":[{"openId":"ou_\\udc00","name":"无名","department":"city-amr"}]}');
    expect((await surrogate.json()).error.message).toContain("users[0].openId 含有不允许的字符");
  });

  it("a parked message's id past PostgreSQL's integer is a 400, an unknown one a 404", async () => {
    const huge = await app.request("/api/admin/outbox/2147483648/retry", { method: "POST", headers: { authorization: `Bearer ${admin}` } });
    expect(huge.status).toBe(400);
    expect((await huge.json()).error.message).toBe("请求参数有误：id: id 须为 1 到 2147483647 的整数");
    const unknown = await app.request("/api/admin/outbox/2147483647/retry", { method: "POST", headers: { authorization: `Bearer ${admin}` } });
    expect(unknown.status).toBe(404);
  });

  it("needs an admin token", async () => {
    expect((await app.request("/api/admin/import", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await post("/api/admin/import", demoCity, "xt_wrong")).status).toBe(401);
    const res = await post("/api/admin/import", demoCity, supervisor);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain("需要 admin 角色");
  });
});

describe("POST /api/admin/routing/dry-run", () => {
  it("a street office's licence check goes to the district regulator by its rule", async () => {
    const { status, body } = await dryRun({ text: "核查某公司营业执照", fromDepartment: "dh-binjiang" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      targets: [{ code: "dh-amr", name: "东湖区市场监督管理局" }],
      rule: { code: "district-licence", version: 1 },
      policy: { slaWorkingDays: 3, outboundApproval: false, completionReview: false },
      dueAt: "2026-11-26T09:30:00.000Z", // Monday + 3 working days, 17:30 Shanghai
    });
    expect(body.explanation).toContain("街镇证照核查（区级）");
  });

  it("a city office's licence check goes to the city regulator; the disabled rule never applies", async () => {
    const { body } = await dryRun({ text: "请协助核查某公司营业执照", fromDepartment: "city-gso" });
    expect(body.targets).toEqual([{ code: "city-amr", name: "市市场监督管理局" }]);
    expect(body.rule).toEqual({ code: "licence", version: 1 });
  });

  it("explicit @ targets win, and the matching rule still gives the policy", async () => {
    const { body } = await dryRun({ text: "@市监局 核查某公司营业执照 截止:2个工作日", fromDepartment: "dh-binjiang" });
    expect(body.targets).toEqual([{ code: "city-amr", name: "市市场监督管理局" }]);
    expect(body.rule).toEqual({ code: "district-licence", version: 1 });
    expect(body.dueAt).toBe("2026-11-25T09:30:00.000Z");
  });

  it("向X names a department only when X is one", async () => {
    expect((await dryRun({ text: "向人社局了解某人参保情况", fromDepartment: "city-gso" })).body.targets).toEqual([
      { code: "city-hrss", name: "市人力资源和社会保障局" },
    ]);
  });

  it("an enterprise closure is a joint request led by the regulator, with approval and review", async () => {
    const { body } = await dryRun({ text: "某企业申请注销，请各部门核查办理", fromDepartment: "city-gso" });
    expect(body.targets.map((t: { code: string }) => t.code)).toEqual(["city-amr", "city-tax", "city-hrss"]);
    expect(body.lead.code).toBe("city-amr");
    expect(body.policy).toEqual({ slaWorkingDays: 10, outboundApproval: true, completionReview: true });
    expect(body.explanation).toContain("联办");
  });

  it("特急 picks the critical-only rule and its one-day deadline", async () => {
    const { body } = await dryRun({ text: "发现重大安全生产隐患 !特急", fromDepartment: "dh-qingshan" });
    expect(body.rule).toEqual({ code: "work-safety", version: 1 });
    expect(body.dueAt).toBe("2026-11-24T09:30:00.000Z");
  });

  it("counts National Day 2026 as days off and its Saturday make-up day as a workday", async () => {
    const { body } = await dryRun({ text: "核查某公司营业执照", fromDepartment: "city-gso", submittedAt: "2026-09-30T10:00:00+08:00" });
    expect(body.dueAt).toBe("2026-10-10T09:30:00.000Z");
  });

  it("uses the imported 2027 New Year holiday, and warns for a year without data", async () => {
    const { body } = await dryRun({ text: "核查某人户籍信息", fromDepartment: "city-gso", submittedAt: "2026-12-30T10:00:00+08:00" });
    expect(body.rule).toEqual({ code: "household", version: 1 });
    expect(body.dueAt).toBe("2027-01-04T09:30:00.000Z"); // Dec 31, (Jan 1 off, weekend), Jan 4
    expect(body.missingYears).toEqual([]);
    const late = await dryRun({ text: "核查某人户籍信息", fromDepartment: "city-gso", submittedAt: "2027-12-30T10:00:00+08:00" });
    expect(late.body.missingYears).toEqual([2028]);
    expect(late.body.explanation).toContain("2028 年的节假日安排尚无数据，暂按仅周末休息计算");
  });

  it("unknown department: 422 with the closest names", async () => {
    const { status, body } = await dryRun({ text: "@市监察局 核查某公司", fromDepartment: "city-gso" });
    expect(status).toBe(422);
    expect(body.error.code).toBe("unknown_department");
    expect(body.error.message).toMatch(/^找不到部门「市监察局」，您是否要找：/);
    expect(body.error.candidates.map((c: { code: string }) => c.code)).toContain("city-amr");
  });

  it("ambiguous fragment: 422 with every match", async () => {
    const { status, body } = await dryRun({ text: "@市场监督 核查营业执照", fromDepartment: "city-gso" });
    expect(status).toBe(422);
    expect(body.error.code).toBe("ambiguous_department");
    expect(body.error.candidates).toEqual([
      { code: "city-amr", name: "市市场监督管理局" },
      { code: "dh-amr", name: "东湖区市场监督管理局" },
    ]);
  });

  it("no target and no rule: 422 no_route", async () => {
    const { status, body } = await dryRun({ text: "请帮忙看一下这个情况", fromDepartment: "city-gso" });
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "no_route", example: "/发起 @市监局 核查某公司营业执照" });
  });

  it("a deadline later than the rule allows is refused", async () => {
    const { status, body } = await dryRun({ text: "核查某公司营业执照 截止:5个工作日", fromDepartment: "city-gso" });
    expect(status).toBe(422);
    expect(body.error.code).toBe("deadline_too_late");
    expect(body.error.message).toContain("晚于规则允许的 3 个工作日");
  });

  it("malformed input is answered 400 with a correct example", async () => {
    const { status, body } = await dryRun({ text: "", fromDepartment: "city-gso", submittedAt: "昨天" });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.message).toContain("text 不能为空");
    expect(body.error.message).toContain("submittedAt 须为 ISO 时间");
    expect(body.error.example).toContain("fromDepartment");
  });

  it("writes nothing", async () => {
    const before = await h.db.kysely.selectFrom("requests").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    await dryRun({ text: "核查某公司营业执照", fromDepartment: "city-gso" });
    const after = await h.db.kysely.selectFrom("requests").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe("rule versions", () => {
  it("an edited rule becomes version 2; tasks keep the version that routed them", async () => {
    const { tasks } = await h.as("ou_gaofeng", requestCreator, { text: "核查某公司营业执照", source: "api" });
    const v1 = tasks[0]!.ruleId;
    const edited = structuredClone(demoCity);
    edited.rules.find((r: { code: string }) => r.code === "licence").action.slaWorkingDays = 2;
    const report = await (await post("/api/admin/import", edited)).json();
    expect(report.updated).toEqual([{ kind: "rule", key: "licence" }]);
    const { body } = await dryRun({ text: "核查某公司营业执照", fromDepartment: "city-gso" });
    expect(body.rule).toEqual({ code: "licence", version: 2 });
    expect(body.policy.slaWorkingDays).toBe(2);
    const task = await h.db.kysely.selectFrom("tasks").select("ruleId").where("id", "=", tasks[0]!.id).executeTakeFirstOrThrow();
    const rule = await h.db.kysely.selectFrom("routingRules").select(["version", "action"]).where("id", "=", task.ruleId!).executeTakeFirstOrThrow();
    expect(task.ruleId).toBe(v1);
    expect(rule).toMatchObject({ version: 1, action: { slaWorkingDays: 3 } });
  });
});

describe("GET /healthz", () => {
  it("answers with the database kind", async () => {
    const res = await app.request("/healthz");
    expect(await res.json()).toMatchObject({ ok: true, database: h.db.kind });
  });
});
