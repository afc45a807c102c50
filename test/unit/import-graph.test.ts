import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { cycles, escapingImports, importGraph, moduleEdges, roomGraph } from '../../scripts/import-graph.ts';

// Fails on a new import cycle in src/, naming the modules (or rooms) in it and the imports behind it.

/**
 * Room (first-level folder) cycles that exist today and are owned elsewhere; a cycle fails the test
 * unless all its rooms lie inside one of these. Shrink this list, never grow it.
 * - sessions ↔ verification: `sessions/sweep-stuck.ts` ends stuck sessions through
 *   `verification/finish-session.ts`, and `sessions/views.ts` reads `verification/stage-errors.ts`;
 *   both move with the session-aggregate rewrite (issue 14 items 1–2, 6).
 * - deps ↔ duplicates: `deps.ts` names the FaceIndex and TemplateCodec ports, which live in
 *   duplicates/ next to the use cases that take Deps (type-only imports on both sides).
 */
const KNOWN_ROOM_CYCLES = [['sessions', 'verification'], ['deps', 'duplicates']];

const graph = importGraph('src');

test('import graph: src/ has no module-level import cycle', () => {
  const found = cycles(moduleEdges(graph));
  assert.deepEqual(found, [], `import cycles in src/:\n${found.map((c) => `  ${c.join(' → ')}`).join('\n')}`);
});

test('import graph: no room (folder) cycle beyond the known ones', () => {
  const rooms = roomGraph(graph);
  const fresh = cycles(rooms.edges).filter((c) => !KNOWN_ROOM_CYCLES.some((k) => c.every((r) => k.includes(r))));
  const explain = (c: string[]) => c.flatMap((a) => c.filter((b) => rooms.edges.get(a)?.has(b)).map((b) => `  ${a} -> ${b}: ${rooms.why.get(`${a} -> ${b}`)!.join(', ')}`));
  assert.deepEqual(fresh, [], `room cycles in src/:\n${fresh.map((c) => `${c.join(', ')}\n${explain(c).join('\n')}`).join('\n')}`);
});

test('import graph: the server imports nothing outside src/ (the capture page is served built, never imported)', () => {
  assert.deepEqual(escapingImports('src'), []);
});

test('import graph: the checker sees type-only imports and export-from, and names the cycle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vkyc-graph-'));
  try {
    const files: Record<string, string> = {
      'a/one.ts': "import type { T } from '../b/two.ts';\nexport const one = 1 as unknown as T;\n",
      'b/two.ts': "export { three } from './three.ts';\nexport type T = number;\n",
      'b/three.ts': "// import { one } from '../a/one.ts'; (a comment is no import)\nimport { one } from '../a/one.ts';\nexport const three = one;\n",
      'c/leaf.ts': "import { readFileSync } from 'node:fs';\nexport const leaf = readFileSync;\n",
    };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    const g = importGraph(dir);
    assert.deepEqual(g.get('a/one.ts'), [{ to: 'b/two.ts', typeOnly: true }]);
    assert.deepEqual(cycles(moduleEdges(g)), [['a/one.ts', 'b/three.ts', 'b/two.ts']]);
    const rooms = roomGraph(g);
    assert.deepEqual(cycles(rooms.edges), [['a', 'b']]);
    assert.equal(rooms.files.get('b'), 2);
    assert.deepEqual(rooms.why.get('b -> a'), ['b/three.ts -> a/one.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
