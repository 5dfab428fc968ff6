import { useEffect, useState } from "preact/hooks";
import { describeIssues } from "../../../../src/domain/importFormat";
import { departmentEditBody, DEPARTMENT_LEVELS, personEditBody } from "../../../../src/domain/orgAdmin";
import { api, messageOf, read } from "../../api";
import { refuse } from "../../components/forms";
import { OrgTree, ROLE_LABELS, rolesText, type OrgDepartmentRow, type OrgPersonRow } from "../../components/OrgTree";

// 组织机构 (admins): the department tree with levels, search by name or 简称, editing a department (name, 简称,
// level, work group) and a person (department, roles per department and global), and the sync from the platform's
// contact directory: 同步预览 lists what would change, 应用 applies exactly that; people who left are listed with
// their open work and a link to 离岗交接.

const LEVEL_LABELS: Record<string, string> = { province: "省", city: "市", county: "县区", township: "乡镇" };
type Sync = Awaited<ReturnType<typeof preview>>;
const preview = () => read(api.org.sync.preview.$post());
const splitAliases = (v: string) => v.split(/[,，、\s]+/).map((a) => a.trim()).filter(Boolean);

export function OrgPage() {
  const [tree, setTree] = useState<OrgDepartmentRow[]>([]);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [q, setQ] = useState("");
  const [found, setFound] = useState<{ departments: OrgDepartmentRow[]; people: Array<OrgPersonRow & { department: { code: string; name: string } }> } | null>(null);
  const [dept, setDept] = useState<OrgDepartmentRow | null>(null);
  const [person, setPerson] = useState<{ p: OrgPersonRow; d: string } | null>(null);
  const [sync, setSync] = useState<Sync | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = () => read(api.org.tree.$get()).then((r) => setTree(r.departments), (e) => setError(messageOf(e, "组织机构加载失败，请重试。")));
  useEffect(() => void reload(), []);

  const run = async (call: () => Promise<void>) => {
    setBusy(true);
    try {
      await call();
      setError("");
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };
  const search = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      if (!q.trim()) return setFound(null);
      setFound(await read(api.org.search.$get({ query: { q } })));
    });
  };
  const editPerson = (p: OrgPersonRow, d: { code: string }) => (setDept(null), setPerson({ p, d: d.code }));
  const editDept = (d: OrgDepartmentRow) => (setPerson(null), setDept(d));
  const saved = async (text: string) => {
    setNotice(text);
    setDept(null);
    setPerson(null);
    await reload();
    if (found && q.trim()) setFound(await read(api.org.search.$get({ query: { q } })));
  };

  return (
    <div class="org">
      <form class="panel" role="search" aria-label="搜索部门与人员" onSubmit={search}>
        <label class="field">
          <span class="label">部门名称、简称或姓名</span>
          <input value={q} placeholder="例如 市监局" onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button class="primary" disabled={busy}>搜索</button>
        </div>
      </form>
      {found && (
        <section class="panel search-results" aria-label="搜索结果">
          <h3>搜索结果</h3>
          {found.departments.length + found.people.length === 0 && <p class="hint">没有找到「{q}」。</p>}
          <ul class="list">
            {found.departments.map((d) => (
              <li class="item found-dept" data-code={d.code}>
                部门：{d.name}
                {d.levelLabel ? `（${d.levelLabel}）` : ""} {d.aliases.length > 0 && <small>简称：{d.aliases.join("、")}</small>}{" "}
                <button type="button" class="link" onClick={() => editDept(d)}>
                  编辑
                </button>
              </li>
            ))}
            {found.people.map((p) => (
              <li class="item found-person" data-open-id={p.openId}>
                人员：{p.name}（{p.department.name}）<small>{rolesText(p)}</small>{" "}
                <button type="button" class="link" onClick={() => editPerson(p, p.department)}>
                  编辑
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {notice && <p class="notice" role="status">{notice}</p>}
      {dept && <DepartmentForm key={dept.code} dept={dept} busy={busy} run={run} onSaved={saved} onCancel={() => setDept(null)} />}
      {person && <PersonForm key={person.p.openId} person={person.p} department={person.d} tree={tree} busy={busy} run={run} onSaved={saved} onCancel={() => setPerson(null)} />}

      <section class="panel sync" aria-label="通讯录同步">
        <h3>通讯录同步</h3>
        <p class="hint">从飞书通讯录读取部门与人员，先预览改动，核对后再应用。不删除任何数据：离职人员失去角色，其在办工作列出待交接。</p>
        <div class="actions">
          <button type="button" disabled={busy} onClick={() => void run(async () => (setNotice(""), setSync(await preview())))}>
            同步预览
          </button>
          {sync && !sync.applied && count(sync) > 0 && (
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const r = await read(api.org.sync.apply.$post({ json: { fingerprint: sync.fingerprint } }));
                  setSync(r);
                  setNotice(`已应用通讯录同步：共 ${count(r)} 项改动。`);
                  await reload();
                })
              }
            >
              应用
            </button>
          )}
        </div>
        {sync && <SyncChanges sync={sync} />}
      </section>

      <section class="panel" aria-label="组织机构">
        <h3>组织机构</h3>
        <OrgTree departments={tree} onDepartment={editDept} onPerson={editPerson} />
      </section>
    </div>
  );
}

const count = (s: Sync) => Object.values(s.departments).reduce((n, l) => n + l.length, 0) + Object.values(s.people).reduce((n, l) => n + l.length, 0);

function SyncChanges({ sync }: { sync: Sync }) {
  const d = sync.departments;
  const p = sync.people;
  const lines = [
    ...d.created.map((x) => `新增部门：${x.name}`),
    ...d.renamed.map((x) => `部门更名：${x.from} → ${x.to}`),
    ...d.moved.map((x) => `部门调整上级：${x.name}（${x.fromParent ?? "无"} → ${x.toParent ?? "无"}）`),
    ...p.created.map((x) => `新增人员：${x.name}`),
    ...p.renamed.map((x) => `人员更名：${x.from} → ${x.to}`),
    ...p.moved.map((x) => `人员调动：${x.name}（${x.fromDepartment} → ${x.toDepartment}）`),
    ...p.left.map((x) => `离职：${x.name}`),
  ];
  return (
    <div class="sync-result">
      <p class="status">{sync.applied ? "已应用以下改动：" : lines.length ? `预览：共 ${lines.length} 项改动，尚未应用。` : "通讯录与本系统一致，没有需要同步的改动。"}</p>
      <ul class="list changes" aria-label="同步改动">
        {lines.map((l) => (
          <li class="item change">{l}</li>
        ))}
      </ul>
      {sync.handover.length > 0 && (
        <ul class="list handover" aria-label="离职人员待交接">
          {sync.handover.map((h) => (
            <li class="item" data-open-id={h.openId}>
              {h.name}：在办任务 {h.tasks.join("、") || "无"}；发起的事项 {h.requests.join("、") || "无"}{" "}
              <a href={h.link}>办理离岗交接</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type Run = (call: () => Promise<void>) => Promise<void>;

function DepartmentForm(props: { dept: OrgDepartmentRow; busy: boolean; run: Run; onSaved: (t: string) => Promise<void>; onCancel: () => void }) {
  const [name, setName] = useState(props.dept.name);
  const [aliases, setAliases] = useState(props.dept.aliases.join("、"));
  const [level, setLevel] = useState(props.dept.level ?? "");
  const [chatId, setChatId] = useState(props.dept.chatId ?? "");
  const submit = (e: Event) => {
    e.preventDefault();
    void props.run(async () => {
      const parsed = departmentEditBody.safeParse({ name, aliases: splitAliases(aliases), level: level || null, chatId: chatId.trim() || null });
      if (!parsed.success) throw refuse(`${describeIssues(parsed.error)}。`);
      const r = await read(api.org.departments[":code"].$put({ param: { code: props.dept.code }, json: parsed.data }));
      await props.onSaved(r.changed.length ? `已保存部门「${parsed.data.name ?? props.dept.name}」。` : "没有改动。");
    });
  };
  return (
    <form class="panel" aria-label="编辑部门" onSubmit={submit}>
      <h3>编辑部门：{props.dept.name}</h3>
      <label class="field">
        <span class="label">名称</span>
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="label">简称</span>
        <input value={aliases} placeholder="多个用顿号分隔，例如 市监局、市场监管局" onInput={(e) => setAliases(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="label">层级</span>
        <select value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
          <option value="">不设</option>
          {DEPARTMENT_LEVELS.map((l) => (
            <option value={l}>{LEVEL_LABELS[l]}</option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="label">工作群 chat_id</span>
        <input value={chatId} placeholder="例如 oc_amr；留空为不绑定" onInput={(e) => setChatId(e.currentTarget.value)} />
      </label>
      <div class="actions">
        <button class="primary" disabled={props.busy}>保存部门</button>
        <button type="button" onClick={props.onCancel}>取消</button>
      </div>
    </form>
  );
}

const ALL_ROLES = Object.keys(ROLE_LABELS);
const GLOBAL = ["admin", "supervisor"];

function PersonForm(props: { person: OrgPersonRow; department: string; tree: OrgDepartmentRow[]; busy: boolean; run: Run; onSaved: (t: string) => Promise<void>; onCancel: () => void }) {
  const [department, setDepartment] = useState(props.department);
  const [roles, setRoles] = useState(props.person.roles.map((r) => ({ ...r })));
  const [onLeave, setOnLeave] = useState(props.person.onLeave);
  const setRole = (i: number, patch: Partial<{ role: string; department: string | null }>) =>
    setRoles(roles.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: Event) => {
    e.preventDefault();
    void props.run(async () => {
      // Roles held in the department left move with the person unless the admin changed them.
      const moved = department !== props.department;
      const next = roles.map((r) => (moved && r.department === props.department ? { ...r, department } : r));
      const parsed = personEditBody.safeParse({ department, roles: next, onLeave });
      if (!parsed.success) throw refuse(`${describeIssues(parsed.error)}。`);
      for (const r of parsed.data.roles ?? []) {
        if (GLOBAL.includes(r.role) !== (r.department === null)) throw refuse(`${ROLE_LABELS[r.role]}${GLOBAL.includes(r.role) ? "是全局角色，部门请选「全局」" : "须选择部门"}。`);
      }
      await read(api.org.people[":openId"].$put({ param: { openId: props.person.openId }, json: parsed.data }));
      const to = props.tree.find((d) => d.code === department)?.name ?? department;
      await props.onSaved(moved ? `已将 ${props.person.name} 调至 ${to}。` : `已保存 ${props.person.name}。`);
    });
  };
  return (
    <form class="panel" aria-label="编辑人员" onSubmit={submit}>
      <h3>编辑人员：{props.person.name}</h3>
      <label class="field">
        <span class="label">所在部门</span>
        <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
          {props.tree.map((d) => (
            <option value={d.code}>{`${"　".repeat(d.depth)}${d.name}`}</option>
          ))}
        </select>
      </label>
      <fieldset class="roles">
        <legend>角色</legend>
        {roles.map((r, i) => (
          <div class="role-row">
            <select aria-label={`角色 ${i + 1}`} value={r.role} onChange={(e) => setRole(i, { role: e.currentTarget.value, department: GLOBAL.includes(e.currentTarget.value) ? null : (r.department ?? department) })}>
              {ALL_ROLES.map((x) => (
                <option value={x}>{ROLE_LABELS[x]}</option>
              ))}
            </select>
            <select aria-label={`角色 ${i + 1} 的部门`} value={r.department ?? ""} onChange={(e) => setRole(i, { department: e.currentTarget.value || null })}>
              <option value="">全局</option>
              {props.tree.map((d) => (
                <option value={d.code}>{d.name}</option>
              ))}
            </select>
            <button type="button" class="link" onClick={() => setRoles(roles.filter((_, j) => j !== i))}>
              删除
            </button>
          </div>
        ))}
        <button type="button" class="link" onClick={() => setRoles([...roles, { role: "member", department }])}>
          添加角色
        </button>
      </fieldset>
      <label class="check">
        <input type="checkbox" checked={onLeave} onChange={(e) => setOnLeave(e.currentTarget.checked)} /> 休假中（自动分配时跳过）
      </label>
      <div class="actions">
        <button class="primary" disabled={props.busy}>保存人员</button>
        <button type="button" onClick={props.onCancel}>取消</button>
      </div>
    </form>
  );
}
