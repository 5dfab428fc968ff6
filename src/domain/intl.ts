// Building an Intl.DateTimeFormat costs far more than formatting with one (making one per reply was 5 % of the
// server's CPU under load, test/bench/RESULTS-events.md): each locale and set of options is built once.
const formats = new Map<string, Intl.DateTimeFormat>();

/** The Intl.DateTimeFormat for `locale` and `options`, made on first use and kept (throws for an unknown time zone). */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let fmt = formats.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(locale, options);
    formats.set(key, fmt);
  }
  return fmt;
}
