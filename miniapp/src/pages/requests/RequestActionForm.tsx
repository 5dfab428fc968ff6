import { useState } from "preact/hooks";
import { api, read, type Action, type DetailTask } from "../../api";
import { actedPrefix, Panel, Text, type Run } from "../../components/forms";
import { useFormFiles } from "../../components/attachments";


export function RequestActionForm({ number, urgeable, action, run, onCancel }: { number: string; urgeable: DetailTask[]; action: Action; run: Run; onCancel: () => void }) {
  const [text, setText] = useState("");
  const [department, setDepartment] = useState("");
  const files = useFormFiles({ attachedTo: "comment" });
  const n = { param: { number } };
  const request = api.actions.requests[":number"];
  const common = { run, onCancel };
  switch (action) {
    case "approve":
      return (
        <Panel
          {...common}
          title="同意"
          submit="确认同意"
          call={async () => {
            const r = await read(api.requests.requests[":number"][":decision{approve|reject}"].$post({ param: { number, decision: "approve" }, json: text.trim() ? { comment: text } : {} }));
            return `${actedPrefix(r)}已同意，已发往承办部门`;
          }}
        >
          <Text label="审批意见" optional placeholder="如：同意，请各部门抓紧办理" value={text} onInput={setText} />
        </Panel>
      );
    case "reject":
      return (
        <Panel
          {...common}
          title="驳回"
          submit="确认驳回"
          danger
          call={async () => {
            const r = await read(api.requests.requests[":number"][":decision{approve|reject}"].$post({ param: { number, decision: "reject" }, json: { comment: text } }));
            return `${actedPrefix(r)}已驳回，发起人已收到理由`;
          }}
        >
          <Text label="驳回理由" placeholder="如：请补充企业统一社会信用代码后再发起" value={text} onInput={setText} />
        </Panel>
      );
    case "urge":
      return (
        <Panel
          {...common}
          title="催办"
          submit="确认催办"
          call={async () => {
            const r = await read(request.urge.$post({ ...n, json: department ? { department } : {} }));
            return `已催办 ${r.urged} 个部门`;
          }}
        >
          <label class="field">
            <span class="label">催办哪个部门</span>
            <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
              <option value="">全部未办结的部门（{urgeable.length} 个）</option>
              {urgeable.map((t) => (
                <option value={t.departmentCode}>
                  {t.department}（{t.role === "lead" ? "主办" : "协办"}）
                </option>
              ))}
            </select>
          </label>
        </Panel>
      );
    case "withdraw":
      return (
        <Panel
          {...common}
          title="撤回"
          submit="确认撤回"
          danger
          call={async () => {
            await read(request.withdraw.$post({ ...n, json: { reason: text } }));
            return "已撤回，承办部门已收到通知";
          }}
        >
          <Text label="撤回原因" placeholder="如：企业已自行提交材料" value={text} onInput={setText} />
        </Panel>
      );
    case "comment":
      return (
        <Panel
          {...common}
          title="补充说明"
          submit="提交"
          call={async () => {
            await files.upload(number, "补充说明");
            await read(request.comments.$post({ ...n, json: { body: text } }));
            return "已补充说明";
          }}
        >
          <Text label="补充说明" placeholder="如：企业联系人：李先生 138xxxx0000" value={text} onInput={setText} />
          {files.field}
        </Panel>
      );
    default:
      return null;
  }
}
