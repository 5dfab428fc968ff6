import { describe, expect, it } from "vitest";
import { interpretRequestText, parseDeadline, parseRequestText, REQUEST_EXAMPLE } from "./requestText";
import { DomainError, type DepartmentRef } from "./types";

const depts: DepartmentRef[] = [
  { code: "city-amr", name: "市市场监督管理局", aliases: ["市场监管局", "市监局"] },
  { code: "dh-amr", name: "东湖区市场监督管理局", aliases: ["东湖区市监局"] },
  { code: "city-hrss", name: "市人力资源和社会保障局", aliases: ["人社局", "市人社局"] },
  { code: "city-tax", name: "市税务局", aliases: ["税务局"] },
  { code: "city-psb", name: "市公安局", aliases: ["公安局"] },
  { code: "city-nr", name: "市自然资源和规划局", aliases: ["自然资源局", "规划局"] },
];

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a DomainError");
}

describe("parseRequestText: the grammar", () => {
  it("reads targets, content, category, deadline and priority", () => {
    expect(parseRequestText("@市监局 @税务局 核查某公司营业执照及纳税情况。请尽快 #证照核查 截止:3个工作日 !紧急", depts)).toEqual({
      targetQueries: ["市监局", "税务局"],
      leadingTarget: null,
      content: "核查某公司营业执照及纳税情况。请尽快",
      title: "核查某公司营业执照及纳税情况",
      category: "证照核查",
      deadline: { kind: "workingDays", days: 3 },
      priority: "urgent",
    });
  });

  it("without directives: plain content, normal priority", () => {
    expect(parseRequestText("  核查某公司营业执照  ", depts)).toEqual({
      targetQueries: [],
      leadingTarget: null,
      content: "核查某公司营业执照",
      title: "核查某公司营业执照",
      category: null,
      deadline: null,
      priority: "normal",
    });
  });

  it("directives anywhere; @ tokens anywhere; whitespace collapsed", () => {
    const p = parseRequestText("!特急 截止:2026-12-01  核查某企业\n  注销情况 @人社局 #企业注销", depts);
    expect(p.targetQueries).toEqual(["人社局"]);
    expect(p.content).toBe("核查某企业 注销情况");
    expect(p.category).toBe("企业注销");
    expect(p.deadline).toEqual({ kind: "date", date: "2026-12-01" });
    expect(p.priority).toBe("critical");
  });

  it("# and @ count only at the start of a word; ! only before a word", () => {
    const p = parseRequestText("核查第#3号地块 联系zhang@example.gov.cn 很急!! !", depts);
    expect(p.content).toBe("核查第#3号地块 联系zhang@example.gov.cn 很急!! !");
    expect(p.category).toBeNull();
    expect(p.targetQueries).toEqual([]);
    expect(p.priority).toBe("normal");
  });

  it("keeps unresolved @ names raw: resolution is interpretRequestText's job", () => {
    expect(parseRequestText("@市监察局 @市场监督 核查", depts).targetQueries).toEqual(["市监察局", "市场监督"]);
  });

  it("the same category, deadline or priority written twice is not a conflict", () => {
    const p = parseRequestText("核查 #证照 #证照 截止:3天 截止:3个工作日 !紧急 ！紧急", depts);
    expect([p.category, p.deadline, p.priority]).toEqual(["证照", { kind: "workingDays", days: 3 }, "urgent"]);
  });
});

describe("parseRequestText: what people type on Chinese keyboards", () => {
  it("full-width ＠ ＃ ！ ： and the ideographic space", () => {
    const p = parseRequestText("＠市监局\u3000核查某公司营业执照\u3000＃证照\u3000截止：１２月１日\u3000！特急", depts);
    expect(p.targetQueries).toEqual(["市监局"]);
    expect(p.content).toBe("核查某公司营业执照");
    expect(p.category).toBe("证照");
    expect(p.deadline).toEqual({ kind: "monthDay", month: 12, day: 1 });
    expect(p.priority).toBe("critical");
  });

  it("directives glued to the text before them", () => {
    const p = parseRequestText("核查某公司营业执照截止：3个工作日！紧急", depts);
    expect(p.content).toBe("核查某公司营业执照");
    expect(p.deadline).toEqual({ kind: "workingDays", days: 3 });
    expect(p.priority).toBe("urgent");
  });

  it("a department glued to @, and @ names separated by 、", () => {
    expect(parseRequestText("@市监局核查某公司营业执照", depts)).toMatchObject({ targetQueries: ["市监局"], content: "核查某公司营业执照" });
    expect(parseRequestText("@市监局、@人社局，核查", depts).targetQueries).toEqual(["市监局", "人社局"]);
    expect(parseRequestText("@东湖区市监局 核查", depts).targetQueries).toEqual(["东湖区市监局"]);
    // what follows looks like a department's name: kept whole, so it is reported unknown instead of misrouted
    expect(parseRequestText("@税务局东湖分局 核查", depts).targetQueries).toEqual(["税务局东湖分局"]);
  });

  it("截止: with a space before the value, or before the unit", () => {
    expect(parseRequestText("核查 截止: 2026/12/01", depts).deadline).toEqual({ kind: "date", date: "2026-12-01" });
    expect(parseRequestText("核查 截止： 3 个工作日", depts)).toMatchObject({ content: "核查", deadline: { kind: "workingDays", days: 3 } });
  });
});

describe("deadlines", () => {
  it.each([
    ["3个工作日", { kind: "workingDays", days: 3 }],
    ["3工作日", { kind: "workingDays", days: 3 }],
    ["3天", { kind: "workingDays", days: 3 }],
    ["３个工作日内", { kind: "workingDays", days: 3 }],
    ["三个工作日", { kind: "workingDays", days: 3 }],
    ["十五天", { kind: "workingDays", days: 15 }],
    ["60个工作日", { kind: "workingDays", days: 60 }],
    ["2026-12-01", { kind: "date", date: "2026-12-01" }],
    ["2026/12/1", { kind: "date", date: "2026-12-01" }],
    ["2026年12月1日", { kind: "date", date: "2026-12-01" }],
    ["2028-02-29", { kind: "date", date: "2028-02-29" }],
    ["12月1日", { kind: "monthDay", month: 12, day: 1 }],
    ["2月29日前", { kind: "monthDay", month: 2, day: 29 }],
  ])("截止:%s", (value, spec) => {
    expect(parseDeadline(value)).toEqual(spec);
    expect(parseRequestText(`核查 截止:${value}`, depts).deadline).toEqual(spec);
  });

  it.each([
    ["0个工作日", "截止时间须为 1 到 60 个工作日（现在是 0）。"],
    ["61天", "截止时间须为 1 到 60 个工作日（现在是 61）。"],
    ["2026-02-30", "「2026-02-30」不是有效日期。可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
    ["2026年13月1日", "「2026年13月1日」不是有效日期。可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
    ["2月30日", "「2月30日」不是有效日期。可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
    ["明天", "看不懂截止时间「明天」，可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
    ["5日", "看不懂截止时间「5日」，可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
    ["2026-12/01", "看不懂截止时间「2026-12/01」，可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
  ])("截止:%s is refused", (value, message) => {
    const err = refusal(() => parseRequestText(`核查 截止:${value}`, depts));
    expect(err).toMatchObject({ code: "invalid_deadline", message, example: REQUEST_EXAMPLE });
  });

  it("截止: with nothing after it", () => {
    const err = refusal(() => parseRequestText("核查 截止：", depts));
    expect(err).toMatchObject({ code: "invalid_deadline", message: "「截止:」后面需要写截止时间，可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。" });
  });
});

describe("titles", () => {
  it("the first sentence", () => {
    expect(parseRequestText("核查某公司营业执照是否有效！另请提供年报", depts).title).toBe("核查某公司营业执照是否有效");
  });

  it("the first line", () => {
    expect(parseRequestText("关于某公司的核查请求\n请核查营业执照和年报", depts).title).toBe("关于某公司的核查请求");
  });

  it("at most 30 characters, … when cut", () => {
    expect(parseRequestText("核".repeat(30), depts).title).toBe("核".repeat(30));
    expect(parseRequestText("核".repeat(40), depts).title).toBe(`${"核".repeat(30)}…`);
  });

  it("starts after 向X", () => {
    expect(parseRequestText("向人社局核查某人参保情况。谢谢", depts).title).toBe("核查某人参保情况");
    expect(parseRequestText("请人社局\n提供参保证明", depts).title).toBe("提供参保证明");
  });
});

describe("向X / 请X", () => {
  it("names a department when X is one, the longest", () => {
    expect(parseRequestText("向东湖区市监局核查某店铺", depts)).toMatchObject({ leadingTarget: { code: "dh-amr" }, content: "核查某店铺" });
    expect(parseRequestText("#证照 请市监局，核查营业执照", depts)).toMatchObject({ leadingTarget: { code: "city-amr" }, content: "核查营业执照" });
  });

  it("otherwise stays text", () => {
    expect(parseRequestText("请协助核查某公司营业执照", depts)).toMatchObject({ leadingTarget: null, content: "请协助核查某公司营业执照" });
    expect(parseRequestText("向社会公开的信息请核实", depts).leadingTarget).toBeNull();
  });
});

describe("errors: what was wrong, and a correct example", () => {
  it.each([
    ["", "empty_content", "请写明需要对方部门协助办理的内容（只写部门、类别、截止时间或紧急程度还不够）。"],
    ["@市监局 #证照 截止:3天 !紧急", "empty_content", "请写明需要对方部门协助办理的内容（只写部门、类别、截止时间或紧急程度还不够）。"],
    ["向人社局", "empty_content", "请写明需要对方部门协助办理的内容（只写部门、类别、截止时间或紧急程度还不够）。"],
    ["@ 核查", "empty_department", "「@」后面需要紧跟部门名称或简称（中间不要有空格）。"],
    ["＠，核查", "empty_department", "「@」后面需要紧跟部门名称或简称（中间不要有空格）。"],
    ["核查 # 证照", "empty_category", "「#」后面需要紧跟类别名称（中间不要有空格），例如 #证照核查。"],
    ["核查 #证照 #户籍", "duplicate_category", "只能写一个类别，现在有「证照」和「户籍」。"],
    ["核查 截止:3个工作日 截止：2026-12-01", "duplicate_deadline", "只能写一个截止时间，现在有「截止:3个工作日」和「截止:2026-12-01」。"],
    ["核查 !加急", "invalid_priority", "不认识的紧急程度「!加急」：只能写 !紧急 或 !特急（不写为普通）。"],
    ["核查 ！urgent", "invalid_priority", "不认识的紧急程度「！urgent」：只能写 !紧急 或 !特急（不写为普通）。"],
    ["核查 !紧急 !特急", "invalid_priority", "!紧急 和 !特急 只能写一个。"],
    ["核查 截止:下周", "invalid_deadline", "看不懂截止时间「下周」，可以写：截止:3个工作日、截止:2026-12-01 或 截止:12月1日。"],
  ])("%s -> %s", (text, code, message) => {
    const err = refusal(() => parseRequestText(text, depts));
    expect(err).toMatchObject({ code, message, example: REQUEST_EXAMPLE });
  });

  it("content_too_long above 2000 characters (directives not counted), counted as characters", () => {
    const err = refusal(() => parseRequestText(`@市监局 ${"核".repeat(2001)} #证照`, depts));
    expect(err).toMatchObject({
      code: "content_too_long",
      message: "内容不能超过 2000 个字（现在 2001 个字），较长的材料请在小程序中以附件形式补充。",
      example: REQUEST_EXAMPLE,
    });
    expect(parseRequestText(`@市监局 ${"核".repeat(2000)} #证照 截止:3天 !紧急`, depts).content).toHaveLength(2000);
    expect([...parseRequestText("𠮷".repeat(2000), depts).content]).toHaveLength(2000);
  });
});

describe("interpretRequestText", () => {
  it("resolves @ names: exact alias, unambiguous fragment", () => {
    const r = interpretRequestText("@市监局 @人力资源 核查某企业 #证照核查 截止:3个工作日 !紧急", depts);
    expect(r.targets.map((d) => d.code)).toEqual(["city-amr", "city-hrss"]);
    expect(r).toMatchObject({ content: "核查某企业", title: "核查某企业", category: "证照核查", deadline: { kind: "workingDays", days: 3 }, priority: "urgent" });
    expect(r).not.toHaveProperty("targetQueries");
    expect(r).not.toHaveProperty("leadingTarget");
  });

  it("each department once, in the order written, 向X where it stands", () => {
    expect(interpretRequestText("向人社局 @市监局 @市场监管局 核查参保和执照", depts).targets.map((d) => d.code)).toEqual(["city-hrss", "city-amr"]);
    expect(interpretRequestText("@市监局 向人社局核查参保 @税务局", depts).targets.map((d) => d.code)).toEqual(["city-amr", "city-hrss", "city-tax"]);
    expect(interpretRequestText("向人社局核查 @人社局", depts).targets.map((d) => d.code)).toEqual(["city-hrss"]);
  });

  it("no target: routing chooses", () => {
    expect(interpretRequestText("请协助核查某公司营业执照", depts).targets).toEqual([]);
  });

  it("full-width @ resolves too", () => {
    expect(interpretRequestText("＠东湖区市监局　核查某店铺", depts).targets.map((d) => d.code)).toEqual(["dh-amr"]);
  });

  it("unknown_department with the closest names and an example naming one", () => {
    const err = refusal(() => interpretRequestText("@市监察局 核查", depts));
    expect(err.code).toBe("unknown_department");
    expect(err.message).toMatch(/^找不到部门「市监察局」，您是否要找：市市场监督管理局/);
    expect(err.candidates?.[0]?.code).toBe("city-amr");
    expect(err.example).toBe("/发起 @市监局 核查某公司营业执照");
  });

  it("ambiguous_department with every candidate", () => {
    const err = refusal(() => interpretRequestText("@市场监督 核查", depts));
    expect(err.code).toBe("ambiguous_department");
    expect(err.candidates?.map((d) => d.code)).toEqual(["city-amr", "dh-amr"]);
    expect(err.message).toContain("请问您要找哪一个？");
  });

  it("a glued name that is no department is reported, not misrouted", () => {
    const err = refusal(() => interpretRequestText("@税务局东湖分局 核查", depts));
    expect(err.code).toBe("unknown_department");
    expect(err.candidates?.[0]?.code).toBe("city-tax");
  });
});
