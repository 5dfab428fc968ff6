import { useEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "../api";
import { dueClass, PRIORITY_LABELS, STATE_LABELS, when } from "./labels";
import { LightBadge } from "./LightBadge";

// The line every list shows (待办, 收件, 发件, 我发起的, 晾晒 cells) and the cursor-paginated list around it.


/** A line of any list: 待办, 收件 (with the requesting department), 发件 and 我发起的 (with category and priority). */
export interface Item {
  taskId?: number;
  number: string;
  title: string;
  state?: string;
  status?: string;
  dueAt: string;
  department?: string;
  fromDepartment?: { code: string; name: string };
  role?: "lead" | "supporting";
  priority?: string;
  category?: string | null;
  light?: "green" | "yellow" | "red";
  lightText?: string;
  acceptDueAt?: string | null;
  /** A further line of facts (the 晾晒 lists: when it counted, the original deadline, the rating). */
  facts?: string;
}
export interface Page {
  items: Item[];
  next: string | null;
}

export function Row({ item, children }: { item: Item; children?: preact.ComponentChildren }) {
  const state = item.state ?? item.status ?? "";
  const extra = [
    item.department,
    item.fromDepartment ? `来自 ${item.fromDepartment.name}` : null,
    item.role === "supporting" ? "协办" : null,
    item.category ? `#${item.category}` : null,
  ].filter(Boolean);
  return (
    <li class="item">
      <a href={`#r/${encodeURIComponent(item.number)}`}>
        <div class="title">
          {item.priority && item.priority !== "normal" && <span class={`tag ${item.priority}`}>{PRIORITY_LABELS[item.priority]}</span>}
          {item.title}
        </div>
        <div class="meta">
          {item.number} · {STATE_LABELS[state] ?? state}
          {extra.map((x) => ` · ${x}`).join("")} · <span class={dueClass(item.dueAt, state)}>截止 {when(item.dueAt)}</span>
          {state === "pending_accept" && item.acceptDueAt ? ` · 签收时限 ${when(item.acceptDueAt)}` : ""}
          <LightBadge light={item.light} text={item.lightText} />
        </div>
        {item.facts && <div class="meta facts">{item.facts}</div>}
      </a>
      {children}
    </li>
  );
}

/** A cursor-paginated list: 加载更多 follows `next`. */
export function Paged({ fetchPage, filters }: { fetchPage: (cursor: string | null) => Promise<Page>; filters?: preact.ComponentChildren }) {
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  // The filters in force: an answer to older filters that arrives late must not overwrite the newer list.
  const current = useRef(fetchPage);
  current.current = fetchPage;
  const more = async (cursor: string | null, reset: boolean) => {
    setLoading(true);
    try {
      const page = await fetchPage(cursor);
      if (current.current !== fetchPage) return;
      setItems(reset ? page.items : [...items, ...page.items]);
      setNext(page.next);
      setError("");
    } catch (e) {
      if (current.current !== fetchPage) return;
      setError(messageOf(e, "加载失败，请重试。"));
    }
    setLoading(false);
  };
  useEffect(() => void more(null, true), [fetchPage]);
  return (
    <div>
      {filters}
      {error && <p class="error">{error}</p>}
      {!loading && !error && items.length === 0 && <p class="hint">没有符合条件的事项。</p>}
      <ul class="list">{items.map((i) => <Row item={i} />)}</ul>
      {next && (
        <button class="more" disabled={loading} onClick={() => void more(next, false)}>
          加载更多
        </button>
      )}
    </div>
  );
}
