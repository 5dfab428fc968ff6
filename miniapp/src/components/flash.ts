// A one-shot message carried from one page to the next (e.g. 已发起 after 确认发起 opens the request page).

let flashText = "";
/** A message for the next detail page opened (e.g. 已发起 after 确认发起). */
export function flash(text: string) {
  flashText = text;
}

/** Takes the pending message (once). */
export function takeFlash(): string {
  const text = flashText;
  flashText = "";
  return text;
}
