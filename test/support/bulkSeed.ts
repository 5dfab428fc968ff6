import { sql, type RawBuilder } from "kysely";
import type { Db } from "../../src/db/client";

/**
 * Loads a large organisation's worth of work with set-based SQL (`insert … select … from generate_series`), for
 * the large-list tests and the benchmarks. Works on embedded PGlite and on PostgreSQL (in whatever schema the
 * handle is bound to), in one transaction, then ANALYZEs the tables.
 *
 * What it makes, deterministically (the same options give the same rows):
 * - `departments` agencies `<codePrefix>-d01…`, plus `<codePrefix>-inspect` (督查室) for the supervisor;
 * - `usersPerDepartment` people in each agency: slot 0 head, 1 dispatcher, 2–3 handlers, the rest members
 *   (slot 4, the "busy member", raises about half of the agency's requests); one supervisor (global role);
 * - `requests` requests spread over the `days` before `now`, numbered `<prefix>-<year>-<seq>` after whatever the
 *   request_counters already hold (and the counters are moved on, so requests created later do not collide);
 * - a lead task for each, and a supporting task (联办) for every `jointEvery`-th (default every third; 1 gives two
 *   tasks to every request, as the dashboard bench's 1M requests / 2M tasks); the first agency (`-d01`) receives about
 *   a quarter of all lead tasks, so it has a long inbox;
 * - states spread like a real backlog (recent requests mostly open, old ones mostly closed), so there are overdue
 *   tasks, tasks due within the day after `now`, and many tasks sharing a deadline (17:30 local time) — the ties
 *   keyset pagination must break by id;
 * - six categories and none, about 1 in 12 requests `sensitive`, some urgent and critical.
 *
 * No audit records are written: the audit table is append-only (a trigger refuses updates and deletes), and an
 * empty chain verifies. Nothing is ever deleted: use a fresh database or schema (createTestDb gives one).
 */
export interface BulkSeedOptions {
  requests: number;
  /** agencies that raise and receive requests (at least 3); default 40 */
  departments?: number;
  /** people per agency (at least 5); default 8 */
  usersPerDepartment?: number;
  /** the clock the data is relative to; default Monday 2026-11-23 10:00 Shanghai, the harness's default */
  now?: Date;
  /** requests are created over this many days before `now`; default 120 */
  days?: number;
  /** every n-th request is 联办 (a lead and a supporting task); default 3, 1 makes every request 联办 */
  jointEvery?: number;
  /** request number prefix; default "XT", as REQUEST_NUMBER_PREFIX */
  prefix?: string;
  /** department codes and openIds start with this; default "bulk" */
  codePrefix?: string;
  /** the offices' time zone (deadlines are 17:30 there); default Asia/Shanghai */
  timeZone?: string;
}

export interface BulkPerson {
  id: number;
  openId: string;
  name: string;
}

export interface BulkDepartment {
  id: number;
  code: string;
  name: string;
  head: BulkPerson;
  dispatcher: BulkPerson;
  handlers: BulkPerson[];
  /** slot 4: raises about half of the agency's requests */
  busyMember: BulkPerson;
  members: BulkPerson[];
}

export interface BulkSeed {
  now: Date;
  departments: BulkDepartment[];
  supervisor: BulkPerson;
  requests: number;
  tasks: number;
  /** wall time of the inserts and ANALYZE */
  ms: number;
}

export const BULK_CATEGORIES = ["证照核查", "纳税证明", "社保参保", "企业注销", "户籍核查", "安全生产"] as const;
const TITLES = ["核查某公司营业执照", "出具某企业纳税证明", "核实某人社保参保情况", "某企业申请注销，请协助核查", "核查某人户籍信息", "排查某厂区安全生产隐患"];

export async function seedBulk(db: Db, opts: BulkSeedOptions): Promise<BulkSeed> {
  const n = Math.trunc(opts.requests);
  const D = opts.departments ?? 40;
  const U = opts.usersPerDepartment ?? 8;
  const now = opts.now ?? new Date("2026-11-23T10:00:00+08:00");
  const days = opts.days ?? 120;
  const jointEvery = Math.max(1, Math.trunc(opts.jointEvery ?? 3));
  const prefix = opts.prefix ?? "XT";
  const cp = opts.codePrefix ?? "bulk";
  const tz = opts.timeZone ?? "Asia/Shanghai";
  if (!(n >= 1)) throw new Error("seedBulk: requests must be at least 1");
  if (D < 3 || U < 5 || U > 99) throw new Error("seedBulk: at least 3 departments, and 5 to 99 people per department");
  if (!/^[A-Z][A-Z0-9]{0,9}$/.test(prefix)) throw new Error(`seedBulk: bad request number prefix ${prefix}`);
  const w = String(D).length;
  const nowIso = now.toISOString();
  const step = (days * 86400) / n; // seconds between two requests
  const started = Date.now();

  // Cheap deterministic mixing of the series number (Knuth's multiplicative hash), 0..65535, one per aspect, so
  // states, categories, classification and targets do not move in lockstep.
  const mix = (k: number) => sql.raw(`((g::bigint * ${k}) % 4294967296 / 65536)::int`);
  // Open most of the time when recent, closed most of the time when older than 30 days.
  const stateOf = (r: RawBuilder<unknown>) => sql`case when recent then
      case when ${r} < 25 then 'completed' when ${r} < 30 then 'returned' when ${r} < 33 then 'rejected' when ${r} < 36 then 'cancelled'
           when ${r} < 42 then 'pending_approval' when ${r} < 62 then 'pending_accept' when ${r} < 85 then 'in_progress' else 'awaiting_info' end
    else
      case when ${r} < 70 then 'completed' when ${r} < 75 then 'returned' when ${r} < 78 then 'rejected' when ${r} < 82 then 'cancelled'
           when ${r} < 84 then 'pending_approval' when ${r} < 89 then 'pending_accept' when ${r} < 96 then 'in_progress' else 'awaiting_info' end
    end`;
  const deptCodes = sql`(select ${cp}::text || '-d' || lpad(i::text, ${w}::int, '0') from generate_series(1, ${D}::int) i)`;
  // The agencies' ids by position (1..D), for the few hundred people.
  const deptIds = sql`d as (select array_agg(id order by code) as ids from departments where code in ${deptCodes})`;
  // For the 100,000 requests, lookups from position to id joined by hash (arrays carried through that plan made
  // PostgreSQL sort 150 MB on disk): dl.i = agency index 0..D-1, ul.k = agency index * U + slot.
  const deptLookup = sql`dl as (select (row_number() over (order by code) - 1)::int as i, id from departments where code in ${deptCodes})`;
  const userLookup = sql`ul as (
      select (row_number() over (order by users.open_id) - 1)::int as k, users.id
      from users join departments on departments.id = users.department_id
      where departments.code in ${deptCodes} and users.open_id like ${`ou_${cp}_%`})`;

  const counts = await db.transaction(async (trx) => {
    await sql`
      insert into departments (code, name, aliases, chat_id)
      select ${cp}::text || '-d' || lpad(i::text, ${w}::int, '0'), '第' || i || '委办局', array['委办局' || i], 'oc_' || ${cp}::text || '_d' || i
      from generate_series(1, ${D}::int) i`.execute(trx);
    await sql`insert into departments (code, name, aliases) values (${`${cp}-inspect`}, '督查室（' || ${cp}::text || '）', '{}')`.execute(trx);

    // People, and their roles in the same statement (the CTE hands over the new ids).
    await sql`
      with ${deptIds},
      ins as (
        insert into users (open_id, name, department_id)
        select 'ou_' || ${cp}::text || '_' || lpad(i::text, ${w}::int, '0') || '_' || lpad(s::text, 2, '0'),
               (array['张','王','李','赵','刘','陈','杨','黄','周','吴','徐','孙'])[1 + (i * 7 + s * 5) % 12]
                 || (array['伟','芳','娜','敏','静','磊','洋','勇','艳','杰','军','丽','强'])[1 + (i * 3 + s * 11) % 13],
               d.ids[i]
        from d, generate_series(1, ${D}::int) i, generate_series(0, ${U - 1}::int) s
        order by i, s
        returning id, open_id, department_id
      )
      insert into user_roles (user_id, role, department_id)
      select id,
             case substring(open_id from '_([0-9]+)$')::int when 0 then 'head' when 1 then 'dispatcher' when 2 then 'handler' when 3 then 'handler' else 'member' end,
             department_id
      from ins`.execute(trx);
    await sql`
      with ins as (
        insert into users (open_id, name, department_id)
        select ${`ou_${cp}_supervisor`}, '督查员', id from departments where code = ${`${cp}-inspect`}
        returning id
      )
      insert into user_roles (user_id, role, department_id) select id, 'supervisor', null from ins`.execute(trx);

    // Requests and their tasks in one statement: `plan` decides everything from the series number g.
    const res = await sql`
      with ${deptLookup}, ${userLookup},
      p0 as (
        select g,
               nextval(pg_get_serial_sequence('requests', 'id'))::int as request_id,
               ${nowIso}::timestamptz - (${n}::int - g + 1) * (${step}::float8 * interval '1 second') as created_at,
               ${mix(2654435761)} % 100 as r_lead,
               ${mix(2246822519)} as h_kind,
               ${mix(3266489917)} as h_cat,
               ${mix(668265263)} as h_sup,
               ${mix(374761393)} as h_who,
               (g - 1) % ${D}::int as from_i,
               1 + (g * 7) % (${D}::int - 1) as lead_off
        from generate_series(1, ${n}::int) g
      ),
      p1 as (
        select p0.*,
               created_at > ${nowIso}::timestamptz - interval '30 days' as recent,
               extract(year from created_at at time zone ${tz}::text)::int as year,
               g % ${jointEvery}::int = 0 as joint,
               case when h_kind % 20 = 0 then 'critical' when h_kind % 20 < 4 then 'urgent' else 'normal' end as priority,
               case when h_kind % 12 = 0 then 'sensitive' when h_kind % 12 < 4 then 'public' else 'internal' end as classification,
               (array['chat','chat','miniapp','api'])[1 + (h_kind / 20) % 4] as source,
               h_cat % 7 as cat_i,
               -- a quarter of the lead tasks go to the first agency (unless it raised the request)
               case when h_cat % 4 = 0 and from_i <> 0 then 0 else (from_i + lead_off) % ${D}::int end as lead_i,
               (from_i + lead_off) % ${D}::int as plain_lead_i,
               (from_i + 1 + (lead_off + g % (${D}::int - 2)) % (${D}::int - 1)) % ${D}::int as plain_sup_i,
               -- the busy member (slot 4) raises half the requests, everyone in the agency the rest
               case when h_who % 2 = 0 then 4 else (h_who / 2) % ${U}::int end as slot
        from p0
      ),
      p2 as (
        select p1.*,
               case when not joint then null when plain_sup_i = lead_i then plain_lead_i else plain_sup_i end as sup_i,
               ${stateOf(sql`r_lead`)} as lead_state,
               case priority when 'critical' then 1 when 'urgent' then 2 else 5 end as sla,
               case when priority = 'critical' then created_at + interval '1 day'
                    else (((created_at at time zone ${tz}::text)::date + case when priority = 'urgent' then 2 else 1 + g % 10 end) + time '17:30') at time zone ${tz}::text
               end as due_at
        from p1
      ),
      p3 as (
        select p2.*,
               case when not joint then null
                    when lead_state in ('pending_approval', 'cancelled') then lead_state
                    else ${stateOf(sql`h_sup % 100`)} end as sup_state
        from p2
      ),
      p4 as (
        -- the number's sequence; lpad to 6 digits, never truncating past 999,999 (lpad cuts longer text)
        select p3.*, coalesce(c.last_value, 0) + row_number() over (partition by p3.year order by g) as seq
        from p3 left join request_counters c on c.prefix = ${prefix}::text and c.year = p3.year
      ),
      plan as (
        select p3.*,
               ${prefix}::text || '-' || p3.year || '-' || lpad(p3.seq::text, greatest(6, length(p3.seq::text)), '0') as number,
               case
                 when 'pending_approval' in (lead_state, sup_state) then 'pending_approval'
                 when 'in_progress' in (lead_state, sup_state) then 'in_progress'
                 when 'awaiting_info' in (lead_state, sup_state) then 'awaiting_info'
                 when 'pending_accept' in (lead_state, sup_state) then case when 'completed' in (lead_state, sup_state) then 'in_progress' else 'pending_accept' end
                 when 'returned' in (lead_state, sup_state) then 'returned'
                 when 'completed' in (lead_state, sup_state) then 'completed'
                 when 'rejected' in (lead_state, sup_state) then 'rejected'
                 else 'cancelled'
               end as status,
               coalesce((array[${sql.join(TITLES)}]::text[])[cat_i], '其他事项协查') || '（第' || g || '号）' as title
        from p4 p3
      ),
      ins as (
        insert into requests (id, number, title, body, category, priority, classification, source, status, requester_id, from_department_id,
                              due_at, created_at, updated_at, closed_at)
        select request_id, number, title, '请协助办理：' || title || '。请在期限内反馈办理结果。',
               (array[${sql.join([...BULK_CATEGORIES])}]::text[])[cat_i], priority, classification, source, status,
               ul.id, dl.id,
               due_at, created_at,
               least(${nowIso}::timestamptz, created_at + case when status in ('completed','rejected','cancelled','returned') then interval '1 day' else interval '1 hour' end),
               case when status in ('completed','rejected','cancelled') then least(${nowIso}::timestamptz, created_at + interval '1 day') end
        from plan
        join dl on dl.i = plan.from_i
        join ul on ul.k = plan.from_i * ${U}::int + plan.slot
        order by g
      )
      -- The tasks come from the plan too (request ids were drawn from the sequence there), not from the insert above;
      -- the foreign keys are checked at the end of the statement, when both are in.
      insert into tasks (request_id, department_id, from_department_id, role, state, assignee_id, sla_working_days, outbound_approval, completion_review, due_at, original_due_at,
                         paused_at, result, last_reason, accepted_at, completed_at, created_at, updated_at)
      select p.request_id, dl.id, fl.id, t.role, t.state, ul.id,
             p.sla, t.state = 'pending_approval' or p.h_sup % 4 = 0, false, p.due_at, p.due_at,
             case when t.state = 'awaiting_info' then least(${nowIso}::timestamptz, p.created_at + interval '3 hours') end,
             case when t.state = 'completed' then '经核查，情况属实，已办结。' end,
             case t.state when 'returned' then '不属于本部门职责' when 'rejected' then '材料不全，不予同意' end,
             case when t.state in ('in_progress','awaiting_info','completed') then least(${nowIso}::timestamptz, p.created_at + interval '2 hours') end,
             case when t.state = 'completed' then least(${nowIso}::timestamptz, p.created_at + interval '1 day') end,
             p.created_at,
             least(${nowIso}::timestamptz, p.created_at + case when t.state in ('completed','rejected','cancelled','returned') then interval '1 day' else interval '3 hours' end)
      from plan p
      cross join lateral (
        select 'lead' as role, p.lead_i as dept_i, p.lead_state as state
        union all
        select 'supporting', p.sup_i, p.sup_state where p.joint
      ) t
      join dl on dl.i = t.dept_i
      join dl fl on fl.i = p.from_i
      -- handlers (slots 2 and 3) hold the accepted tasks
      left join ul on t.state in ('in_progress','awaiting_info','completed') and ul.k = t.dept_i * ${U}::int + 2 + p.g % 2
      order by p.request_id, t.role`.execute(trx);

    // Move the numbering on past what was inserted.
    await sql`
      insert into request_counters (prefix, year, last_value)
      select ${prefix}::text, split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::int)
      from requests where number like ${`${prefix}-%`}
      group by split_part(number, '-', 2)::int
      on conflict (prefix, year) do update set last_value = greatest(request_counters.last_value, excluded.last_value)`.execute(trx);
    return { tasks: Number(res.numAffectedRows ?? 0) };
  });
  await sql`analyze departments, users, user_roles, requests, tasks`.execute(db.kysely);
  const ms = Date.now() - started;
  const found = await readBulkSeed(db, { departments: D, codePrefix: cp });
  return { now, ...found, requests: n, tasks: counts.tasks, ms };
}

/** The people and agencies of a schema seeded earlier by seedBulk with the same `departments` and `codePrefix`. */
export async function readBulkSeed(db: Db, opts: { departments?: number; codePrefix?: string }): Promise<{ departments: BulkDepartment[]; supervisor: BulkPerson }> {
  const D = opts.departments ?? 40;
  const cp = opts.codePrefix ?? "bulk";
  const w = String(D).length;
  const people = await db.kysely
    .selectFrom("users")
    .innerJoin("departments", "departments.id", "users.departmentId")
    .select(["users.id", "users.openId", "users.name", "departments.id as departmentId", "departments.code", "departments.name as departmentName"])
    .where("users.openId", "like", `ou_${cp}_%`)
    .orderBy("users.openId")
    .execute();
  const person = (p: (typeof people)[number]): BulkPerson => ({ id: p.id, openId: p.openId, name: p.name });
  const departments: BulkDepartment[] = [];
  for (let i = 1; i <= D; i++) {
    const code = `${cp}-d${String(i).padStart(w, "0")}`;
    const staff = people.filter((p) => p.code === code);
    const slot = (s: number) => staff.find((p) => p.openId.endsWith(`_${String(s).padStart(2, "0")}`))!;
    departments.push({
      id: staff[0]!.departmentId,
      code,
      name: staff[0]!.departmentName,
      head: person(slot(0)),
      dispatcher: person(slot(1)),
      handlers: [person(slot(2)), person(slot(3))],
      busyMember: person(slot(4)),
      members: staff.slice(4).map(person),
    });
  }
  const sup = people.find((p) => p.openId === `ou_${cp}_supervisor`)!;
  return { departments, supervisor: person(sup) };
}
