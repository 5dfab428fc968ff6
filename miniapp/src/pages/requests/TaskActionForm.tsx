import { EVALUATION_LABELS } from "../../../../src/domain/types";
import { useState } from "preact/hooks";
import { api, read, type Action, type Department, type DetailTask } from "../../api";
import { actedPrefix, Panel, refuse, Text, type Run } from "../../components/forms";
import { useFormFiles } from "../../components/attachments";
import { ACTION_LABELS } from "../../components/labels";
import { DepartmentPicker, HandlerPicker } from "../../components/pickers";
import { RectificationForm } from "./RectificationForms";


export function TaskActionForm({ number, task: t, action, question, run, onCancel }: { number: string; task: DetailTask; action: Action; question: string | undefined; run: Run; onCancel: () => void }) {
  const files = useFormFiles({ attachedTo: action === "supplyInfo" ? "info_supply" : "completion", taskId: t.id });
  const [text, setText] = useState("");
  const [dept, setDept] = useState<Department | null>(null);
  const [assignee, setAssignee] = useState("");
  const [score, setScore] = useState(0);
  const [elsewhere, setElsewhere] = useState(false);
  const p = { param: { id: String(t.id) } };
  const task = api.actions.tasks[":id{[0-9]+}"];
  const common = { run, onCancel };
  const chosen = (what: string) => {
    if (!dept) throw refuse(`请先选择${what}。`);
    return dept;
  };

  switch (action) {
    case "accept":
      return (
        <Panel
          {...common}
          title="签收"
          submit="确认签收"
          call={async () => {
            const r = await read(api.requests.tasks[":id{[0-9]+}"].accept.$post({ ...p, json: assignee ? { assigneeOpenId: assignee } : {} }));
            return `${actedPrefix(r)}已签收`;
          }}
        >
          <HandlerPicker department={t.departmentCode} value={assignee} onChange={setAssignee} />
        </Panel>
      );
    case "assign":
      return (
        <Panel
          {...common}
          title="指派经办人"
          submit="确认指派"
          call={async () => {
            if (!assignee) throw refuse("请先选择经办人。");
            await read(task.assign.$post({ ...p, json: { assigneeOpenId: assignee } }));
            return "已指派经办人";
          }}
        >
          <HandlerPicker department={t.departmentCode} value={assignee} onChange={setAssignee} required />
        </Panel>
      );
    case "return":
      return (
        <Panel
          {...common}
          title="退回"
          submit="确认退回"
          danger
          call={async () => {
            await read(task.return.$post({ ...p, json: { reason: text } }));
            return "已退回发起人";
          }}
        >
          <Text label="退回原因" placeholder="如：不属于本部门职责，建议转税务局" value={text} onInput={setText} />
        </Panel>
      );
    case "transfer":
      return (
        <Panel
          {...common}
          title="转办"
          submit="确认转办"
          call={async () => {
            const to = chosen("转办给哪个部门");
            await read(task.transfer.$post({ ...p, json: { department: to.code, reason: text } }));
            return `已转办至 ${to.name}`;
          }}
        >
          <DepartmentPicker label="转办至" value={dept} onChange={setDept} exclude={[t.departmentCode]} />
          <Text label="转办原因" placeholder="如：社保缴纳属人社部门职责" value={text} onInput={setText} />
        </Panel>
      );
    case "arbitrate":
      return (
        <Panel
          {...common}
          title="指定责任部门"
          submit="确认指定"
          call={async () => {
            const to = chosen("责任部门");
            await read(task.arbitrate.$post({ ...p, json: { department: to.code, comment: text } }));
            return `已指定由 ${to.name} 办理`;
          }}
        >
          <DepartmentPicker label="责任部门" value={dept} onChange={setDept} />
          <Text label="指定理由" placeholder="如：依职责由人社局办理" value={text} onInput={setText} />
        </Panel>
      );
    case "resubmit":
      return (
        <Panel
          {...common}
          title="重新提交"
          submit="重新提交"
          call={async () => {
            const to = elsewhere ? chosen("改投哪个部门") : null;
            await read(task.resubmit.$post({ ...p, json: { ...(to ? { department: to.code } : {}), ...(text.trim() ? { note: text } : {}) } }));
            return to ? `已改投 ${to.name}` : `已重新提交 ${t.department}`;
          }}
        >
          <div class="field choice" role="radiogroup" aria-label="提交给">
            <label>
              <input type="radio" name="where" checked={!elsewhere} onChange={() => setElsewhere(false)} /> 原部门（{t.department}）
            </label>
            <label>
              <input type="radio" name="where" checked={elsewhere} onChange={() => setElsewhere(true)} /> 改投其他部门
            </label>
          </div>
          {elsewhere && <DepartmentPicker label="改投至" value={dept} onChange={setDept} exclude={[t.departmentCode]} />}
          <Text label="补充说明" optional placeholder="如：已补充企业地址" value={text} onInput={setText} />
        </Panel>
      );
    case "requestInfo":
      return (
        <Panel
          {...common}
          title="要求补正"
          submit="发送补正要求"
          call={async () => {
            await read(task["request-info"].$post({ ...p, json: { question: text } }));
            return "已请发起人补正，补正期间截止时间暂停计算";
          }}
        >
          <Text label="需要补正的内容" placeholder="如：请补充统一社会信用代码" value={text} onInput={setText} />
        </Panel>
      );
    case "requestExtension":
      return (
        <Panel
          {...common}
          title="申请延期"
          submit="提交延期申请"
          call={async () => {
            await read(task.extension.$post({ ...p, json: { dueDate: assignee, reason: text } }));
            return "已提交延期申请，等待审批";
          }}
        >
          <Text label="新的办结时限" placeholder="如：2026-12-31、12月31日 或 5个工作日" value={assignee} onInput={setAssignee} />
          <Text label="延期理由" placeholder="如：需等待省厅回函" value={text} onInput={setText} />
        </Panel>
      );
    case "decideExtension":
      return (
        <Panel
          {...common}
          title="审批延期"
          submit={elsewhere ? "不同意延期" : "同意延期"}
          call={async () => {
            await read(task.extension.decide.$post({ ...p, json: elsewhere ? { approve: false, comment: text } : { approve: true, ...(assignee ? { dueDate: assignee } : {}) } }));
            return elsewhere ? "已不同意延期，承办部门已收到通知" : "已同意延期，承办部门已收到通知";
          }}
        >
          <div>
            <label>
              <input type="checkbox" checked={elsewhere} onChange={(e) => setElsewhere((e.target as HTMLInputElement).checked)} /> 不同意延期
            </label>
          </div>
          {elsewhere ? (
            <Text label="不同意的理由" placeholder="如：请按原时限办结" value={text} onInput={setText} />
          ) : (
            <Text label="批准的时限" optional placeholder="留空即按申请的日期；可填更早的工作日，如 2026-12-25" value={assignee} onInput={setAssignee} />
          )}
        </Panel>
      );
    case "supplyInfo":
      return (
        <Panel
          {...common}
          title="补正"
          submit="提交补正"
          call={async () => {
            await files.upload(number, "补正");
            await read(task["supply-info"].$post({ ...p, json: { content: text } }));
            return "已提交补正，承办部门继续办理";
          }}
        >
          {question && <p class="quote">承办部门要求：{question}</p>}
          <Text label="补正内容" placeholder="如：统一社会信用代码：91330100MA2XXXXXX" value={text} onInput={setText} />
          {files.field}
        </Panel>
      );
    case "complete":
      return (
        <Panel
          {...common}
          title="办结"
          submit="提交办结"
          call={async () => {
            await files.upload(number, "办结");
            const r = await read(task.complete.$post({ ...p, json: { result: text } }));
            return actedPrefix(r) + (r.state === "completed" ? "已办结，发起人已收到办理结果" : "已提交办理结果，待本部门负责人确认");
          }}
        >
          <Text label="办理结果" placeholder="如：经核查，该公司营业执照真实有效" value={text} onInput={setText} rows={4} />
          {files.field}
        </Panel>
      );
    case "sendBack":
      return (
        <Panel
          {...common}
          title="退回重办"
          submit="确认退回重办"
          danger
          call={async () => {
            await read(task.review.$post({ ...p, json: { decision: "sendBack", comment: text } }));
            return "已退回重办，经办人将重新办理";
          }}
        >
          <Text label="退回重办的理由" placeholder="如：核查结论缺少依据，请补充执照查询截图" value={text} onInput={setText} />
        </Panel>
      );
    case "evaluate":
      return (
        <Panel
          {...common}
          title="评价"
          submit="提交评价"
          call={async () => {
            if (!score) throw refuse("请先选择 1 到 5 星。");
            await read(task.evaluate.$post({ ...p, json: { score, ...(text.trim() ? { comment: text } : {}) } }));
            return `已评价：${EVALUATION_LABELS[score]}`;
          }}
        >
          <div class="stars" role="radiogroup" aria-label="评分">
            {[1, 2, 3, 4, 5].map((n) => (
              <button type="button" role="radio" aria-checked={score === n} aria-label={`${n} 星`} class={n <= score ? "star lit" : "star"} onClick={() => setScore(n)}>
                ★
              </button>
            ))}
            <span class="rating">{score ? `${score} 分 · ${EVALUATION_LABELS[score]}` : "请选择星级"}</span>
          </div>
          <Text
            label={score && score <= 2 ? "评价意见（必填）" : "评价意见"}
            optional={!(score && score <= 2)}
            placeholder={score && score <= 2 ? "请写明不满意的原因，便于承办部门改进" : "如：办理及时，感谢"}
            value={text}
            onInput={setText}
          />
        </Panel>
      );
    case "supervise":
    case "reopen":
      return (
        <Panel
          {...common}
          title={ACTION_LABELS[action]}
          submit={action === "supervise" ? "下达督办" : "确认重新督办"}
          danger
          call={async () => {
            if (action === "reopen") {
              await read(api.supervision.tasks[":id{[0-9]+}"].reopen.$post({ ...p, json: { reason: text } }));
              return "已重新督办，任务退回办理中，承办部门负责人和经办人已收到通知";
            }
            const r = await read(api.supervision.tasks[":id{[0-9]+}"].supervise.$post({ ...p, json: { instruction: text } }));
            return r.opened ? "已督办，承办部门负责人已收到督办通知和加急提醒" : `已追加督办意见（共 ${r.instructions} 条）`;
          }}
        >
          <Text
            label={action === "supervise" ? "督办意见" : "重新督办的理由"}
            placeholder={action === "supervise" ? "如：请于本周五前办结并报送结果" : "如：办理结果未附核查材料，请补充后重新办结"}
            value={text}
            onInput={setText}
          />
        </Panel>
      );
    default:
      return <RectificationForm number={number} task={t} action={action} run={run} onCancel={onCancel} />;
  }
}
