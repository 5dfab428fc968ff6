import type { Deps } from "../../src/commands/context";
import { resolveDepartment, resolveDepartmentOrThrow } from "../../src/domain/departmentResolver";
import { listDepartments, toDepartmentRef } from "../../src/db/repositories/org";

/** A department named in chat ("市税务局", "税务局", a fragment) -> its code, or a Chinese refusal with candidates. */
export async function departmentCode(deps: Deps, name: string): Promise<string> {
  const all = await listDepartments(deps.db.kysely);
  return resolveDepartmentOrThrow(name, all.map(toDepartmentRef)).code;
}

/** The code of the department the name points to unambiguously, or undefined when it names none (then it is something else, e.g. a person). */
export async function departmentCodeIfAny(deps: Deps, name: string): Promise<string | undefined> {
  const r = resolveDepartment(name, (await listDepartments(deps.db.kysely)).map(toDepartmentRef));
  return r.kind === "found" ? r.department.code : undefined;
}
