// The one CSV writer: every CSV export goes through here. UTF-8 with a byte-order mark (so Excel opens Chinese
// correctly), CRLF line ends and RFC 4180 quoting; a cell that a spreadsheet would read as a formula (starting with
// = + - @, or a tab or carriage return) is prefixed with an apostrophe, so an exported title can never run as one.

export type CsvCell = string | number | boolean | null | undefined | Date;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as CSV text: formula-guarded, quoted when it holds a comma, quote or line break. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  // Numbers are data: -3 stays -3. Only text is guarded.
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: a header row, then the rows; starts with the BOM. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return "\uFEFF" + [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** The HTTP answer of a CSV export: text/csv, downloaded as `<filename>.csv` (UTF-8 file name per RFC 6266). */
export function csvResponse(filename: string, header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): Response {
  const name = `${filename}.csv`;
  return new Response(toCsv(header, rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "cache-control": "no-store",
    },
  });
}
