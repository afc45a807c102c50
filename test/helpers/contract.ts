// Field-by-field comparison of a JSON answer with a vendor's field table (test/fixtures/compat/*).
// A field table maps dotted paths ("extInfo.qualityPassed") to the type, required-ness and enum the
// vendor document gives. A nested field is checked only when its parent object is present.

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface FieldSpec {
  type: FieldType;
  /** Must be present (when its parent is). */
  required: boolean;
  /** Allowed values, when the document lists them. */
  enum?: readonly (string | number | boolean)[];
  /** null is allowed (vkyc: a number a later stage computes is null until that stage ran). */
  nullable?: boolean;
}

export type FieldTable = Record<string, FieldSpec>;

function typeOf(v: unknown): FieldType | 'null' | 'undefined' {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as FieldType;
}

const get = (o: unknown, path: string[]): unknown => path.reduce<unknown>((acc, k) => (acc !== null && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined), o);

/** Every path of a JSON object, objects included ("a", "a.b"); arrays are leaves. */
export function pathsOf(o: unknown, prefix = ''): string[] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [];
  return Object.entries(o).flatMap(([k, v]) => [`${prefix}${k}`, ...pathsOf(v, `${prefix}${k}.`)]);
}

/**
 * Problems found in `body` against `table` (empty = conforms). `extras` lists paths vkyc adds on
 * purpose; any other path not in the table is a problem too, so drift is caught both ways.
 */
export function contractProblems(body: unknown, table: FieldTable, extras: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [path, spec] of Object.entries(table)) {
    const parts = path.split('.');
    const parent = parts.length > 1 ? get(body, parts.slice(0, -1)) : body;
    if (parent === undefined || parent === null) continue;
    const v = get(body, parts);
    const t = typeOf(v);
    if (t === 'undefined') {
      if (spec.required) problems.push(`${path}: required, missing`);
      continue;
    }
    if (t === 'null') {
      if (!spec.nullable) problems.push(`${path}: null, expected ${spec.type}`);
      continue;
    }
    const okType = t === spec.type || (spec.type === 'number' && t === 'integer');
    if (!okType) problems.push(`${path}: ${t}, expected ${spec.type}`);
    if (spec.enum && !spec.enum.includes(v as string)) problems.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(spec.enum)}`);
  }
  const known = new Set([...Object.keys(table), ...extras]);
  for (const p of pathsOf(body)) {
    const covered = known.has(p) || [...extras].some((e) => p.startsWith(`${e}.`));
    if (!covered) problems.push(`${p}: not in the vendor's field table`);
  }
  return problems;
}
