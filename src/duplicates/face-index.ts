// The FaceIndex port: 1:N search of face templates, one index per project. The database's
// face_templates table is the truth; an index is a derived, rebuildable copy keyed by the row's
// `seq`. Callers verify every hit against the table (erased rows, rows another process deleted),
// so an index that still holds a removed template can never report it.

export interface FaceHit {
  seq: number;
  /** Euclidean distance between the query and the stored template. */
  distance: number;
}

export interface StoredTemplate {
  seq: number;
  template: Float32Array;
  /** When the row was written (ms since epoch); absent = long settled (see usearch-index.ts SETTLE_MS). */
  createdAt?: number;
}

/** Where an index (re)loads its templates from: the face_templates table. */
export interface TemplateSource {
  /** Highest `seq` stored for the project (0 when none). */
  maxSeq(projectId: string): Promise<number>;
  /** Templates with seq > after, in seq order, at most `limit`. */
  since(projectId: string, after: number, limit: number): Promise<StoredTemplate[]>;
}

export interface FaceIndex {
  /** Brings the project's index up to date with the table (new rows since the last sync). */
  sync(projectId: string): Promise<void>;
  remove(projectId: string, seq: number): Promise<void>;
  /** Up to `k` nearest templates with distance < maxDistance, nearest first. */
  search(projectId: string, template: Float32Array, opts: { k: number; maxDistance: number }): Promise<FaceHit[]>;
  /** Number of templates the project's index holds and how it searches (tests, bench). */
  stats(projectId: string): Promise<{ size: number; mode: 'exact' | 'hnsw' }>;
  /** Writes dirty indexes to disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function euclideanSq(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[bOffset + i] as number);
    s += d * d;
  }
  return s;
}
