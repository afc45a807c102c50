// Guards that run on untrusted JSON before anything walks it recursively.
//
// JSON.parse itself is iterative in V8 (a 1 000 000-level array parses), but JSON.stringify, zod
// and our own walkers recurse: 30 000 levels of metadata overflowed the stack in the size check
// (a 500). The depth is bounded on the text, before parsing, without recursion.

/**
 * No route's schema nests deeper than ~6 levels (liveness frames: body → frames → frame →
 * landmarks → point → coordinate); client-supplied blobs (landmarks, metadata) get room up to 64,
 * far below the ~10 000 levels where a recursive walk overflows the default stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of `{`/`[` in a JSON text, ignoring brackets inside strings; stops counting past `max`. */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/**
 * The path of the first string (value or key) holding a NUL character, else null. PostgreSQL
 * refuses NUL in text (a 500 before this check); no field of the API has a use for it. Iterative
 * with an explicit stack, so it is safe on any parsed value.
 */
export function nulPath(value: unknown): string | null {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: path ? `${path}.${i}` : String(i) }));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (k.includes('\u0000')) return p;
        stack.push({ v: x, path: p });
      }
    }
  }
  return null;
}

/** The nesting depth of a parsed value, counted without recursion; stops at `max + 1`. */
export function valueDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (v && typeof v === 'object') {
      if (d + 1 > max) return true;
      for (const x of Object.values(v)) stack.push({ v: x, d: d + 1 });
    }
  }
  return false;
}
