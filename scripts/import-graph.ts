// The import graph of src/: which module imports which, the cycles in it, and the same graph folded
// onto the rooms (first-level folders of src/; a file at the top of src/ is a room of its own).
// Used by test/unit/import-graph.test.ts (fails on any cycle) and, as a CLI, to print the room graph
// and file counts: `node --import tsx scripts/import-graph.ts [--markdown]`.
//
// Specifiers are read with the TypeScript parser (import, import type, export … from), so a comment
// or a string that looks like an import never counts. Type-only imports count too: they are erased at
// run time, but a cycle through them is still two rooms that cannot be understood one without the other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface ImportEdge { to: string; typeOnly: boolean }
/** Module (path relative to the root, with `/`) → the modules under the root it imports. */
export type ImportGraph = Map<string, ImportEdge[]>;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const posix = (p: string) => p.split(sep).join('/');

/** Relative imports that leave the root (e.g. src/ reaching into web/), as `module -> target`. */
export function escapingImports(rootDir: string): string[] {
  const out: string[] = [];
  importGraph(rootDir, out);
  return out;
}

export function importGraph(rootDir: string, escaping: string[] = []): ImportGraph {
  const root = resolve(rootDir);
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const edges: ImportEdge[] = [];
    for (const s of sf.statements) {
      if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue;
      const spec = s.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue; // packages are not ours
      const target = resolve(dirname(file), spec.text);
      if (!target.startsWith(root + sep)) {
        escaping.push(`${posix(relative(root, file))} -> ${posix(relative(root, target))}`); // e.g. into web/
        continue;
      }
      const typeOnly = ts.isImportDeclaration(s) ? s.importClause?.isTypeOnly === true : s.isTypeOnly;
      edges.push({ to: posix(relative(root, target)), typeOnly });
    }
    graph.set(posix(relative(root, file)), edges);
  }
  return graph;
}

/** Strongly connected components with more than one node (or a self-edge), each sorted. Tarjan. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

export function moduleEdges(graph: ImportGraph): Map<string, Set<string>> {
  return new Map([...graph].map(([from, es]) => [from, new Set(es.map((e) => e.to).filter((t) => graph.has(t)))]));
}

/** `verification/stages/faces.ts` → `verification`; `deps.ts` → `deps`. */
export function roomOf(module: string): string {
  const slash = module.indexOf('/');
  return slash < 0 ? module.replace(/\.m?ts$/, '') : module.slice(0, slash);
}

export interface RoomGraph {
  /** Room → rooms it imports (itself excluded). */
  edges: Map<string, Set<string>>;
  /** Room → number of modules in it. */
  files: Map<string, number>;
  /** `a -> b` → the module imports that make that room edge, for the failure message. */
  why: Map<string, string[]>;
}

export function roomGraph(graph: ImportGraph): RoomGraph {
  const edges = new Map<string, Set<string>>();
  const files = new Map<string, number>();
  const why = new Map<string, string[]>();
  for (const [from, es] of graph) {
    const a = roomOf(from);
    files.set(a, (files.get(a) ?? 0) + 1);
    if (!edges.has(a)) edges.set(a, new Set());
    for (const e of es) {
      if (!graph.has(e.to)) continue;
      const b = roomOf(e.to);
      if (a === b) continue;
      edges.get(a)!.add(b);
      const key = `${a} -> ${b}`;
      why.set(key, [...(why.get(key) ?? []), `${from} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`]);
    }
  }
  return { edges, files, why };
}

function markdown(rooms: RoomGraph, moduleCycles: string[][], roomCycles: string[][]): string {
  const names = [...rooms.edges.keys()].sort();
  const total = [...rooms.files.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `${total} modules in ${names.length} rooms.`,
    '',
    '| room | files | imports |',
    '|---|---|---|',
    ...names.map((r) => `| ${r} | ${rooms.files.get(r)} | ${[...rooms.edges.get(r)!].sort().join(', ')} |`),
    '',
    `Module cycles: ${moduleCycles.length === 0 ? 'none' : moduleCycles.map((c) => c.join(' ↔ ')).join('; ')}`,
    '',
    `Room cycles (strongly connected rooms): ${roomCycles.length === 0 ? 'none' : roomCycles.map((c) => c.join(', ')).join('; ')}`,
  ];
  const pairs: string[] = [];
  for (const a of names) for (const b of rooms.edges.get(a)!) if (a < b && rooms.edges.get(b)?.has(a)) pairs.push(`${a} ↔ ${b}`);
  lines.push('', `Two-way room pairs: ${pairs.length === 0 ? 'none' : pairs.join(', ')}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.argv.find((a, i) => i >= 2 && !a.startsWith('--')) ?? 'src';
  const graph = importGraph(root);
  const rooms = roomGraph(graph);
  console.log(markdown(rooms, cycles(moduleEdges(graph)), cycles(rooms.edges)));
  if (process.argv.includes('--why')) for (const [k, v] of [...rooms.why].sort()) console.log(`\n${k}\n  ${v.join('\n  ')}`);
}
