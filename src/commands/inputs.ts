import { DomainError } from "../domain/types";

/** A required free-text field (reason, result, comment): trimmed, non-empty, bounded. */
export function requireText(value: string | null | undefined, what: string, example: string, max = 2000): string {
  const text = (value ?? "").trim();
  if (!text) throw new DomainError("missing_text", `请填写${what}。`, { example });
  if (text.length > max) throw new DomainError("text_too_long", `${what}不能超过 ${max} 个字（现在 ${text.length} 个字）。`, { example });
  return text;
}
