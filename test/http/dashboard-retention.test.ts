import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { updateProjectSettings } from '../../src/projects/settings.ts';
import { purgeRetention } from '../../src/sessions/purge-retention.ts';
import { makeRuntime } from '../helpers/runtime.ts';

// A project's retention_days (dashboard settings) wins over the server's RETENTION_DAYS, for that
// project only; without either, nothing is erased.

test('retention: each project\'s retention_days, else the server\'s RETENTION_DAYS', async () => {
  const rt = await makeRuntime({ env: { RETENTION_DAYS: '30' } });
  try {
    const other = await createKey(rt.deps, 'short-retention', 'test');
    await updateProjectSettings(rt.deps.db, other.project.id, { retention_days: 7 });
    const create = async (key: string) => {
      const res = await rt.app.request('/v1/sessions', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie'] } }) });
      const id = ((await res.json()) as { id: string }).id;
      await rt.app.request(`/v1/sessions/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
      return id;
    };
    const a = await create(rt.apiKey);
    const b = await create(other.key);
    rt.clock.advance(8 * 86400);
    assert.equal((await purgeRetention(rt.deps)).sessions, 1, 'only the 7-day project\'s session');
    const gone = await rt.app.request(`/v1/sessions/${b}`, { headers: { authorization: `Bearer ${other.key}` } });
    assert.equal(gone.status, 404);
    assert.equal((await rt.req('GET', `/v1/sessions/${a}`)).status, 200, 'the default project keeps 30 days');
    rt.clock.advance(23 * 86400);
    assert.equal((await purgeRetention(rt.deps)).sessions, 1);
    assert.equal((await rt.req('GET', `/v1/sessions/${a}`)).status, 404);
  } finally {
    await rt.cleanup();
  }
});
