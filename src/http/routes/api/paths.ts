import { z } from "zod";
import { idParam, pathParams } from "../../validation";

/** `/tasks/:id…`: the task id, 1 to 2147483647, checked before the handler runs (shared by every task route). */
export const taskPath = pathParams(z.object({ id: idParam }), "/api/tasks/42/accept");
