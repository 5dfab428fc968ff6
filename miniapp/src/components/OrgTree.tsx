// The department tree of 组织机构: departments depth-first, indented, with their level (省/市/县区/乡镇), 简称,
// work group and people with their roles. Shared by the admin screen (and any later screen that shows the tree).

export interface OrgPersonRow {
  openId: string;
  name: string;
  active: boolean;
  onLeave: boolean;
  left: boolean;
  roles: Array<{ role: string; department: string | null }>;
}
export interface OrgDepartmentRow {
  code: string;
  name: string;
  parent: string | null;
  depth: number;
  level: string | null;
  levelLabel: string | null;
  aliases: string[];
  chatId: string | null;
  people: OrgPersonRow[];
}

export const ROLE_LABELS: Record<string, string> = { member: "科员", handler: "经办人", dispatcher: "分办员", head: "负责人", admin: "管理员", supervisor: "督查" };

export const rolesText = (p: OrgPersonRow) =>
  p.roles.map((r) => `${ROLE_LABELS[r.role] ?? r.role}${r.department === null ? "（全局）" : ""}`).join("、") || (p.left ? "已离职，无角色" : "无角色");

export function OrgTree(props: { departments: OrgDepartmentRow[]; onDepartment: (d: OrgDepartmentRow) => void; onPerson: (p: OrgPersonRow, d: OrgDepartmentRow) => void }) {
  return (
    <ul class="list org-tree" aria-label="部门树">
      {props.departments.map((d) => (
        <li class="item dept" data-code={d.code} style={{ marginLeft: `${d.depth * 1.2}em` }}>
          <div>
            <strong>{d.name}</strong> {d.levelLabel && <span class="badge level">{d.levelLabel}</span>}
            {d.aliases.length > 0 && <small> 简称：{d.aliases.join("、")}</small>}
            {d.chatId && <small> 工作群：{d.chatId}</small>}{" "}
            <button type="button" class="link" aria-label={`编辑部门 ${d.name}`} onClick={() => props.onDepartment(d)}>
              编辑
            </button>
          </div>
          {d.people.length > 0 && (
            <ul class="people">
              {d.people.map((p) => (
                <li class="person" data-open-id={p.openId}>
                  {p.name}
                  {p.left ? "（已离职）" : p.onLeave ? "（休假）" : ""} <small>{rolesText(p)}</small>{" "}
                  <button type="button" class="link" aria-label={`编辑人员 ${p.name}`} onClick={() => props.onPerson(p, d)}>
                    编辑
                  </button>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
