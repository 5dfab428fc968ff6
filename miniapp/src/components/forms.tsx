import { useState } from "preact/hooks";
import { ApiError, messageOf } from "../api";

// The small in-place form every action uses: its fields, the server's refusal if any, submit and cancel.

export type Run = (call: () => Promise<string>) => Promise<void>;

/** A small form under the button that opened it: its fields, the server's refusal if any, submit and cancel. */
export function Panel(props: { title: string; submit: string; danger?: boolean; run: Run; call: () => Promise<string>; onCancel: () => void; children: preact.ComponentChildren }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="panel"
      aria-label={props.title}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError("");
        try {
          await props.run(props.call);
        } catch (err) {
          setError(messageOf(err));
        }
        setBusy(false);
      }}
    >
      {props.children}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button class={props.danger ? "danger" : "primary"} disabled={busy}>
          {busy ? "正在提交…" : props.submit}
        </button>
        <button type="button" onClick={props.onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

export function Text(props: { label: string; placeholder: string; value: string; onInput: (v: string) => void; optional?: boolean; rows?: number }) {
  return (
    <label class="field">
      <span class="label">
        {props.label}
        {props.optional ? <small>（可选）</small> : null}
      </span>
      <textarea rows={props.rows ?? 3} placeholder={props.placeholder} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
    </label>
  );
}


/** A refusal decided on the page (a chooser left empty), shown like the server's. */
export const refuse = (message: string) => new ApiError(0, message);

/** "X（代 Y） " before a success message when the signed-in person acted as someone's deputy (代理). */
export const actedPrefix = (r: { actedAs?: string | undefined }) => (r.actedAs ? `${r.actedAs} ` : "");
