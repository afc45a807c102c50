import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { euclideanSq, type FaceHit, type FaceIndex, type TemplateSource } from './face-index.ts';
import { TEMPLATE_DIMENSIONS } from './template-codec.ts';

/**
 * Below this many templates a project is searched exhaustively (exact, nothing to build or save).
 * bench:risk measured the JS scan at 10 k templates at p50 10 ms on the 2-core machine under heavy
 * load (load average ~20), against 0.2 ms for the HNSW graph: the scan cost is linear, so 2 k keeps
 * it near 2 ms there. At and above it the project moves to an HNSW graph (usearch).
 */
export const EXACT_BELOW = 2_000;
/**
 * HNSW parameters. bench/risk-hnsw.ts on 30 000 synthetic face templates (recall@10 against exact
 * search over 200 stranger queries; build CPU seconds, which do not depend on the machine's load):
 *   M=16 ef_add=128 ef_search=64 f32 (the first release): 12.8 s, recall 0.966; its 1 M build never finished here
 *   M=16 ef_add=64  ef_search=64  f32: 10.9 s, recall 0.957    f16: 7.5 s, recall 0.959
 *   M=16 ef_add=64  ef_search=128 f16: 5.8 s, recall 0.990   ← chosen
 *   M=12 ef_add=40  ef_search=128 f16: 3.9 s, recall 0.980;  M=8 ef_add=32: 2.7 s, recall 0.939
 * f16 storage halves the vectors' memory and is faster to build (less memory traffic); its distance
 * error (~1e-3) is far below the gap between a repeat (< 0.5) and a stranger. ef_search only costs
 * search time (well under a millisecond), so it is set high.
 */
export const HNSW: HnswParams = { connectivity: 16, expansion_add: 64, expansion_search: 128, quantization: 'f16' };

export interface HnswParams {
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  /** Storage of the vectors in the graph: f32 exact, f16 half the memory (distances to ~1e-3). */
  quantization: 'f32' | 'f16';
}
/**
 * A graph is written to disk after max(1 000, 1 % of its size) changes (and on flush/close); the
 * table stays the truth. Writing costs time proportional to the whole graph (a synchronous native
 * write), re-adding after a crash costs time proportional to the changes since: 1 % bounds the
 * work a crash loses to 1 % of a rebuild, and a large graph is not rewritten every 1 000 sessions.
 */
const SAVE_EVERY = 1000;
const PAGE = 10_000;
/**
 * Rows per native add call. bench:risk's 1 M build took ~13 min of CPU (both cores), ~0.8 ms per
 * template: a chunk holds the event loop for ~0.4 s on an idle 2-core machine.
 */
const ADD_CHUNK = 1000;
/** During a long (re)build, the graph is saved every this many additions: a crash loses at most this much work. */
const REBUILD_SAVE_EVERY = 100_000;

interface Exact { mode: 'exact'; seqs: number[]; vectors: Float32Array }
interface Graph { mode: 'hnsw'; index: Index }
/**
 * How long after its created_at a face_templates row may still become visible. Rows are numbered
 * when inserted but seen when committed, and with several workers (PostgreSQL) a lower seq can
 * commit after a higher one: an index that only pulled `seq > highest seen` would skip that row
 * for good on every node whose pull ran in between. So the watermark a pull resumes from (`settled`)
 * only passes rows older than this; rows above it are re-listed on each sync, and the ones already
 * held are skipped. An insert is one autocommit statement (milliseconds); the margin covers load and
 * clock skew between machines (keep them on NTP).
 */
export const SETTLE_MS = 2 * 60_000;

interface ProjectIndex {
  /** Highest seq held. */
  maxSeq: number;
  /** Every committed row with seq ≤ settled is held (or was removed); pulls resume from here. */
  settled: number;
  /** Rows above `settled` already held: seq → created_at (ms). */
  recent: Map<number, number>;
  size: number;
  store: Exact | Graph;
  dirty: number;
}

interface UsearchIndexOptions {
  /** DATA_DIR/face-index: one `<project>.usearch` graph + `<project>.json` stamp per large project. */
  dir: string;
  source: TemplateSource;
  exactBelow?: number;
  /** Graph parameters (bench:risk compares settings); HNSW by default. */
  hnsw?: Partial<HnswParams>;
  /** The clock rows' created_at is compared with (deps.clock). */
  now?: () => number;
}

const SCALARS = { f32: ScalarKind.F32, f16: ScalarKind.F16 } as const;

export function createUsearchFaceIndex(o: UsearchIndexOptions): FaceIndex {
  const exactBelow = o.exactBelow ?? EXACT_BELOW;
  const now = o.now ?? Date.now;
  const h = { ...HNSW, ...o.hnsw };
  const newGraph = () => new Index({ dimensions: TEMPLATE_DIMENSIONS, metric: MetricKind.L2sq, quantization: SCALARS[h.quantization], multi: false, connectivity: h.connectivity, expansion_add: h.expansion_add, expansion_search: h.expansion_search });
  const projects = new Map<string, ProjectIndex>();
  const locks = new Map<string, Promise<unknown>>();
  const safe = (projectId: string) => projectId.replace(/[^A-Za-z0-9_-]/g, '_');
  const files = (projectId: string) => ({ graph: join(o.dir, `${safe(projectId)}.usearch`), stamp: join(o.dir, `${safe(projectId)}.json`) });

  // One operation at a time per project: a sync that appends must not interleave with a search.
  function locked<T>(projectId: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(projectId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    locks.set(projectId, next.catch(() => undefined));
    return next;
  }

  function addOne(p: ProjectIndex, seq: number, t: Float32Array) {
    if (p.store.mode === 'exact') {
      const s = p.store;
      if ((s.seqs.length + 1) * TEMPLATE_DIMENSIONS > s.vectors.length) {
        const grown = new Float32Array(Math.max(TEMPLATE_DIMENSIONS * 64, s.vectors.length * 2));
        grown.set(s.vectors);
        s.vectors = grown;
      }
      s.vectors.set(t, s.seqs.length * TEMPLATE_DIMENSIONS);
      s.seqs.push(seq);
      if (s.seqs.length >= exactBelow) toGraph(p);
    } else {
      p.store.index.add(BigInt(seq), t);
    }
    p.size++;
    p.maxSeq = Math.max(p.maxSeq, seq);
    p.dirty++;
  }

  function toGraph(p: ProjectIndex) {
    if (p.store.mode !== 'exact') return;
    const index = newGraph();
    const { seqs, vectors } = p.store;
    if (seqs.length) index.add(BigUint64Array.from(seqs.map(BigInt)), vectors.subarray(0, seqs.length * TEMPLATE_DIMENSIONS));
    p.store = { mode: 'hnsw', index };
  }

  async function pull(projectId: string, p: ProjectIndex) {
    const horizon = now() - SETTLE_MS;
    let after = p.settled;
    let settling = false;
    for (;;) {
      const listed = await o.source.since(projectId, after, PAGE);
      // Rows above the watermark that are held already are listed again: skip them.
      const rows = listed.filter((r) => !p.recent.has(r.seq));
      for (let i = 0; i < rows.length; i += ADD_CHUNK) {
        const part = rows.slice(i, i + ADD_CHUNK);
        if (p.store.mode === 'hnsw' && part.length > 1) {
          // Batch insert: usearch spreads a batch over its worker threads.
          p.store.index.add(BigUint64Array.from(part.map((r) => BigInt(r.seq))), concat(part.map((r) => r.template)));
          p.size += part.length;
          p.maxSeq = Math.max(p.maxSeq, part[part.length - 1]!.seq);
          p.dirty += part.length;
          // A native add blocks the event loop; between chunks other requests run (a rebuild of a
          // large project takes minutes), and a long rebuild is saved as it goes so a crash resumes it.
          await new Promise((r) => setImmediate(r));
          if (p.dirty >= REBUILD_SAVE_EVERY) await save(projectId, p);
        } else {
          for (const r of part) addOne(p, r.seq, r.template);
        }
      }
      // The watermark passes old rows only, and stops at the first recent one.
      for (const r of listed) {
        if (!settling && (r.createdAt === undefined || r.createdAt < horizon)) {
          p.settled = r.seq;
          p.recent.delete(r.seq);
        } else {
          settling = true;
          p.recent.set(r.seq, r.createdAt ?? 0);
        }
      }
      if (listed.length) after = listed[listed.length - 1]!.seq;
      if (listed.length < PAGE) break;
    }
    // Nothing recent left above the watermark: it moves to the top (removed rows included).
    if (!settling) p.settled = Math.max(p.settled, p.maxSeq);
    for (const seq of p.recent.keys()) if (seq <= p.settled) p.recent.delete(seq);
  }

  async function loadFromDisk(projectId: string, dbMax: number): Promise<ProjectIndex | null> {
    const f = files(projectId);
    const stamp = await readFile(f.stamp, 'utf8').then((s) => JSON.parse(s) as { maxSeq: number; size: number; dimensions: number; params?: string; settled?: number; recent?: Array<[number, number]> }).catch(() => null);
    // A stamp ahead of the table means the database was restored or replaced: the file is not ours.
    // A graph built with other parameters (an older stamp has none: the f32 defaults) is rebuilt with these.
    if (!stamp || stamp.dimensions !== TEMPLATE_DIMENSIONS || stamp.maxSeq > dbMax || (stamp.params ?? LEGACY_PARAMS) !== paramsKey(h)) return null;
    try {
      const index = newGraph();
      index.load(f.graph);
      // Older stamps have no watermark: their maxSeq was one.
      return { maxSeq: stamp.maxSeq, settled: stamp.settled ?? stamp.maxSeq, recent: new Map(stamp.recent ?? []), size: index.size(), store: { mode: 'hnsw', index }, dirty: 0 };
    } catch {
      return null;
    }
  }

  async function save(projectId: string, p: ProjectIndex) {
    if (p.store.mode !== 'hnsw' || p.dirty === 0) return;
    await mkdir(o.dir, { recursive: true, mode: 0o700 });
    const f = files(projectId);
    const tmp = `${f.graph}.${process.pid}.tmp`;
    p.store.index.save(tmp);
    await rename(tmp, f.graph);
    await writeFile(f.stamp, JSON.stringify({ maxSeq: p.maxSeq, settled: p.settled, recent: [...p.recent], size: p.size, dimensions: TEMPLATE_DIMENSIONS, params: paramsKey(h) }), { mode: 0o600 });
    p.dirty = 0;
  }

  async function ensure(projectId: string): Promise<ProjectIndex> {
    let p = projects.get(projectId);
    const dbMax = await o.source.maxSeq(projectId);
    if (p && p.maxSeq > dbMax) p = undefined; // table restored or emptied under us: rebuild
    if (!p) {
      p = (await loadFromDisk(projectId, dbMax)) ?? { maxSeq: 0, settled: 0, recent: new Map(), size: 0, store: { mode: 'exact', seqs: [], vectors: new Float32Array(0) }, dirty: 0 };
      projects.set(projectId, p);
    }
    if (p.maxSeq < dbMax || p.settled < dbMax) await pull(projectId, p);
    if (p.dirty >= Math.max(SAVE_EVERY, p.size / 100)) await save(projectId, p);
    return p;
  }

  return {
    sync: (projectId) => locked(projectId, async () => void (await ensure(projectId))),
    remove: (projectId, seq) => locked(projectId, async () => {
      const p = projects.get(projectId);
      if (!p) return; // not loaded here: the next load reads the table without it
      if (p.store.mode === 'exact') {
        const s = p.store;
        const i = s.seqs.indexOf(seq);
        if (i === -1) return;
        const last = s.seqs.length - 1;
        s.vectors.copyWithin(i * TEMPLATE_DIMENSIONS, last * TEMPLATE_DIMENSIONS, (last + 1) * TEMPLATE_DIMENSIONS);
        s.seqs[i] = s.seqs[last]!;
        s.seqs.pop();
      } else if (p.store.index.remove(BigInt(seq)) === 0) {
        return;
      }
      p.size--;
      p.dirty++;
    }),
    search: (projectId, template, { k, maxDistance }) => locked(projectId, async () => {
      const p = await ensure(projectId);
      const limit = maxDistance * maxDistance;
      const hits: FaceHit[] = [];
      if (p.store.mode === 'exact') {
        const { seqs, vectors } = p.store;
        for (let i = 0; i < seqs.length; i++) {
          const d = euclideanSq(template, vectors, i * TEMPLATE_DIMENSIONS);
          if (d < limit) hits.push({ seq: seqs[i]!, distance: Math.sqrt(d) });
        }
        return hits.sort((a, b) => a.distance - b.distance).slice(0, k);
      }
      if (p.size === 0) return [];
      const m = p.store.index.search(template, k, 0);
      for (let i = 0; i < m.keys.length; i++) {
        const d = m.distances[i]!;
        if (d < limit) hits.push({ seq: Number(m.keys[i]), distance: Math.sqrt(d) });
      }
      return hits;
    }),
    stats: (projectId) => locked(projectId, async () => {
      const p = await ensure(projectId);
      return { size: p.size, mode: p.store.mode };
    }),
    async flush() {
      for (const [id, p] of projects) await locked(id, () => save(id, p));
    },
    async close() {
      await this.flush();
      projects.clear();
    },
  };
}

/** Stamps written before they recorded parameters: the graphs of the first release's defaults. */
const LEGACY_PARAMS = 'M16/ef128/f32';
/** What a saved graph's layout depends on (expansion_search is a search-time setting only). */
const paramsKey = (p: HnswParams) => `M${p.connectivity}/ef${p.expansion_add}/${p.quantization}`;

function concat(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs.length * TEMPLATE_DIMENSIONS);
  vs.forEach((v, i) => out.set(v, i * TEMPLATE_DIMENSIONS));
  return out;
}

