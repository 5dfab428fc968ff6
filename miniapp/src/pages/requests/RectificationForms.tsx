import { useState } from "preact/hooks";
import { api, ApiError, read, type Action, type DetailTask } from "../../api";
import { useFormFiles } from "../../components/attachments";
import { Panel, Text } from "../../components/forms";
import { when } from "../../components/labels";

// 整改 after a 差评 and 申诉 of a rating, on the request page: what stands now, and the forms for the
// department's answer, the requester's verdict and the supervisors' decisions.

/** The 整改 item and the appeal of one task, as the server presents them. */
export function RectificationInfo({ task: t }: { task: DetailTask }) {
  const r = t.rectification;
  const a = t.appeal;
  if (!r && !a) return null;
  return (
    <div class="result rectification">
      {r && (
        <p>
          整改：{r.label} · 期限 {when(r.dueAt)}
          {r.answer ? `；整改情况：${r.answer}${r.onTime === false ? "（逾期答复）" : "（按期答复）"}` : ""}
          {r.disputeReason ? `；异议理由：${r.disputeReason}` : ""}
          {r.decisionLabel ? `；督查裁定：${r.decisionLabel}${r.decisionComment ? `，${r.decisionComment}` : ""}` : ""}
        </p>
      )}
      {a && (
        <p>
          申诉：{a.label}
          {a.reason ? `；理由：${a.reason}` : ""}
          {a.decisionComment ? `；裁定意见：${a.decisionComment}` : ""}
        </p>
      )}
    </div>
  );
}

type Run = (call: () => Promise<string>) => Promise<void>;

/** The forms of the 整改 and 申诉 actions (null for any other action). */
export function RectificationForm({ number, task: t, action, run, onCancel }: { number: string; task: DetailTask; action: Action; run: Run; onCancel: () => void }) {
  const [text, setText] = useState("");
  const files = useFormFiles({ attachedTo: "rectification", taskId: t.id });
  const p = { param: { id: String(t.id) } };
  const task = api.rectifications.tasks[":id{[0-9]+}"];
  const common = { run, onCancel };
  switch (action) {
    case "rectify":
      return (
        <Panel
          {...common}
          title="整改答复"
          submit="提交整改情况"
          call={async () => {
            await files.upload(number, "整改答复");
            await read(task.rectification.$post({ ...p, json: { answer: text } }));
            return "已答复整改情况，等待发起人确认";
          }}
        >
          <Text label="整改情况" placeholder="如：已约谈经办人，建立答复前复核制度" value={text} onInput={setText} rows={4} />
          {files.field}
        </Panel>
      );
    case "confirmRectification":
      return (
        <Panel
          {...common}
          title="确认整改"
          submit="确认整改"
          call={async () => {
            await read(task.rectification.verdict.$post({ ...p, json: { verdict: "confirm" } }));
            return "已确认整改，整改事项办结";
          }}
        >
          <p>确认承办部门的整改情况后，整改事项办结。</p>
        </Panel>
      );
    case "disputeRectification":
      return (
        <Panel
          {...common}
          title="整改异议"
          submit="提交异议"
          danger
          call={async () => {
            await read(task.rectification.verdict.$post({ ...p, json: { verdict: "dispute", reason: text } }));
            return "已提出异议，督查将裁定";
          }}
        >
          <Text label="异议理由" placeholder="如：整改措施未落实到位" value={text} onInput={setText} />
        </Panel>
      );
    case "appeal":
      return (
        <Panel
          {...common}
          title="申诉评价"
          submit="提交申诉"
          call={async () => {
            await read(task.appeal.$post({ ...p, json: { reason: text } }));
            return "已提出申诉，督查将裁定";
          }}
        >
          <Text label="申诉理由" placeholder="如：该评价针对的是其他部门的答复" value={text} onInput={setText} />
        </Panel>
      );
    case "decideDispute":
    case "decideAppeal":
      return <DecisionForm task={t} action={action} run={run} onCancel={onCancel} />;
    default:
      return null;
  }
}

/** A supervisor's decision: two outcomes and a comment. */
function DecisionForm({ task: t, action, run, onCancel }: { task: DetailTask; action: "decideDispute" | "decideAppeal"; run: Run; onCancel: () => void }) {
  const [text, setText] = useState("");
  const [choice, setChoice] = useState("");
  const p = { param: { id: String(t.id) } };
  const task = api.rectifications.tasks[":id{[0-9]+}"];
  const options =
    action === "decideDispute"
      ? [
          ["upheld", "异议成立"],
          ["not_upheld", "异议不成立"],
        ]
      : [
          ["exclude", "不计入统计"],
          ["keep", "维持评价"],
        ];
  return (
    <Panel
      run={run}
      onCancel={onCancel}
      title={action === "decideDispute" ? "裁定整改异议" : "裁定申诉"}
      submit="提交裁定"
      call={async () => {
        if (!choice) throw new ApiError(0, "请先选择裁定结果。");
        if (action === "decideDispute") {
          await read(task.rectification.decision.$post({ ...p, json: { decision: choice as "upheld" | "not_upheld", comment: text } }));
        } else {
          await read(task.appeal.decision.$post({ ...p, json: { decision: choice as "exclude" | "keep", comment: text } }));
        }
        return `已裁定：${options.find(([v]) => v === choice)![1]}`;
      }}
    >
      <div class="choices" role="radiogroup" aria-label="裁定结果">
        {options.map(([value, label]) => (
          <label>
            <input type="radio" name="decision" value={value} checked={choice === value} onChange={() => setChoice(value!)} /> {label}
          </label>
        ))}
      </div>
      <Text label="裁定意见" placeholder="如：整改措施已落实" value={text} onInput={setText} />
    </Panel>
  );
}
