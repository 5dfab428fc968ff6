import type * as lark from "@larksuiteoapi/node-sdk";
import type { Directory, DirectoryDepartment, DirectoryPerson, DirectoryReader } from "../../src/domain/orgSync";
import { platformFailure } from "./platformError";

const PAGE = 50;

/**
 * The platform's contact directory (contact.v3) as a platform-neutral Directory: every department under the
 * root, walked level by level through `department.children`, and each department's direct members through
 * `user.findByDepartment`, both paged (page_token / has_more). Department ids are the custom `department_id`
 * (xietong's department codes); a person's primary department is the first the platform lists.
 */
export function larkDirectory(client: () => lark.Client): DirectoryReader {
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

/** Every item of a paged contact call, page after page; a platform error stops the whole read. */
async function* pages(call: (pageToken: string | undefined) => Promise<PageAnswer>): AsyncGenerator<any> {
  let token: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const answer = await call(token).catch((err) => {
      throw platformFailure(err, "读取通讯录");
    });
    if (answer.code !== undefined && answer.code !== 0) throw new Error(`读取通讯录失败：${answer.msg ?? ""}（${answer.code}）`);
    yield* answer.data?.items ?? [];
    if (!answer.data?.has_more || !answer.data.page_token) return;
    token = answer.data.page_token;
  }
}
