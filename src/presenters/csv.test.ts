import { describe, expect, it } from "vitest";
import { csvCell, csvResponse, toCsv } from "./csv";

describe("the CSV writer", () => {
  it("quotes per RFC 4180 and neutralises formulas in text, not in numbers", () => {
    expect(csvCell("普通文本")).toBe("普通文本");
    expect(csvCell('含"引号"')).toBe('"含""引号"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("两行\n文本")).toBe('"两行\n文本"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+86 123")).toBe("'+86 123");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("http://x","点我")')).toBe(`"'=HYPERLINK(""http://x"",""点我"")"`);
    expect(csvCell(-2)).toBe("-2");
    expect(csvCell(0.25)).toBe("0.25");
    expect(csvCell(null)).toBe("");
    expect(csvCell(new Date("2026-11-02T02:00:00Z"))).toBe("2026-11-02T02:00:00.000Z");
  });

  it("writes a BOM, CRLF line ends, and answers as an attachment with a UTF-8 file name", async () => {
    expect(toCsv(["编号", "标题"], [["XT-1", "核查"]])).toBe("\uFEFF编号,标题\r\nXT-1,核查\r\n");
    const res = csvResponse("晾晒排名", ["a"], [[1]]);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="____.csv"; filename*=UTF-8''${encodeURIComponent("晾晒排名.csv")}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
