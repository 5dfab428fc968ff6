import type * as lark from "@larksuiteoapi/node-sdk";
import type { Directory, DirectoryDepartment, DirectoryPerson, DirectoryReader } from "../../src/domain/orgSync";
import { platformFailure } from "./platformError";

const PAGE_SIZE = 50;
/** Token errors: the SDK never refreshes after them, so the cached token is dropped before the retry. */
const TOKEN_CODES = new Set([99991663, 99991664, 99991661]);
/** A page the platform failed to give (5xx, network, a stale token) is asked again after these pauses. */
const RETRY_DELAYS_MS = [200, 1000, 3000];

/**
 * The platform's contact directory (contact.v3) as a platform-neutral Directory: every department under the
 * root, walked level by level through `department.children`, and each department's direct members through
 * `user.findByDepartment`, both paged (page_token / has_more). Department ids are the custom `department_id`
 * (xietong's department codes); a person's primary department is the first the platform lists.
 */
export function larkDirectory(
  client: () => lark.Client,
  opts: { clearTokens?: () => void; pageSize?: number; retryDelaysMs?: number[] } = {},
): DirectoryReader {
  const PAGE = opts.pageSize ?? PAGE_SIZE;
  const pages = (call: (pageToken: string | undefined) => Promise<PageAnswer>) => pagesOf(call, opts.clearTokens ?? (() => undefined), opts.retryDelaysMs ?? RETRY_DELAYS_MS);
  return {
    async read(): Promise<Directory> {
      const c = client();
      const departments: DirectoryDepartment[] = [];
      const queue = ["0"];
      while (queue.length > 0) {
        const parent = queue.shift()!;
        for await (const item of pages((page_token) =>
          c.contact.v3.department.children({
            path: { department_id: parent },
            params: { department_id_type: "department_id", page_size: PAGE, ...(page_token ? { page_token } : {}) },
          }),
        )) {
          const code = item.department_id as string;
          if (!code || departments.some((d) => d.code === code)) continue;
          departments.push({ code, name: item.name as string, parentCode: parent === "0" ? null : parent });
          queue.push(code);
        }
      }
      const people = new Map<string, DirectoryPerson>();
      for (const deptId of ["0", ...departments.map((d) => d.code)]) {
        for await (const u of pages((page_token) =>
          c.contact.v3.user.findByDepartment({
            params: { department_id: deptId, department_id_type: "department_id", user_id_type: "open_id", page_size: PAGE, ...(page_token ? { page_token } : {}) },
          }),
        )) {
          const status = u.status as { is_resigned?: boolean } | undefined;
          const primary = (u.department_ids as string[] | undefined)?.[0];
          if (!u.open_id || status?.is_resigned || !primary || people.has(u.open_id)) continue;
          people.set(u.open_id, { openId: u.open_id, name: u.name, departmentCode: primary });
        }
      }
      return { departments, people: [...people.values()] };
    },
  };
}

type PageAnswer = { code?: number; msg?: string; data?: { has_more?: boolean; page_token?: string; items?: any[] } };

/** Is a failed call worth asking again: a 5xx or 429, the network, or a token the platform no longer takes. */
function transient(err: unknown, clearTokens: () => void): boolean {
  const e = err as { isAxiosError?: boolean; response?: { status?: number; data?: { code?: number } }; message?: string };
  const code = e?.response?.data?.code;
  if (code !== undefined && TOKEN_CODES.has(code)) {
    clearTokens();
    return true;
  }
  const status = e?.response?.status;
  if (status) return status >= 500 || status === 429;
  return Boolean(e?.isAxiosError) || /tenant_access_token/.test(e?.message ?? "");
}

/** One page, asked again after a transient failure; a page answered with a token error code is asked again too. */
async function onePage(call: () => Promise<PageAnswer>, clearTokens: () => void, delays: number[]): Promise<PageAnswer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await call();
      if (answer.code !== undefined && TOKEN_CODES.has(answer.code) && attempt < delays.length) {
        clearTokens();
        await new Promise((r) => setTimeout(r, delays[attempt]));
        continue;
      }
      return answer;
    } catch (err) {
      if (attempt >= delays.length || !transient(err, clearTokens)) throw platformFailure(err, "读取通讯录");
      await new Promise((r) => setTimeout(r, delays[attempt]));
    }
  }
}

/** Every item of a paged contact call, page after page; a platform error (after the retries) stops the whole read. */
async function* pagesOf(call: (pageToken: string | undefined) => Promise<PageAnswer>, clearTokens: () => void, delays: number[]): AsyncGenerator<any> {
  let token: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const answer = await onePage(() => call(token), clearTokens, delays);
    if (answer.code !== undefined && answer.code !== 0) throw new Error(`读取通讯录失败：${answer.msg ?? ""}（${answer.code}）`);
    yield* answer.data?.items ?? [];
    if (!answer.data?.has_more || !answer.data.page_token) return;
    token = answer.data.page_token;
  }
}
