import { REQUEST_NUMBER_PATTERN } from "../../src/domain/numbering";
import { DomainError } from "../../src/domain/types";

/** Splits "XT-2026-000001 其余文字" into the number and the rest; asks for the number when it is missing. */
export function takeNumber(args: string, usage: string): { number: string; rest: string } {
  const [first = "", ...rest] = args.trim().split(/[\s\u3000]+/);
  const number = first.toUpperCase();
  if (!REQUEST_NUMBER_PATTERN.test(number)) {
    throw new DomainError(
      "missing_number",
      first ? `「${first}」不是协同事项编号，编号形如 XT-2026-000001。` : "请写上协同事项编号。",
      { example: usage },
    );
  }
  return { number, rest: rest.join(" ").trim() };
}

/** An optional leading "@部门" in the rest of the text. */
export function takeDepartment(rest: string): { department: string | null; rest: string } {
  const m = /^[@＠](\S+)\s*(.*)$/s.exec(rest.trim());
  return m ? { department: m[1]!, rest: m[2]!.trim() } : { department: null, rest: rest.trim() };
}
