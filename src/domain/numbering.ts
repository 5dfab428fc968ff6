/** XT-2026-000123: prefix, year of submission (local), six-digit sequence restarting each year. */
export function formatRequestNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, "0")}`;
}

export const REQUEST_NUMBER_PATTERN = /^[A-Z][A-Z0-9]{0,9}-\d{4}-\d{6,}$/;
