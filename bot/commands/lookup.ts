import type { Deps } from "../../src/commands/context";
import { resolveDepartmentOrThrow } from "../../src/domain/departmentResolver";
import { listDepartments, toDepartmentRef } from "../../src/db/repositories/org";

/** A department named in chat ("市税务局", "税务局", a fragment) -> its code, or a Chinese refusal with candidates. */
export async function departmentCode(deps: Deps, name: string): Promise<string> {
  const all = await listDepartments(deps.db.kysely);
  return resolveDepartmentOrThrow(name, all.map(toDepartmentRef)).code;
}
