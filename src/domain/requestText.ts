import { findLeadingDepartment, normalizeChars, normalizeName, resolveDepartment, resolveDepartmentOrThrow } from "./departmentResolver";
import { DomainError, type DepartmentRef, type Priority } from "./types";

// The text after /发起 (domain.md, "Chat commands"):
// `[@部门 ...] 内容 [#类别] [截止:N个工作日 | 截止:YYYY-MM-DD | 截止:M月D日] [!紧急 | !特急]`.

export type DeadlineSpec =
  | { kind: "workingDays"; days: number }
  /** YYYY-MM-DD */
  | { kind: "date"; date: string }
  | { kind: "monthDay"; month: number; day: number };

export interface ParsedRequestText {
  /** the raw `@` names in order, without the `@` */
  targetQueries: string[];
  /** the department of a leading `向X` / `请X` */
  leadingTarget: DepartmentRef | null;
  /** the request with the directives removed, whitespace collapsed */
  content: string;
  /** first sentence or line of the content, at most 30 characters (then `…`) */
  title: string;
  category: string | null;
  deadline: DeadlineSpec | null;
  priority: Priority;
}

export interface InterpretedRequestText extends Omit<ParsedRequestText, "targetQueries" | "leadingTarget"> {
  /** explicit targets in the order written, each once; empty = the routing rules choose */
  targets: DepartmentRef[];
}

export const REQUEST_EXAMPLE = "/发起 @市监局 核查某公司营业执照 #证照核查 截止:2个工作日 !紧急";
export const MAX_CONTENT = 2000;
export const MAX_WORKING_DAYS = 60;
export const TITLE_MAX = 30;
const DEADLINE_FORMS = "截止:3个工作日、截止:2026-12-01 或 截止:12月1日";

export function parseRequestText(text: string, departments: readonly DepartmentRef[]): ParsedRequestText {
  return parse(text, departments).parsed;
}

/** Parses, then resolves every named department (unknown and ambiguous names throw, with candidates). */
export function interpretRequestText(text: string, departments: readonly DepartmentRef[]): InterpretedRequestText {
  const { parsed, queriesBeforeContent } = parse(text, departments);
  const { targetQueries, leadingTarget, ...rest } = parsed;
  const resolved = targetQueries.map((q) => resolveDepartmentOrThrow(q, departments));
  // In the order written: `@` names before the content, then `向X` (the start of the content), then the others.
  const ordered = [
    ...resolved.slice(0, queriesBeforeContent),
    ...(leadingTarget ? [leadingTarget] : []),
    ...resolved.slice(queriesBeforeContent),
  ];
  const targets: DepartmentRef[] = [];
  for (const d of ordered) if (!targets.some((t) => t.code === d.code)) targets.push(d);
  return { ...rest, targets };
}

/**
 * The structured 发起 form (mini-app, API `form`): the same request as the text grammar gives, with the parts
 * chosen instead of written. Departments are codes; an empty list lets the routing rules choose. The content is
 * taken as written: an `@` or `#` in it is text, not a directive.
 */
export interface RequestForm {
  departments: string[];
  content: string;
  category?: string | null | undefined;
  /** YYYY-MM-DD: to be done by the end of that working day (never later than the rule allows) */
  dueDate?: string | undefined;
  priority?: Priority | undefined;
}

export const FORM_EXAMPLE: RequestForm = { departments: ["city-amr", "city-tax"], content: "核查某公司营业执照及纳税情况", category: "证照核查", dueDate: "2026-12-10", priority: "urgent" };

/** The form read as the text grammar would read the equivalent text: content, title, category, deadline, priority, targets. */
export function interpretRequestForm(form: RequestForm, departments: readonly DepartmentRef[]): InterpretedRequestText {
  const example = JSON.stringify(FORM_EXAMPLE);
  const targets: DepartmentRef[] = [];
  for (const code of form.departments) {
    const d = departments.find((x) => x.code === code);
    if (!d) fail("unknown_department", `找不到部门 ${code}：请从部门列表中选择（GET /api/departments）。`, example);
    if (!targets.some((t) => t.code === d.code)) targets.push(d);
  }
  const lines = form.content.split(/\r\n|[\n\r\u2028\u2029]/).map((l) => l.replace(/[\s\u3000]+/g, " ").trim());
  const content = lines.filter(Boolean).join(" ");
  if (!content) fail("empty_content", "请写明需要对方部门协助办理的内容。", example);
  const length = [...content].length;
  if (length > MAX_CONTENT) {
    fail("content_too_long", `内容不能超过 ${MAX_CONTENT} 个字（现在 ${length} 个字），较长的材料请在小程序中以附件形式补充。`, example);
  }
  return {
    content,
    title: titleOf(lines.find(Boolean) ?? content),
    category: form.category?.trim() || null,
    deadline: form.dueDate ? parseDeadline(form.dueDate) : null,
    priority: form.priority ?? "normal",
    targets,
  };
}

function fail(code: string, message: string, example = REQUEST_EXAMPLE): never {
  throw new DomainError(code, message, { example });
}

function parse(text: string, departments: readonly DepartmentRef[]) {
  const targetQueries: string[] = [];
  /** content words, line by line */
  const lines: string[][] = [];
  let queriesBeforeContent = -1;
  let category: string | null = null;
  let deadline: { spec: DeadlineSpec; written: string } | null = null;
  let priority: { value: Priority; written: string } | null = null;
  const addWord = (line: string[], word: string) => {
    if (queriesBeforeContent < 0) queriesBeforeContent = targetQueries.length;
    line.push(word);
  };

  for (const lineTokens of tokenize(text)) {
    const line: string[] = [];
    lines.push(line);
    for (let i = 0; i < lineTokens.length; i++) {
      const tok = lineTokens[i]!;
      if (/^[@＠]/.test(tok)) {
        const name = tok.replace(/^[@＠]+/, "").replace(TRAILING_PUNCTUATION, "");
        if (!name || LEADING_PUNCTUATION.test(name)) fail("empty_department", "「@」后面需要紧跟部门名称或简称（中间不要有空格）。");
        const glued = splitGluedTarget(name, departments);
        targetQueries.push(glued.target);
        if (glued.rest) addWord(line, glued.rest);
      } else if (/^[#＃]/.test(tok)) {
        const value = tok.replace(/^[#＃]+/, "").replace(TRAILING_PUNCTUATION, "");
        if (!value) fail("empty_category", "「#」后面需要紧跟类别名称（中间不要有空格），例如 #证照核查。");
        if (category !== null && category !== value) {
          fail("duplicate_category", `只能写一个类别，现在有「${category}」和「${value}」。`);
        }
        category = value;
      } else if (/^截止[:：]/.test(tok)) {
        let value = tok.slice(3);
        if (!value && i + 1 < lineTokens.length) value = lineTokens[++i]!;
        // "截止: 3 个工作日": a number, then its unit as the next word.
        const next = lineTokens[i + 1];
        if (next !== undefined && /^(\d+|[０-９]+|[〇零一二两三四五六七八九十]+)$/.test(value) && /^个?(工作日|天)/.test(next)) {
          value += next;
          i++;
        }
        const spec = parseDeadline(value);
        const written = `截止:${value}`;
        if (deadline !== null && !sameDeadline(deadline.spec, spec)) {
          fail("duplicate_deadline", `只能写一个截止时间，现在有「${deadline.written}」和「${written}」。`);
        }
        deadline = { spec, written };
      } else if (/^[!！][\p{L}\p{N}]/u.test(tok)) {
        const value = tok.slice(1).replace(TRAILING_PUNCTUATION, "");
        const p: Priority | null = value === "紧急" ? "urgent" : value === "特急" ? "critical" : null;
        if (!p) fail("invalid_priority", `不认识的紧急程度「${tok}」：只能写 !紧急 或 !特急（不写为普通）。`);
        if (priority !== null && priority.value !== p) fail("invalid_priority", "!紧急 和 !特急 只能写一个。");
        priority = { value: p, written: tok };
      } else {
        addWord(line, tok);
      }
    }
  }

  if (queriesBeforeContent < 0) queriesBeforeContent = targetQueries.length;
  let content = lines.flat().join(" ");
  const lineTexts = lines.map((l) => l.join(" ")).filter(Boolean);
  let leadingTarget: DepartmentRef | null = null;
  const leading = findLeadingDepartment(content, departments);
  if (leading) {
    leadingTarget = leading.department;
    content = leading.rest;
    // `向X` opened the first line: the title starts after it.
    lineTexts[0] = findLeadingDepartment(lineTexts[0] ?? "", departments)?.rest ?? "";
  }
  if (!content) {
    fail("empty_content", "请写明需要对方部门协助办理的内容（只写部门、类别、截止时间或紧急程度还不够）。");
  }
  const length = [...content].length;
  if (length > MAX_CONTENT) {
    fail("content_too_long", `内容不能超过 ${MAX_CONTENT} 个字（现在 ${length} 个字），较长的材料请在小程序中以附件形式补充。`);
  }
  const parsed: ParsedRequestText = {
    targetQueries,
    leadingTarget,
    content,
    title: titleOf(lineTexts.find(Boolean) ?? content),
    category,
    deadline: deadline?.spec ?? null,
    priority: priority?.value ?? "normal",
  };
  return { parsed, queriesBeforeContent };
}

const TRAILING_PUNCTUATION = /[,，、;；:：.。!！?？]+$/;
const LEADING_PUNCTUATION = /^[,，、;；:：.。!！?？]/;

/** Lines of whitespace-separated words; directives glued to the word before them are split off. */
function tokenize(text: string): string[][] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/).map((line) =>
    line
      .replace(/(截止[:：])/g, " $1")
      .replace(/([!！](?:紧急|特急))/g, " $1")
      .replace(/([,，、;；])([@＠])/g, "$1 $2")
      .split(/[\s\u3000]+/)
      .filter(Boolean),
  );
}

/** How the end of a department name looks: what follows `@X` glued must not look like one. */
const ORG_NAME_TAIL = /(局|委|办|厅|处|科|所|站|队|院|中心|委员会|办公室|街道|镇|乡|分局)$/;

/**
 * `@市监局核查…` typed without a space: when the whole word names no department but starts with an exact
 * name or alias (the longest), that is the department and the remainder is content. A remainder that looks
 * like a department name (`@税务局东湖分局`) stays part of the name, so the person is told it is unknown
 * instead of the request silently going elsewhere.
 */
function splitGluedTarget(word: string, departments: readonly DepartmentRef[]): { target: string; rest: string } {
  if (resolveDepartment(word, departments).kind !== "unknown") return { target: word, rest: "" };
  const norm = normalizeChars(word);
  let best = 0;
  for (const d of departments) {
    for (const n of [d.name, ...d.aliases].map(normalizeName)) {
      if (n && norm.startsWith(n) && n.length > best) best = n.length;
    }
  }
  if (best === 0) return { target: word, rest: "" };
  const rest = word.slice(best).replace(/^[,，:：、;；]+/, "");
  if (!rest || (ORG_NAME_TAIL.test(rest) && [...rest].length <= 10)) return { target: word, rest: "" };
  return { target: word.slice(0, best), rest };
}

const CHINESE_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 1..99 written in Chinese (三, 十, 十五, 二十, 六十) or in digits; null when it is neither. */
function parseCount(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || !s) return null;
  if (!m[2]) return m[3] ? null : CHINESE_DIGITS[m[1]!]!;
  return (m[1] ? CHINESE_DIGITS[m[1]]! : 1) * 10 + (m[3] ? CHINESE_DIGITS[m[3]]! : 0);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function invalidDate(written: string): never {
  fail("invalid_deadline", `「${written}」不是有效日期。可以写：${DEADLINE_FORMS}。`);
}

/** `3个工作日` / `3工作日` / `3天` (working days), `2026-12-01` / `2026/12/01` / `2026年12月1日`, `12月1日`. */
export function parseDeadline(raw: string): DeadlineSpec {
  const written = raw.trim();
  if (!written) fail("invalid_deadline", `「截止:」后面需要写截止时间，可以写：${DEADLINE_FORMS}。`);
  const v = normalizeChars(written)
    .replace(/\s+/g, "")
    .replace(/(之?内|以内|之?前|以前)$/, "");

  let m = /^(.+?)(?:个?工作日|天)$/.exec(v);
  const days = m ? parseCount(m[1]!) : null;
  if (days !== null) {
    if (days < 1 || days > MAX_WORKING_DAYS) {
      fail("invalid_deadline", `截止时间须为 1 到 ${MAX_WORKING_DAYS} 个工作日（现在是 ${days}）。`);
    }
    return { kind: "workingDays", days };
  }

  m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(v) ?? /^(\d{4})(年)(\d{1,2})月(\d{1,2})[日号]?$/.exec(v);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const t = new Date(Date.UTC(year, month - 1, day));
    if (month < 1 || month > 12 || t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) {
      invalidDate(written);
    }
    return { kind: "date", date: `${m[1]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
  }

  m = /^(\d{1,2})月(\d{1,2})[日号]?$/.exec(v);
  if (m) {
    const [month, day] = [Number(m[1]), Number(m[2])];
    if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) invalidDate(written);
    return { kind: "monthDay", month, day };
  }

  fail("invalid_deadline", `看不懂截止时间「${written}」，可以写：${DEADLINE_FORMS}。`);
}

function sameDeadline(a: DeadlineSpec, b: DeadlineSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first sentence of the first line, at most TITLE_MAX characters (cut ones end with `…`). */
function titleOf(firstLine: string): string {
  const sentence =
    firstLine
      .split(/[。！？!?；;]/)
      .map((s) => s.trim())
      .find(Boolean) ?? firstLine.trim();
  const chars = [...sentence];
  return chars.length > TITLE_MAX ? `${chars.slice(0, TITLE_MAX).join("")}…` : sentence;
}
