import fc from "fast-check";

// A small JSON Schema reader for the subset our OpenAPI document uses (what z.toJSONSchema emits for our zod
// schemas): type, properties, required, additionalProperties, items, enum, const, anyOf, $ref, minLength,
// maxLength, minimum, maximum, pattern, format, propertyNames, default. It validates answers against the document
// and generates values from it, so the API fuzz test needs no dependency beyond fast-check.

export type JsonSchema = Record<string, unknown>;

/** Resolves `#/components/schemas/X` against the document. */
export type Resolver = (ref: string) => JsonSchema;

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

/** Every way `value` departs from `schema`, as readable paths; empty when it conforms. */
export function validate(schema: JsonSchema, value: unknown, resolve: Resolver, at = "$"): string[] {
  if (typeof schema.$ref === "string") return validate(resolve(schema.$ref), value, resolve, at);
  const errors: string[] = [];
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as JsonSchema[]).some((s) => validate(s, value, resolve, at).length === 0);
    if (!ok) errors.push(`${at}: matches none of anyOf`);
  }
  if ("const" in schema && value !== schema.const) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  const type = schema.type as string | string[] | undefined;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    const actual = typeOf(value);
    if (!types.some((t) => t === actual || (t === "number" && actual === "integer"))) return [...errors, `${at}: expected ${types.join("|")}, got ${actual}`];
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && [...value].length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === "number" && [...value].length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === "object") {
    value.forEach((v, i) => errors.push(...validate(schema.items as JsonSchema, v, resolve, `${at}[${i}]`)));
  }
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${at}.${key}: missing`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validate(props[key]!, v, resolve, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${key}: not documented`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        errors.push(...validate(schema.additionalProperties as JsonSchema, v, resolve, `${at}.${key}`));
      }
      if (schema.propertyNames) errors.push(...validate(schema.propertyNames as JsonSchema, key, resolve, `${at}{${key}}`));
    }
  }
  return errors;
}

/**
 * Values that conform to `schema` (mostly), drawing strings from `words` when it has no enum or pattern, so
 * that generated requests name real departments, people and requests often enough to get past the first checks.
 */
export function arbitraryOf(schema: JsonSchema, resolve: Resolver, words: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === "string") return arbitraryOf(resolve(schema.$ref), resolve, words, depth);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as JsonSchema[]).map((s) => arbitraryOf(s, resolve, words, depth)));
  const type = Array.isArray(schema.type) ? (schema.type[0] as string) : (schema.type as string | undefined);
  switch (type) {
    case "string": {
      if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern));
      if (schema.format === "date-time") return fc.date({ min: new Date("2026-01-01"), max: new Date("2026-12-31"), noInvalidDate: true }).map((d) => d.toISOString());
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      const max = typeof schema.maxLength === "number" ? schema.maxLength : 40;
      return fc.oneof({ weight: 3, arbitrary: words }, { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 40) }) });
    }
    case "integer":
      return fc.integer({ min: Math.max(Number(schema.minimum ?? -1000), -1e6), max: Math.min(Number(schema.maximum ?? 1000), 1e6) });
    case "number":
      return fc.double({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 1000), noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return depth > 3 ? fc.constant([]) : fc.array(arbitraryOf((schema.items ?? {}) as JsonSchema, resolve, words, depth + 1), { maxLength: 3 });
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const record = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, arbitraryOf(s, resolve, words, depth + 1)]));
      return fc.record(record, { requiredKeys: ((schema.required ?? []) as string[]).filter((k) => k in props) });
    }
    default:
      // No type: anything JSON.
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}
