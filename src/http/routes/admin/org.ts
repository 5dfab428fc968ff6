import { Hono } from "hono";
import { z } from "zod";
import { runCommand } from "../../../commands/context";
import { departmentSettingsUpdater } from "../../../commands/departmentSettingsUpdater";
import { orgSyncer, readDirectory } from "../../../commands/orgSyncer";
import { personUpdater } from "../../../commands/personUpdater";
import { loadOrgTree } from "../../../db/repositories/orgTree";
import { departmentEditBody, DEPARTMENT_EDIT_EXAMPLE, DEPARTMENT_LEVELS, orgSearchQuery, personEditBody, PERSON_EDIT_EXAMPLE, syncApplyBody } from "../../../domain/orgAdmin";
import { presentOrgTree } from "../../../presenters/org";
import type { AppEnv } from "../../env";
import { adminAuth } from "../../middleware/admin-auth";
import { describe, jsonBody, pathParams, queryParams } from "../../validation";

// 组织机构 in the admin console: the department tree (省/市/县区/乡镇), search by name or 简称, editing a department
// or a person (a move keeps their history), and the org sync from the platform's contact directory: a preview with
// a fingerprint, then apply (refused with 409 when the directory changed since the preview).

const codeParam = z.object({ code: z.string().trim().min(1, "部门编码不能为空，例如 city-amr").max(100, "部门编码最多 100 个字符") });
const openIdParam = z.object({ openId: z.string().trim().regex(/^ou_\w{1,96}$/, "openId 以 ou_ 开头，例如 ou_zhangwei") });

const RoleSchema = z.strictObject({ role: z.string(), department: z.string().nullable() });
const PersonRow = z.strictObject({ openId: z.string(), name: z.string(), active: z.boolean(), onLeave: z.boolean(), left: z.boolean(), roles: z.array(RoleSchema) });
const DepartmentRow = z.strictObject({
  code: z.string(),
  name: z.string(),
  parent: z.string().nullable(),
  depth: z.number().int(),
  level: z.enum(DEPARTMENT_LEVELS).nullable(),
  levelLabel: z.string().nullable().meta({ description: "省、市、县区、乡镇" }),
  aliases: z.array(z.string()),
  chatId: z.string().nullable(),
  active: z.boolean(),
  assignmentMode: z.string(),
  assignmentLabel: z.string(),
  people: z.array(PersonRow),
});
const TreeSchema = z.strictObject({ departments: z.array(DepartmentRow) });
const SearchSchema = z.strictObject({
  departments: z.array(DepartmentRow),
  people: z.array(PersonRow.extend({ department: z.strictObject({ code: z.string(), name: z.string() }) })),
});
const ChangedSchema = z.strictObject({ changed: z.array(z.string()) });
const Dept = z.strictObject({ code: z.string(), name: z.string(), parentCode: z.string().nullable() });
const Person = z.strictObject({ openId: z.string(), name: z.string(), departmentCode: z.string() });
const SyncSchema = z.strictObject({
  applied: z.boolean(),
  fingerprint: z.string().meta({ description: "应用时原样带上；预览之后通讯录有变动则应用被拒绝（409）" }),
  departments: z.strictObject({
    created: z.array(Dept),
    renamed: z.array(z.strictObject({ code: z.string(), from: z.string(), to: z.string() })),
    moved: z.array(z.strictObject({ code: z.string(), name: z.string(), fromParent: z.string().nullable(), toParent: z.string().nullable() })),
  }),
  people: z.strictObject({
    created: z.array(Person),
    renamed: z.array(z.strictObject({ openId: z.string(), from: z.string(), to: z.string() })),
    moved: z.array(z.strictObject({ openId: z.string(), name: z.string(), fromDepartment: z.string(), toDepartment: z.string() })),
    left: z.array(Person),
  }),
  handover: z.array(
    z.strictObject({
      openId: z.string(),
      name: z.string(),
      tasks: z.array(z.string()).meta({ description: "其在办任务的事项编号" }),
      requests: z.array(z.string()).meta({ description: "其发起、尚未办结的事项编号" }),
      link: z.string().meta({ description: "小程序「离岗交接」的地址，如 #handover/ou_x" }),
    }),
  ),
});

export const orgRoutes = new Hono<AppEnv>()
  .use("*", adminAuth())
  .get(
    "/tree",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "组织机构树",
      description: "全部部门（深度优先，含层级 省/市/县区/乡镇、简称、工作群、自动分配方式）及其人员与角色；已离职的人员仍在（left 为 true）。",
      responses: { 200: { description: "组织机构树", schema: TreeSchema } },
    }),
    async (c) => c.json({ departments: presentOrgTree(await loadOrgTree(c.get("deps").db.kysely)) }),
  )
  .get(
    "/search",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "搜索部门与人员",
      description: "按部门名称或简称、人员姓名搜索（包含即命中）。",
      responses: { 200: { description: "命中的部门与人员", schema: SearchSchema } },
    }),
    queryParams(orgSearchQuery, "?q=市监局"),
    async (c) => {
      const q = c.req.valid("query").q;
      const tree = presentOrgTree(await loadOrgTree(c.get("deps").db.kysely));
      const departments = tree.filter((d) => d.name.includes(q) || d.aliases.some((a) => a.includes(q)));
      const people = tree.flatMap((d) => d.people.filter((p) => p.name.includes(q) || p.openId === q).map((p) => ({ ...p, department: { code: d.code, name: d.name } })));
      return c.json({ departments, people });
    },
  )
  .put(
    "/departments/:code",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "修改部门",
      description: "名称、简称、层级（province/city/county/township，null 为不设）、绑定的工作群（null 为解绑）；只改给出的项，前后值记入组织留痕。",
      params: { code: "部门编码" },
      responses: { 200: { description: "改动了哪些项", schema: ChangedSchema }, 404: { description: "部门不存在" }, 422: { description: "简称已被其他部门使用" } },
    }),
    pathParams(codeParam, "/api/admin/org/departments/city-amr"),
    jsonBody(departmentEditBody, DEPARTMENT_EDIT_EXAMPLE),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), departmentSettingsUpdater, { ...c.req.valid("json"), code: c.req.valid("param").code })),
  )
  .put(
    "/people/:openId",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "修改人员",
      description: "调动部门（其发起的事项、经办的任务与留痕仍归其本人）、设置全部角色（部门角色带部门编码，admin/supervisor 为全局角色，department 为 null）、标记休假。记入组织留痕。",
      params: { openId: "人员的 open_id" },
      responses: { 200: { description: "改动了哪些项", schema: ChangedSchema }, 404: { description: "人员或部门不存在" }, 422: { description: "角色与部门不相符" } },
    }),
    pathParams(openIdParam, "/api/admin/org/people/ou_zhangwei"),
    jsonBody(personEditBody, PERSON_EDIT_EXAMPLE),
    async (c) => c.json(await runCommand(c.get("deps"), c.get("actor"), personUpdater, { ...c.req.valid("json"), openId: c.req.valid("param").openId })),
  )
  .post(
    "/sync/preview",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "通讯录同步预览",
      description: "读取飞书通讯录（contact.v3，分页），答复应用后会有的改动：新增、更名、调整上级的部门，新增、更名、调动、离职的人员，以及离职人员待交接的在办工作。不做任何改动。",
      responses: { 200: { description: "将要做的改动", schema: SyncSchema }, 502: { description: "飞书开放平台返回错误" }, 503: { description: "无法连接飞书开放平台" }, 422: { description: "本服务未连接飞书通讯录，或通讯录未返回任何人员" } },
    }),
    async (c) => {
      const deps = c.get("deps");
      const directory = await readDirectory(deps);
      return c.json(await runCommand(deps, c.get("actor"), orgSyncer, { directory, apply: false }));
    },
  )
  .post(
    "/sync/apply",
    describe({
      tag: "管理",
      auth: "admin",
      summary: "应用通讯录同步",
      description: "再读一次通讯录，改动与预览（fingerprint）一致才在一个事务中应用并记入组织留痕：离职人员失去全部角色但不删除，其在办工作列出待交接；不一致则 409，不做任何改动。",
      responses: { 200: { description: "已应用的改动", schema: SyncSchema }, 409: { description: "预览之后通讯录有变动，请重新预览" }, 502: { description: "飞书开放平台返回错误" }, 503: { description: "无法连接飞书开放平台" }, 422: { description: "本服务未连接飞书通讯录，或通讯录未返回任何人员" } },
    }),
    jsonBody(syncApplyBody, { fingerprint: "0".repeat(64) }),
    async (c) => {
      const deps = c.get("deps");
      const directory = await readDirectory(deps);
      return c.json(await runCommand(deps, c.get("actor"), orgSyncer, { directory, apply: true, expectedFingerprint: c.req.valid("json").fingerprint }));
    },
  );
