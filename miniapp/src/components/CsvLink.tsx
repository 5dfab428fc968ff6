/**
 * Downloads a table as CSV from the API (UTF-8 with BOM, so Excel reads the Chinese). A plain link: the browser
 * sends the session cookie and saves what the server names in Content-Disposition.
 */
export function CsvLink({ path, query, label = "导出 CSV" }: { path: string; query: Record<string, string>; label?: string }) {
  const qs = new URLSearchParams(query).toString();
  return (
    <a class="csv" href={`/api/${path}${qs ? `?${qs}` : ""}`} download>
      {label}
    </a>
  );
}
