import { describe, expect, it } from "vitest";
import { matchRule, NO_ROUTE_EXAMPLE, policyFor, preemptions, route, ruleMatches, type RoutingContext } from "./routing";
import { describeChange, diffRule } from "./ruleHistory";
import { DomainError, type RoutingRule } from "./types";

const rule = (r: Partial<RoutingRule> & Pick<RoutingRule, "code" | "priority">): RoutingRule => ({
  name: r.code,
  version: 1,
  enabled: true,
  match: {},
  action: { targets: ["city-amr"] },
  ...r,
});

const licence = rule({
  code: "licence",
  name: "证照核查",
  priority: 10,
  match: { keywordsAny: ["营业执照", "证照"] },
  action: { targets: ["city-amr"], slaWorkingDays: 3 },
});
const oldLicence = rule({ code: "old-licence", name: "证照核查（旧）", priority: 1, enabled: false, match: { keywordsAny: ["营业执照"] }, action: { targets: ["city-gov"] } });
const district = rule({
  code: "district-licence",
  name: "街镇证照核查（区级）",
  version: 3,
  priority: 5,
  match: { keywordsAny: ["营业执照"], fromDepartments: ["dh-street"] },
  action: { targets: ["dh-amr"] },
});
const closure = rule({
  code: "closure",
  name: "企业注销联办",
  priority: 8,
  match: { keywordsAll: ["企业", "注销"] },
  action: { targets: ["city-amr", "city-tax", "city-hrss"], lead: "city-tax", slaWorkingDays: 10, outboundApproval: true, completionReview: true },
});
const eco = rule({ code: "eco", name: "环保投诉", priority: 20, match: { category: "环保" }, action: { targets: ["city-eco"] } });
const safety = rule({
  code: "safety",
  name: "安全隐患",
  priority: 2,
  match: { keywordsAny: ["隐患"], priorities: ["critical", "urgent"] },
  action: { targets: ["city-ema"], slaWorkingDays: 1 },
});
const rules: RoutingRule[] = [licence, oldLicence, district, closure, eco, safety];

const ctx = (text: string, extra: Partial<RoutingContext> = {}): RoutingContext => ({
  text,
  category: null,
  fromDepartment: "city-gov",
  priority: "normal",
  ...extra,
});

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a DomainError");
}

describe("ruleMatches", () => {
  it("keywordsAny: at least one", () => {
    expect(ruleMatches(licence, ctx("核查某公司证照"))).toBe(true);
    expect(ruleMatches(licence, ctx("核查某人户籍"))).toBe(false);
  });

  it("keywordsAll: every one", () => {
    expect(ruleMatches(closure, ctx("某企业申请注销"))).toBe(true);
    expect(ruleMatches(closure, ctx("某企业申请变更"))).toBe(false);
  });

  it("category, fromDepartments and priorities", () => {
    expect(ruleMatches(eco, ctx("排污", { category: "环保" }))).toBe(true);
    expect(ruleMatches(eco, ctx("排污", { category: "证照" }))).toBe(false);
    expect(ruleMatches(eco, ctx("排污"))).toBe(false);
    expect(ruleMatches(district, ctx("营业执照", { fromDepartment: "dh-street" }))).toBe(true);
    expect(ruleMatches(district, ctx("营业执照"))).toBe(false);
    expect(ruleMatches(safety, ctx("发现隐患", { priority: "urgent" }))).toBe(true);
    expect(ruleMatches(safety, ctx("发现隐患"))).toBe(false);
  });

  it("all criteria must fit together", () => {
    const r = rule({ code: "x", priority: 1, match: { keywordsAny: ["执照"], category: "证照", priorities: ["urgent"] } });
    expect(ruleMatches(r, ctx("核查执照", { category: "证照", priority: "urgent" }))).toBe(true);
    expect(ruleMatches(r, ctx("核查执照", { category: "证照" }))).toBe(false);
    expect(ruleMatches(r, ctx("核查户籍", { category: "证照", priority: "urgent" }))).toBe(false);
  });

  it("latin case-insensitively, full-width alike", () => {
    const api = rule({ code: "api", priority: 1, match: { keywordsAny: ["API"], category: "IT" } });
    expect(ruleMatches(api, ctx("数据api接口", { category: "it" }))).toBe(true);
    expect(ruleMatches(api, ctx("数据ＡＰＩ接口", { category: "ＩＴ" }))).toBe(true);
  });

  it("absent or empty criteria do not constrain; no criteria at all is a catch-all", () => {
    const empty = rule({ code: "e", priority: 1, match: { keywordsAny: [], keywordsAll: [""], category: "", fromDepartments: [], priorities: [] } });
    expect(ruleMatches(empty, ctx("任何内容"))).toBe(true);
    expect(ruleMatches(rule({ code: "all", priority: 99 }), ctx("任何内容", { priority: "critical" }))).toBe(true);
  });

  it("targets play no part in matching", () => {
    expect(ruleMatches({ ...licence, action: { targets: [] } }, ctx("营业执照"))).toBe(true);
  });
});

describe("matchRule", () => {
  it("the lowest priority number that fits wins", () => {
    expect(matchRule(rules, ctx("核查营业执照"))?.code).toBe("licence");
    expect(matchRule(rules, ctx("核查营业执照", { fromDepartment: "dh-street" }))?.code).toBe("district-licence");
    // 8 (closure) before 10 (licence)
    expect(matchRule(rules, ctx("企业注销前核查营业执照"))?.code).toBe("closure");
  });

  it("the order of the list does not matter; equal priorities go by code", () => {
    const a = rule({ code: "a", priority: 5 });
    const b = rule({ code: "b", priority: 5 });
    expect(matchRule([b, a], ctx("x"))?.code).toBe("a");
    expect(matchRule([...rules].reverse(), ctx("核查营业执照"))?.code).toBe("licence");
  });

  it("skips disabled rules", () => {
    // old-licence has priority 1 and fits, but is disabled
    expect(matchRule(rules, ctx("核查营业执照"))?.code).not.toBe("old-licence");
    expect(matchRule([oldLicence], ctx("核查营业执照"))).toBeNull();
  });

  it("null when nothing fits; a catch-all catches what the others leave", () => {
    expect(matchRule(rules, ctx("帮忙看看"))).toBeNull();
    const fallback = rule({ code: "fallback", name: "兜底", priority: 1000, action: { targets: ["city-gov-office"] } });
    expect(matchRule([...rules, fallback], ctx("帮忙看看"))?.code).toBe("fallback");
    expect(matchRule([...rules, fallback], ctx("核查营业执照"))?.code).toBe("licence");
  });
});

describe("policyFor", () => {
  it("no rule: the priority's default, no approval, no review", () => {
    expect(policyFor(null, "normal")).toEqual({ slaWorkingDays: 5, outboundApproval: false, completionReview: false });
    expect(policyFor(null, "urgent")).toEqual({ slaWorkingDays: 2, outboundApproval: false, completionReview: false });
    expect(policyFor(null, "critical")).toEqual({ slaWorkingDays: 1, outboundApproval: false, completionReview: false });
  });

  it("the rule's days, longer or shorter, for a normal request", () => {
    expect(policyFor(licence, "normal").slaWorkingDays).toBe(3);
    expect(policyFor(closure, "normal")).toEqual({ slaWorkingDays: 10, outboundApproval: true, completionReview: true });
  });

  it("urgent and critical never longer than their default", () => {
    expect(policyFor(licence, "urgent").slaWorkingDays).toBe(2);
    expect(policyFor(closure, "critical").slaWorkingDays).toBe(1);
    expect(policyFor(safety, "urgent").slaWorkingDays).toBe(1); // the rule is shorter still
  });

  it("a rule without days uses the priority's; approval and review as the rule says", () => {
    expect(policyFor(district, "normal")).toEqual({ slaWorkingDays: 5, outboundApproval: false, completionReview: false });
    expect(policyFor(rule({ code: "r", priority: 1, action: { targets: ["x"], completionReview: true } }), "urgent")).toEqual({
      slaWorkingDays: 2,
      outboundApproval: false,
      completionReview: true,
    });
  });
});

describe("route", () => {
  it("a matching rule chooses the department, and says which rule and which keyword", () => {
    const d = route(rules, ctx("核查某公司营业执照"), []);
    expect(d).toMatchObject({ targets: ["city-amr"], lead: "city-amr", rule: { code: "licence" }, policy: { slaWorkingDays: 3 } });
    expect(d.explanation).toBe("匹配规则「证照核查」（licence 第 1 版，依据关键词「营业执照」），发送至规则指定的部门，时限 3 个工作日。");
  });

  it("explains the other criteria too", () => {
    expect(route(rules, ctx("核查营业执照", { fromDepartment: "dh-street" }), []).explanation).toBe(
      "匹配规则「街镇证照核查（区级）」（district-licence 第 3 版，依据关键词「营业执照」、发起部门 dh-street），发送至规则指定的部门，时限 5 个工作日。",
    );
    expect(route(rules, ctx("排污", { category: "环保" }), []).explanation).toContain("依据类别「环保」");
    expect(route(rules, ctx("发现隐患", { priority: "critical" }), []).explanation).toContain("紧急程度「特急」");
    expect(route([rule({ code: "all", name: "兜底", priority: 1 })], ctx("x"), []).explanation).toContain("兜底规则");
  });

  it("joint handling: the rule's lead first", () => {
    const d = route(rules, ctx("某企业申请注销"), []);
    expect(d.targets).toEqual(["city-tax", "city-amr", "city-hrss"]);
    expect(d.lead).toBe("city-tax");
    expect(d.policy).toEqual({ slaWorkingDays: 10, outboundApproval: true, completionReview: true });
    expect(d.explanation).toBe(
      "匹配规则「企业注销联办」（closure 第 1 版，依据关键词「企业」「注销」），发送至规则指定的部门（联办，主办 city-tax），时限 10 个工作日。",
    );
  });

  it("joint handling without a lead, or with a lead that is not a target: the first target leads", () => {
    const noLead = rule({ code: "j", priority: 1, action: { targets: ["a", "b"] } });
    expect(route([noLead], ctx("x"), [])).toMatchObject({ targets: ["a", "b"], lead: "a" });
    const strayLead = rule({ code: "j", priority: 1, action: { targets: ["a", "b"], lead: "z" } });
    expect(route([strayLead], ctx("x"), [])).toMatchObject({ targets: ["a", "b"], lead: "a" });
  });

  it("explicit targets win over the rule's; the rule still supplies the policy", () => {
    const d = route(rules, ctx("核查营业执照"), ["city-tax", "city-tax", "city-psb"]);
    expect(d).toMatchObject({ targets: ["city-tax", "city-psb"], lead: "city-tax", rule: { code: "licence" }, policy: { slaWorkingDays: 3 } });
    expect(d.explanation).toBe(
      "按指定的承办部门发送（联办，主办 city-tax）；办理要求来自匹配规则「证照核查」（licence 第 1 版，依据关键词「营业执照」），时限 3 个工作日。",
    );
  });

  it("explanations name departments by name when given names", () => {
    const names: Record<string, string> = { "city-tax": "市税务局", "dh-street": "滨江街道" };
    const d = route(rules, ctx("核查营业执照"), ["city-tax", "city-psb"], (code) => names[code] ?? code);
    expect(d.explanation).toContain("（联办，主办 市税务局）");
  });

  it("explicit targets: the rule's lead leads when it is among them", () => {
    const d = route(rules, ctx("某企业申请注销"), ["city-hrss", "city-tax"]);
    expect(d).toMatchObject({ targets: ["city-tax", "city-hrss"], lead: "city-tax", policy: { outboundApproval: true } });
    expect(route(rules, ctx("某企业申请注销"), ["city-hrss", "city-psb"]).lead).toBe("city-hrss");
  });

  it("explicit targets and no rule: the default policy", () => {
    const d = route(rules, ctx("帮忙看看", { priority: "urgent" }), ["city-psb"]);
    expect(d).toMatchObject({ targets: ["city-psb"], lead: "city-psb", rule: null, policy: { slaWorkingDays: 2, outboundApproval: false } });
    expect(d.explanation).toBe("按指定的承办部门发送；未匹配任何规则，按默认要求办理（紧急，时限 2 个工作日）。");
  });

  it("a disabled rule neither routes nor supplies the policy", () => {
    expect(refusal(() => route([oldLicence], ctx("核查营业执照"), [])).code).toBe("no_route");
    expect(route([oldLicence], ctx("核查营业执照"), ["city-amr"]).rule).toBeNull();
  });

  it("no_route: no explicit target and no rule, asking to name a department", () => {
    const err = refusal(() => route(rules, ctx("帮忙看看"), []));
    expect(err).toMatchObject({
      code: "no_route",
      message: "没有找到能处理该事项的部门：请用 @部门 指明要发给哪个部门。",
      example: "/发起 @市监局 核查某公司营业执照",
    });
    expect(NO_ROUTE_EXAMPLE).toBe("/发起 @市监局 核查某公司营业执照");
    expect(refusal(() => route([], ctx("核查营业执照"), [" "])).code).toBe("no_route");
  });

  it("no_route: a matching rule without targets and no explicit target", () => {
    const policyOnly = rule({ code: "policy-only", name: "涉密事项审批", priority: 1, match: { keywordsAny: ["涉密"] }, action: { targets: [], outboundApproval: true } });
    const err = refusal(() => route([policyOnly], ctx("涉密材料调阅"), []));
    expect(err).toMatchObject({
      code: "no_route",
      message: "规则「涉密事项审批」匹配了该事项，但没有配置承办部门：请用 @部门 指明要发给哪个部门。",
      example: "/发起 @市监局 核查某公司营业执照",
    });
    // with a named department, that rule still supplies its policy
    expect(route([policyOnly], ctx("涉密材料调阅"), ["city-psb"])).toMatchObject({ targets: ["city-psb"], rule: { code: "policy-only" }, policy: { outboundApproval: true } });
  });
});

describe("preemptions (the admin's 抢先匹配 flag)", () => {
  const rule = (code: string, priority: number, match: RoutingRule["match"], enabled = true): RoutingRule => ({
    code, name: code, version: 1, priority, enabled, match, action: { targets: ["amr"] },
  });
  it("flags a later rule whose keyword holds an earlier rule's keyword, not the earlier one, nor unrelated or disabled rules", () => {
    const rules = [
      rule("licence", 10, { keywordsAny: ["营业执照", "证照"] }),
      rule("copy", 20, { keywordsAny: ["营业执照复印件"] }),
      rule("tax", 30, { keywordsAny: ["纳税证明"] }),
      rule("off", 5, { keywordsAny: ["证照"] }, false),
      rule("all", 40, { keywordsAll: ["证照", "注销"] }),
    ];
    const found = preemptions(rules);
    expect([...found.entries()].map(([code, by]) => [code, by.code])).toEqual([["copy", "licence"], ["all", "licence"]]);
  });
  it("a rule without keywords is never flagged", () => {
    expect(preemptions([rule("a", 1, { keywordsAny: ["证照"] }), rule("b", 2, { category: "证照" })]).size).toBe(0);
  });
});

describe("diffRule (a rule's version history)", () => {
  it("lists what changed between two versions in Chinese", () => {
    const v1 = { name: "证照核查", priority: 10, enabled: true, match: { keywordsAny: ["营业执照", "证照"] }, action: { targets: ["amr"], slaWorkingDays: 3 } };
    const v2 = { ...v1, enabled: false, match: { keywordsAny: ["营业执照"] }, action: { targets: ["tax"], slaWorkingDays: 3, outboundApproval: true } };
    expect(diffRule(v1, v2).map(describeChange)).toEqual([
      "启用：是 → 否",
      "任一关键词：营业执照、证照 → 营业执照",
      "承办部门：amr → tax",
      "发出前审批：（无） → 是",
    ]);
    expect(diffRule(v1, v1)).toEqual([]);
    expect(diffRule(null, v1).map((c) => c.field)).toEqual(["name", "priority", "enabled", "match.keywordsAny", "action.targets", "action.slaWorkingDays"]);
  });
});
