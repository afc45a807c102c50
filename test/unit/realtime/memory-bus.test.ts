import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus } from '../../../src/realtime/memory-bus.ts';
import type { RealtimeEvent } from '../../../src/realtime/port.ts';

const event = (id: string, projectId = 'prj_1'): RealtimeEvent => ({ id, type: 'session.state_changed', projectId, sessionId: 'ses_1', data: { state: 'processing' }, at: '2026-01-01T00:00:00.000Z' });

test('in-process bus: per-project channels, unsubscribe, repeated ids dropped, a throwing listener harms nobody', async () => {
  const bus = createMemoryBus();
  const a: string[] = [];
  const b: string[] = [];
  bus.subscribe('prj_1', () => { throw new Error('listener bug'); });
  const stopA = bus.subscribe('prj_1', (e) => a.push(e.id));
  bus.subscribe('prj_2', (e) => b.push(e.id));
  await bus.publish(event('obx_1'));
  await bus.publish(event('obx_1'));
  await bus.publish(event('obx_2', 'prj_2'));
  stopA();
  await bus.publish(event('obx_3'));
  assert.deepEqual(a, ['obx_1']);
  assert.deepEqual(b, ['obx_2']);
});
