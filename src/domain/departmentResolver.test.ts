import { describe, expect, it } from "vitest";
import { findLeadingDepartment, handleOf, resolveDepartment, resolveDepartmentOrThrow, type DepartmentResolution } from "./departmentResolver";
import { DomainError, type DepartmentRef } from "./types";

const depts: DepartmentRef[] = [
  { code: "city-amr", name: "市市场监督管理局", aliases: ["市场监管局", "市监局"] },
  { code: "dh-amr", name: "东湖区市场监督管理局", aliases: ["东湖区市监局"] },
  { code: "city-hrss", name: "市人力资源和社会保障局", aliases: ["人社局", "市人社局"] },
  { code: "city-tax", name: "市税务局", aliases: ["税务局"] },
  { code: "city-psb", name: "市公安局", aliases: ["公安局"] },
  { code: "city-nr", name: "市自然资源和规划局", aliases: ["自然资源局", "规划局"] },
  { code: "city-data", name: "市数据资源管理局", aliases: ["数据局", "大数据局"] },
  { code: "city-it", name: "市IT服务中心", aliases: ["ITC"] },
];

const outcome = (r: DepartmentResolution) =>
  r.kind === "found" ? r.department.code : `${r.kind}:${r.candidates.map((d) => d.code).join(",")}`;
const resolve = (q: string, list = depts) => outcome(resolveDepartment(q, list));

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a DomainError");
}

describe("resolveDepartment: exact names first", () => {
  it("finds a department by its full name or any alias", () => {
    expect(resolve("市市场监督管理局")).toBe("city-amr");
    expect(resolve("市场监管局")).toBe("city-amr");
    expect(resolve("人社局")).toBe("city-hrss");
    expect(resolve("市人社局")).toBe("city-hrss");
    expect(resolve("市税务局")).toBe("city-tax");
  });

  it("an exact alias wins over the longer names that contain it", () => {
    // 东湖区市监局 and 东湖区市场监督管理局 contain 市监局 / 市场监督管理局, but 市监局 is exactly an alias.
    expect(resolve("市监局")).toBe("city-amr");
    expect(resolve("税务局")).toBe("city-tax");
    expect(resolve("东湖区市监局")).toBe("dh-amr");
  });

  it("ignores surrounding spaces (also U+3000), full-width forms and latin case", () => {
    expect(resolve("  市监局\u3000")).toBe("city-amr");
    expect(resolve("itc")).toBe("city-it");
    expect(resolve("ＩＴｃ")).toBe("city-it");
    expect(resolve("市ＩＴ服务中心")).toBe("city-it");
    expect(resolve("x", [{ code: "x", name: "Ｘ", aliases: [] }])).toBe("x");
  });

  it("two departments sharing an exact name are ambiguous", () => {
    const list = [...depts, { code: "prov-tax", name: "省税务局", aliases: ["税务局"] }];
    expect(resolve("税务局", list)).toBe("ambiguous:city-tax,prov-tax");
  });
});

describe("resolveDepartment: fragments only when nothing is exact", () => {
  it("a fragment of one department's name or alias finds it", () => {
    expect(resolve("人力资源")).toBe("city-hrss");
    expect(resolve("公安")).toBe("city-psb");
    expect(resolve("东湖区市场监督")).toBe("dh-amr");
  });

  it("a fragment of several departments is ambiguous, listing every match once", () => {
    expect(resolve("市场监督")).toBe("ambiguous:city-amr,dh-amr");
    // 资源 is in 市人力资源和社会保障局, 市自然资源和规划局 (and its alias 自然资源局) and 市数据资源管理局.
    expect(resolve("资源")).toBe("ambiguous:city-hrss,city-nr,city-data");
    // 市监局 matches city-amr's alias and, as a fragment, dh-amr — but an exact match never goes on to fragments.
    expect(resolve("监局")).toBe("ambiguous:city-amr,dh-amr");
  });

  it("a unique fragment when only one department has it", () => {
    const withoutDistrict = depts.filter((d) => d.code !== "dh-amr");
    expect(resolve("市场监督", withoutDistrict)).toBe("city-amr");
  });

  it("a query that contains a name is not a fragment of it", () => {
    const r = resolveDepartment("市公安局治安支队", depts);
    expect(r.kind).toBe("unknown");
    expect(r.kind === "unknown" && r.candidates[0]?.code).toBe("city-psb");
  });
});

describe("resolveDepartment: unknown names come with the closest ones", () => {
  it("ranks by similarity, best first, at most five", () => {
    const r = resolveDepartment("市监察局", depts);
    expect(r.kind).toBe("unknown");
    if (r.kind !== "unknown") return;
    expect(r.candidates[0]?.code).toBe("city-amr");
    expect(r.candidates.length).toBeLessThanOrEqual(5);
    expect(new Set(r.candidates.map((d) => d.code)).size).toBe(r.candidates.length);
  });

  it("finds a typo and a reordered name", () => {
    expect(resolve("人设局").split(":")[1]?.split(",")[0]).toBe("city-hrss");
    expect(resolve("规划和自然资源局").split(":")[1]?.split(",")[0]).toBe("city-nr");
    expect(resolve("东湖区监督局").split(":")[1]?.split(",")[0]).toBe("dh-amr");
  });

  it("drops departments that share nothing but words like 市 or 局", () => {
    expect(resolve("气象局")).toBe("unknown:");
    expect(resolve("教育")).toBe("unknown:");
    expect(resolve("")).toBe("unknown:");
  });

  it("never lists more than five", () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ code: `s${i}`, name: `第${i}税务所`, aliases: [] }));
    const r = resolveDepartment("税务分所", many);
    expect(r.kind === "unknown" && r.candidates.length).toBe(5);
  });
});

describe("resolveDepartmentOrThrow", () => {
  it("returns the department", () => {
    expect(resolveDepartmentOrThrow("市监局", depts).code).toBe("city-amr");
  });

  it("unknown_department: the closest names and an example with a real one", () => {
    const err = refusal(() => resolveDepartmentOrThrow("市监察局", depts));
    expect(err.code).toBe("unknown_department");
    expect(err.message).toMatch(/^找不到部门「市监察局」，您是否要找：市市场监督管理局(、[^、？]+)*？$/);
    expect(err.candidates?.[0]?.code).toBe("city-amr");
    expect(err.example).toBe("/发起 @市监局 核查某公司营业执照");
  });

  it("unknown_department without any close name still shows a real department", () => {
    const err = refusal(() => resolveDepartmentOrThrow("气象局", depts));
    expect(err).toMatchObject({
      code: "unknown_department",
      message: "找不到部门「气象局」，请检查部门的全称或简称是否写对。",
      candidates: [],
      example: "/发起 @市监局 核查某公司营业执照",
    });
    const empty = refusal(() => resolveDepartmentOrThrow(" ", []));
    expect(empty).toMatchObject({ code: "unknown_department", message: "没有写部门名称，请写出部门的全称或简称。", example: "/发起 @市监局 核查某公司营业执照" });
  });

  it("ambiguous_department: every candidate with a name that reaches it, asking which", () => {
    const err = refusal(() => resolveDepartmentOrThrow("市场监督", depts));
    expect(err.code).toBe("ambiguous_department");
    expect(err.message).toBe(
      "「市场监督」对应多个部门：市市场监督管理局（@市监局）、东湖区市场监督管理局（@东湖区市监局）。请问您要找哪一个？请写出它的全称或简称。",
    );
    expect(err.candidates?.map((d) => d.code)).toEqual(["city-amr", "dh-amr"]);
    expect(err.example).toBe("/发起 @市监局 核查某公司营业执照");
  });

  it("the example never uses a name that is itself ambiguous", () => {
    const list = [...depts, { code: "prov-tax", name: "省税务局", aliases: ["税务局"] }];
    const err = refusal(() => resolveDepartmentOrThrow("税务局", list));
    expect(err.code).toBe("ambiguous_department");
    expect(err.message).toContain("市税务局（@市税务局）、省税务局（@省税务局）");
    expect(err.example).toBe("/发起 @市税务局 核查某公司营业执照");
    expect(handleOf(list[3]!, list)).toBe("市税务局");
  });
});

describe("findLeadingDepartment: 向X / 请X", () => {
  it("names a department when X is exactly a name or alias", () => {
    expect(findLeadingDepartment("向人社局核查某人参保情况", depts)).toEqual({ department: depts[2], rest: "核查某人参保情况" });
    expect(findLeadingDepartment("请市税务局出具完税证明", depts)).toMatchObject({ department: { code: "city-tax" }, rest: "出具完税证明" });
  });

  it("the longest name wins: 向东湖区市监局 is not 向东湖区… nor 市监局", () => {
    expect(findLeadingDepartment("向东湖区市监局核查某店铺", depts)).toMatchObject({ department: { code: "dh-amr" }, rest: "核查某店铺" });
    expect(findLeadingDepartment("请市人社局提供", depts)).toMatchObject({ department: { code: "city-hrss" }, rest: "提供" });
    expect(findLeadingDepartment("请市市场监督管理局核查", depts)).toMatchObject({ department: { code: "city-amr" }, rest: "核查" });
  });

  it("otherwise 请 and 向 are just words", () => {
    expect(findLeadingDepartment("请协助核查营业执照", depts)).toBeNull();
    expect(findLeadingDepartment("向社会公开征求意见", depts)).toBeNull();
    expect(findLeadingDepartment("核查向阳小区", depts)).toBeNull();
    expect(findLeadingDepartment("请市场监督部门核查", depts)).toBeNull(); // a fragment is not enough
    expect(findLeadingDepartment("", depts)).toBeNull();
  });

  it("trims the spaces and punctuation after X, and accepts full-width input", () => {
    expect(findLeadingDepartment("\u3000请人社局，提供参保证明", depts)).toMatchObject({ department: { code: "city-hrss" }, rest: "提供参保证明" });
    expect(findLeadingDepartment("向 市监局：核查", depts)).toMatchObject({ department: { code: "city-amr" }, rest: "核查" });
    expect(findLeadingDepartment("请ＩＴＣ协助", depts)).toMatchObject({ department: { code: "city-it" }, rest: "协助" });
    expect(findLeadingDepartment("向市监局", depts)).toMatchObject({ department: { code: "city-amr" }, rest: "" });
  });

  it("a name two departments share names neither", () => {
    const list = [...depts, { code: "prov-tax", name: "省税务局", aliases: ["税务局"] }];
    expect(findLeadingDepartment("向税务局调取", list)).toBeNull();
    expect(findLeadingDepartment("向市税务局调取", list)).toMatchObject({ department: { code: "city-tax" } });
  });
});
