/** 红黄绿灯 as the server reads it, in words (never colour alone): "🔴 超期 2 个工作日". */
export function LightBadge({ light, text }: { light?: "green" | "yellow" | "red" | undefined; text?: string | undefined }) {
  if (!light || !text) return null;
  const mark = { green: "🟢", yellow: "🟡", red: "🔴" }[light];
  return <span class={`light light-${light}`}> · {mark} {text}</span>;
}
