import { z } from "zod";
import { DEPARTMENT_ROLES, GLOBAL_ROLES } from "./types";

// The admin console's 组织机构 forms and API bodies: one set of schemas for both (the mini-app imports these).

export const DEPARTMENT_LEVELS = ["province", "city", "county", "township"] as const;

const ALIAS = "简称为 1 到 50 个字，例如 市监局";

export const departmentEditBody = z.strictObject({
  name: z.string({ message: "部门名称须为文字，例如 市市场监督管理局" }).trim().min(1, "部门名称不能为空，例如 市市场监督管理局").max(100, "部门名称最多 100 个字").optional(),
  aliases: z
    .array(z.string({ message: ALIAS }).trim().min(1, ALIAS).max(50, ALIAS), { message: '简称须为列表，例如 ["市监局","市场监管局"]' })
    .max(20, "简称最多 20 个")
    .optional(),
  level: z.enum(DEPARTMENT_LEVELS, { message: "层级只能是 province（省）、city（市）、county（县区）、township（乡镇），或 null（不设）" }).nullable().optional(),
  chatId: z
    .string({ message: "工作群的 chat_id 以 oc_ 开头，例如 oc_amr；不绑定填 null" })
    .trim()
    .regex(/^oc_\w{1,96}$/, "工作群的 chat_id 以 oc_ 开头，例如 oc_amr；不绑定填 null")
    .nullable()
    .optional(),
});
export const DEPARTMENT_EDIT_EXAMPLE: z.input<typeof departmentEditBody> = { aliases: ["市监局", "市场监管局"], level: "city", chatId: "oc_amr" };

const ROLES = [...DEPARTMENT_ROLES, ...GLOBAL_ROLES] as const;

export const personEditBody = z.strictObject({
  department: z.string({ message: "department 是部门编码，例如 city-tax" }).trim().min(1, "department 是部门编码，例如 city-tax").optional(),
  roles: z
    .array(
      z.strictObject({
        role: z.enum(ROLES, { message: "角色只能是 member（科员）、handler（经办人）、dispatcher（分办员）、head（负责人）、admin（管理员）、supervisor（督查）" }),
        department: z.string().trim().min(1, "部门角色须填部门编码，例如 city-tax").nullable(),
      }),
      { message: '角色须为列表，例如 [{"role":"handler","department":"city-tax"}]' },
    )
    .max(50, "角色最多 50 项")
    .optional(),
  onLeave: z.boolean({ message: "onLeave 只能是 true 或 false" }).optional(),
});
export const PERSON_EDIT_EXAMPLE: z.input<typeof personEditBody> = { department: "city-tax", roles: [{ role: "handler", department: "city-tax" }] };

export const syncApplyBody = z.strictObject({
  fingerprint: z.string({ message: "请填写 fingerprint：同步预览答复中的 fingerprint" }).regex(/^[0-9a-f]{64}$/, "fingerprint 须为同步预览答复中的 64 位十六进制串"),
});

export const orgSearchQuery = z.object({
  q: z.string({ message: "请填写 q：部门名称、简称或人员姓名，例如 q=市监局" }).trim().min(1, "q 不能为空：填写部门名称、简称或人员姓名，例如 q=市监局").max(50, "q 最多 50 个字"),
});
