import type { DetailTask } from "../../api";
import { when } from "../../components/labels";

/** A task's 督办 status and the instructions given, on the request page (nothing when never supervised). */
export function SupervisionRecords({ task }: { task: DetailTask }) {
  if (task.supervisions.length === 0) return null;
  return (
    <div class="supervision-records">
      <p class="flag">{task.supervision.text}</p>
      <ul>
        {task.supervisions.flatMap((s) => [
          ...(s.instructions.length === 0 ? [<li>{when(s.openedAt)} {s.openedBy} 开启督办</li>] : []),
          ...s.instructions.map((i) => (
            <li>
              {when(i.at)} {i.by}：{i.text}
            </li>
          )),
          ...(s.closedAt ? [<li>{when(s.closedAt)} 督办已销号（{s.closeReason}）</li>] : []),
        ])}
      </ul>
    </div>
  );
}
