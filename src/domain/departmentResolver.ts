import { DomainError, type DepartmentRef } from "./types";

// How people name departments in chat: `@市监局`, `@市场监督`, `向东湖区市监局…` (domain.md, "Chat commands").

export type DepartmentResolution =
  | { kind: "found"; department: DepartmentRef }
  /** every department the query matches */
  | { kind: "ambiguous"; query: string; candidates: DepartmentRef[] }
  /** the closest departments, at most five, best first (may be empty) */
  | { kind: "unknown"; query: string; candidates: DepartmentRef[] };

const MAX_CANDIDATES = 5;

/**
 * Full-width ASCII forms as half-width, the ideographic space as a space, latin upper case as lower case.
 * Every character maps to exactly one character, so offsets in the result are offsets in the input.
 */
export function normalizeChars(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ")
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** How names are compared: normalised, without any whitespace (department names have none). */
export function normalizeName(s: string): string {
  return normalizeChars(s).replace(/\s+/g, "");
}

/** The department's name and aliases, normalised, each once. */
function namesOf(d: DepartmentRef): string[] {
  return [...new Set([d.name, ...d.aliases].map(normalizeName).filter(Boolean))];
}

/**
 * Names a department: an exact name or alias first; only when none is exact, a fragment of names and
 * aliases (the query inside a name, never a name inside the query), which must point to one department.
 * An unknown query comes back with the closest departments.
 */
export function resolveDepartment(query: string, departments: readonly DepartmentRef[]): DepartmentResolution {
  const q = normalizeName(query);
  if (!q) return { kind: "unknown", query, candidates: [] };
  const exact = departments.filter((d) => namesOf(d).includes(q));
  if (exact.length === 1) return { kind: "found", department: exact[0]! };
  if (exact.length > 1) return { kind: "ambiguous", query, candidates: exact };
  const fragment = departments.filter((d) => namesOf(d).some((n) => n.includes(q)));
  if (fragment.length === 1) return { kind: "found", department: fragment[0]! };
  if (fragment.length > 1) return { kind: "ambiguous", query, candidates: fragment };
  return { kind: "unknown", query, candidates: closest(q, departments) };
}

/**
 * Characters nearly every department name has (level and kind of office): sharing only these does not make
 * a department look like the query, or "气象局" would suggest every 局.
 */
const GENERIC_CHARS = new Set("省市区县乡镇街道局委办厅处科室所站队院中心部会和的");

/** The departments most like the query, at most five, best first; none that shares no meaningful character. */
function closest(q: string, departments: readonly DepartmentRef[]): DepartmentRef[] {
  return departments
    .map((d, index) => ({ d, index, score: Math.max(0, ...namesOf(d).map((n) => similarity(q, n))) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, MAX_CANDIDATES)
    .map((x) => x.d);
}

/**
 * 0 when the two share no meaningful character; otherwise a blend of character-bigram Dice, the longest
 * common substring (relative to the query) and the share of the query's characters found in the name.
 */
export function similarity(query: string, name: string): number {
  const a = [...query];
  const b = [...name];
  const inB = new Set(b);
  const sharedChars = new Set(a.filter((c) => inB.has(c)));
  if (![...sharedChars].some((c) => !GENERIC_CHARS.has(c))) return 0;
  const charShare = sharedChars.size / new Set(a).size;
  return 0.45 * dice(a, b) + 0.4 * (longestCommonSubstring(a, b) / a.length) + 0.15 * charShare;
}

function bigrams(chars: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

function dice(a: string[], b: string[]): number {
  const ga = bigrams(a);
  const gb = bigrams(b);
  const total = Math.max(a.length - 1, 0) + Math.max(b.length - 1, 0);
  if (total === 0) return 0;
  let shared = 0;
  for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
  return (2 * shared) / total;
}

function longestCommonSubstring(a: string[], b: string[]): number {
  let best = 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        cur[j] = prev[j - 1]! + 1;
        if (cur[j]! > best) best = cur[j]!;
      }
    }
    prev = cur;
  }
  return best;
}

/** The shortest alias, or the name: how a department is usually written. */
export function shortName(d: DepartmentRef): string {
  return [...d.aliases].filter((a) => a.trim()).sort((a, b) => a.length - b.length)[0] ?? d.name;
}

/**
 * The shortest way to write `@X` so that it names exactly this department (an alias or the name that no other
 * department shares); the full name when every one is shared.
 */
export function handleOf(d: DepartmentRef, departments: readonly DepartmentRef[]): string {
  const names = [...d.aliases, d.name].filter((n) => n.trim()).sort((a, b) => a.length - b.length);
  for (const n of names) {
    const r = resolveDepartment(n, departments);
    if (r.kind === "found" && r.department.code === d.code) return n;
  }
  return d.name;
}

const FALLBACK_EXAMPLE_TARGET = "市监局";

function exampleFor(d: DepartmentRef | undefined, departments: readonly DepartmentRef[]): string {
  return `/发起 @${d ? handleOf(d, departments) : FALLBACK_EXAMPLE_TARGET} 核查某公司营业执照`;
}

/** The department a query names, or the Chinese answer domain.md asks for: closest names, or every candidate. */
export function resolveDepartmentOrThrow(query: string, departments: readonly DepartmentRef[]): DepartmentRef {
  const r = resolveDepartment(query, departments);
  if (r.kind === "found") return r.department;
  const shown = query.trim();
  if (r.kind === "ambiguous") {
    const list = r.candidates.map((d) => `${d.name}（@${handleOf(d, departments)}）`).join("、");
    throw new DomainError("ambiguous_department", `「${shown}」对应多个部门：${list}。请问您要找哪一个？请写出它的全称或简称。`, {
      candidates: r.candidates,
      example: exampleFor(r.candidates[0], departments),
    });
  }
  const example = exampleFor(r.candidates[0] ?? departments[0], departments);
  if (!shown) {
    throw new DomainError("unknown_department", "没有写部门名称，请写出部门的全称或简称。", { candidates: [], example });
  }
  const hint =
    r.candidates.length > 0 ? `，您是否要找：${r.candidates.map((d) => d.name).join("、")}？` : "，请检查部门的全称或简称是否写对。";
  throw new DomainError("unknown_department", `找不到部门「${shown}」${hint}`, { candidates: r.candidates, example });
}

const LEADING_SPACE = /^[\s\u3000]+/;
const SEPARATORS = /^[\s\u3000,，:：、;；.。]+/;

/**
 * `向X…` / `请X…` at the start of the text name a department only when X is exactly a department's name or
 * alias (the longest that fits, and one that no two departments share); otherwise those words are just text
 * ("请协助核查…") and the answer is null. `rest` is the text after X, without the spaces and punctuation
 * that separated it.
 */
export function findLeadingDepartment(
  text: string,
  departments: readonly DepartmentRef[],
): { department: DepartmentRef; rest: string } | null {
  const t = text.replace(LEADING_SPACE, "");
  if (!t.startsWith("向") && !t.startsWith("请")) return null;
  const after = t.slice(1).replace(LEADING_SPACE, "");
  const normalizedAfter = normalizeChars(after);
  let bestLength = 0;
  let matches: DepartmentRef[] = [];
  for (const d of departments) {
    const longest = Math.max(0, ...namesOf(d).filter((n) => normalizedAfter.startsWith(n)).map((n) => n.length));
    if (longest === 0 || longest < bestLength) continue;
    if (longest > bestLength) matches = [];
    bestLength = longest;
    matches.push(d);
  }
  if (matches.length !== 1) return null;
  return { department: matches[0]!, rest: after.slice(bestLength).replace(SEPARATORS, "") };
}
