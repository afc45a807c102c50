import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { createUsearchFaceIndex, SETTLE_MS } from '../../../src/duplicates/usearch-index.ts';
import { deleteTemplate, storeTemplate, tableTemplateSource } from '../../../src/duplicates/templates.ts';
import { templateCodec } from '../../../src/duplicates/template-codec.ts';
import { type DbKind, makeRuntime, type TestRuntime } from '../../helpers/runtime.ts';

// The index against the real face_templates table (SQLite): what is stored is found, what is
// removed is not, and a fresh process (a new index over the same directory) rebuilds or reloads.
// Vectors here are synthetic (the index does not care where they come from); the stage test uses
// real faces.

function vec(seed: number): Float32Array {
  let x = seed * 9301 + 49297;
  const v = new Float32Array(128);
  for (let i = 0; i < 128; i++) {
    x = (x * 233280 + 12345) % 2147483647;
    v[i] = ((x % 1000) / 1000 - 0.5) * 0.25;
  }
  return v;
}
const near = (v: Float32Array, eps = 0.01) => v.map((x, i) => x + (i % 2 ? eps : -eps));

for (const db of ['sqlite', 'postgres'] as DbKind[]) describe(`face index over face_templates (${db})`, () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await makeRuntime({ db });
  });
  after(async () => rt.cleanup());

  const session = async (account: string) => (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] }, account_id: account })).json()) as { id: string };

  it('adds, searches, removes, and rebuilds from the database in either mode', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const s = await session(`acct-${i}`);
      ids.push(s.id);
      await storeTemplate(rt.deps, { projectId: rt.projectId, sessionId: s.id, accountId: `acct-${i}`, template: vec(i), links: {} });
    }
    const hits = await rt.deps.faceIndex.search(rt.projectId, near(vec(7)), { k: 5, maxDistance: 0.6 });
    assert.equal(hits.length, 1, 'only the near-identical template is under the threshold');
    const row = await rt.deps.db.selectFrom('face_templates').select('session_id').where('seq', '=', hits[0]!.seq).executeTakeFirstOrThrow();
    assert.equal(row.session_id, ids[7]);
    assert.deepEqual(await rt.deps.faceIndex.stats(rt.projectId), { size: 60, mode: 'exact' });

    assert.equal(await deleteTemplate(rt.deps, rt.projectId, ids[7]!), 1);
    assert.deepEqual(await rt.deps.faceIndex.search(rt.projectId, near(vec(7)), { k: 5, maxDistance: 0.6 }), []);

    // A second index with a low exact cutoff builds an HNSW graph from the table, persists it, and
    // a third one reloads that file and still finds the same template.
    const dir = join(rt.dataDir, 'face-index-test');
    const source = tableTemplateSource(rt.deps.db, templateCodec());
    const graph = createUsearchFaceIndex({ dir, source, exactBelow: 20 });
    assert.deepEqual(await graph.stats(rt.projectId), { size: 59, mode: 'hnsw' });
    const g = await graph.search(rt.projectId, near(vec(12)), { k: 5, maxDistance: 0.6 });
    assert.equal(g.length, 1);
    await graph.close();
    assert.deepEqual((await readdir(dir)).sort(), [`${rt.projectId}.json`, `${rt.projectId}.usearch`].sort());
    const reloaded = createUsearchFaceIndex({ dir, source, exactBelow: 20 });
    assert.deepEqual(await reloaded.stats(rt.projectId), { size: 59, mode: 'hnsw' });
    assert.deepEqual((await reloaded.search(rt.projectId, near(vec(12)), { k: 5, maxDistance: 0.6 })).map((h) => h.seq), g.map((h) => h.seq));
    await reloaded.remove(rt.projectId, g[0]!.seq);
    assert.deepEqual(await reloaded.search(rt.projectId, near(vec(12)), { k: 5, maxDistance: 0.6 }), []);
    await reloaded.close();
  });

  it('a restart loads the saved graph without reading a template; other graph parameters rebuild it', async () => {
    for (let i = 100; i < 130; i++) {
      const s = await session(`acct-${i}`);
      await storeTemplate(rt.deps, { projectId: rt.projectId, sessionId: s.id, accountId: `acct-${i}`, template: vec(i), links: {} });
    }
    const dir = join(rt.dataDir, 'face-index-restart');
    const table = tableTemplateSource(rt.deps.db, templateCodec());
    let read = 0;
    const source = { maxSeq: table.maxSeq, since: async (p: string, after: number, limit: number) => ((read += 1), table.since(p, after, limit)) };
    // Rows younger than SETTLE_MS are listed again on every sync (a late commit may still land
    // below them); this test is about settled rows: its index's clock runs past that window.
    const now = () => Date.now() + SETTLE_MS + 1000;
    const first = createUsearchFaceIndex({ dir, source, exactBelow: 20, now });
    const size = (await first.stats(rt.projectId)).size;
    await first.close();
    read = 0;
    const again = createUsearchFaceIndex({ dir, source, exactBelow: 20, now });
    assert.deepEqual(await again.stats(rt.projectId), { size, mode: 'hnsw' });
    assert.equal(read, 0, 'loaded from disk: the table is not read');
    await again.close();
    const half = createUsearchFaceIndex({ dir, source, exactBelow: 20, now, hnsw: { quantization: 'f16', connectivity: 12 } });
    assert.deepEqual(await half.stats(rt.projectId), { size, mode: 'hnsw' });
    assert.ok(read > 0, 'a graph saved with other parameters is rebuilt from the table');
    assert.equal((await half.search(rt.projectId, near(vec(120)), { k: 5, maxDistance: 0.6 })).length, 1);
    await half.close();
  });

  it('seals templates at rest with a key, and refuses one copied onto another session', () => {
    const codec = templateCodec(Buffer.alloc(32, 7));
    const sealed = codec.encode('s1', vec(1));
    assert.match(sealed, /^v1:/);
    assert.deepEqual(codec.decode('s1', sealed), vec(1));
    assert.throws(() => codec.decode('s2', sealed), /unable to authenticate|auth/i);
    assert.throws(() => templateCodec().decode('s1', sealed), /BLOB_ENCRYPTION_KEY/);
  });
});
