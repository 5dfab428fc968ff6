/** Org sync: what the platform's contact directory says against what xietong knows. Pure. */

export interface DirectoryDepartment {
  /** the platform's department id, xietong's department code */
  code: string;
  name: string;
  /** null at the top of the tree */
  parentCode: string | null;
}

export interface DirectoryPerson {
  openId: string;
  name: string;
  /** primary department (the platform's first) */
  departmentCode: string;
}

export interface Directory {
  departments: DirectoryDepartment[];
  people: DirectoryPerson[];
}

export interface KnownPerson extends DirectoryPerson {
  /** still working here (not marked left by an earlier sync, not deactivated) */
  active: boolean;
}

export interface OrgChanges {
  departments: {
    created: DirectoryDepartment[];
    renamed: Array<{ code: string; from: string; to: string }>;
    moved: Array<{ code: string; name: string; fromParent: string | null; toParent: string | null }>;
  };
  people: {
    created: DirectoryPerson[];
    renamed: Array<{ openId: string; from: string; to: string }>;
    moved: Array<{ openId: string; name: string; fromDepartment: string; toDepartment: string }>;
    left: Array<{ openId: string; name: string; departmentCode: string }>;
  };
}

/**
 * What applying the directory would change: departments new, renamed, moved under another parent; people new
 * (or back), renamed, moved to another department, left (known and active here, gone from the directory).
 * Departments missing from the directory are left alone: nothing is deleted.
 */
export function diffOrg(known: { departments: DirectoryDepartment[]; people: KnownPerson[] }, dir: Directory): OrgChanges {
  const deptByCode = new Map(known.departments.map((d) => [d.code, d]));
  const personById = new Map(known.people.map((p) => [p.openId, p]));
  const listed = new Set(dir.people.map((p) => p.openId));
  const changes: OrgChanges = { departments: { created: [], renamed: [], moved: [] }, people: { created: [], renamed: [], moved: [], left: [] } };
  for (const d of dir.departments) {
    const k = deptByCode.get(d.code);
    if (!k) {
      changes.departments.created.push(d);
      continue;
    }
    if (k.name !== d.name) changes.departments.renamed.push({ code: d.code, from: k.name, to: d.name });
    if (k.parentCode !== d.parentCode) changes.departments.moved.push({ code: d.code, name: d.name, fromParent: k.parentCode, toParent: d.parentCode });
  }
  for (const p of dir.people) {
    const k = personById.get(p.openId);
    if (!k || !k.active) {
      changes.people.created.push(p);
      continue;
    }
    if (k.name !== p.name) changes.people.renamed.push({ openId: p.openId, from: k.name, to: p.name });
    if (k.departmentCode !== p.departmentCode) changes.people.moved.push({ openId: p.openId, name: p.name, fromDepartment: k.departmentCode, toDepartment: p.departmentCode });
  }
  for (const k of known.people) {
    if (k.active && !listed.has(k.openId)) changes.people.left.push({ openId: k.openId, name: k.name, departmentCode: k.departmentCode });
  }
  return changes;
}

export function changeCount(c: OrgChanges): number {
  return Object.values(c.departments).reduce((n, l) => n + l.length, 0) + Object.values(c.people).reduce((n, l) => n + l.length, 0);
}

/** Reads the whole contact directory from the chat platform (bot/lark/directory.ts); platform-neutral. */
export interface DirectoryReader {
  read(): Promise<Directory>;
}
