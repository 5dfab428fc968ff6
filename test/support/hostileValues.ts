import fc from "fast-check";

// Values a careless or hostile client sends: NUL bytes, lone surrogates, numbers past PostgreSQL's int4,
// negative and fractional numbers, overlong text, the wrong JSON types, malformed cursors and broken encodings.

export const HOSTILE_STRINGS = [
  "\u0000",
  "核查\u0000营业执照",
  "\uD800",
  "a\uDC00b",
  "\uDBFF",
  "😀",
  "",
  "   ",
  "x".repeat(5000),
  "%00",
  "\\",
  `'"; drop table tasks; --`,
  "\u202Eabc",
  "NaN",
  "-1",
  "0",
  "1.5",
  "2147483648",
  "99999999999999999999",
  "1e309",
  "XT-2026-\u0000",
  "@市监局 \u0000",
];

export const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2147483647,
  2147483648,
  2 ** 53 + 2,
  -2147483649,
  1e308,
  [],
  {},
  [null],
  ["\u0000"],
  { "\u0000": "\uD800" },
];

/** Query and path fragments sent as they are (already percent-encoded, some not validly). */
export const RAW_FRAGMENTS = ["%00", "a%00b", "%ED%A0%80", "%C0%80", "%FF", "%", "%zz", "%E4%B8", "%2F", "..", "2147483648", "4294967296", "99999999999999999999", "0", "00"];

const b64 = (s: string) => Buffer.from(s).toString("base64url");

/** Cursors no list ever handed out. */
export const BAD_CURSORS = [
  "not-a-cursor",
  b64("|1"),
  b64("|0"),
  b64("|-1"),
  b64("|1.5"),
  b64("|2147483648"),
  b64("|99999999999999999999"),
  b64("2026-11-23T02:00:00.000Z|2147483648"),
  b64("2026-11-23T02:00:00.000Z|"),
  b64("2026-11-23T02:00:00.000Z|1"),
  b64("0|1"),
  b64("x|1"),
  b64("-300000-01-01T00:00:00.000Z|1"),
  b64("+275760-09-13T00:00:00.000Z|1"),
  b64("-004714-01-01T00:00:00.000Z|1"),
  b64("2026-11-23T02:00:00.000Z\u0000|1"),
  b64("\u0000|1"),
  b64("|1|2"),
  b64("|"),
  "%00",
  "%ED%A0%80",
  "====",
];

export const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
export const hostileValue = fc.oneof(fc.constantFrom(...HOSTILE_VALUES), hostileString);

/** encodeURIComponent, except that a lone surrogate (which it refuses) is written as its WTF-8 bytes. */
export function encodeComponent(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}
