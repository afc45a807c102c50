import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { passportPage, personA1, personA3 } from '../helpers/face-media.ts';
import { jpeg } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { td3 } from '../unit/documents/mrz-fixtures.ts';

const VALID = { number: 'K4T209386', surname: 'LINDQVIST', given: 'ELSA MARIA', birth: '910307', sex: 'F', expiry: '330812', personal: '' };

describe('documents: recognize endpoint and the document stage', () => {
  let rt: TestRuntime;
  before(async () => { rt = await makeRuntime(); });
  after(async () => rt.cleanup());

  const recognize = (image: Uint8Array) => rt.req('POST', '/v1/documents/recognize', { image: Buffer.from(image).toString('base64') });

  test('POST /v1/documents/recognize reads the MRZ with check digits; bad input has stable codes', async () => {
    const lines = td3(VALID);
    const res = await recognize(await passportPage(await personA1(), lines));
    assert.equal(res.status, 200, await res.clone().text());
    const r = await res.json();
    assert.equal(r.format, 'TD3');
    assert.deepEqual(r.mrz.lines, lines);
    assert.equal(r.mrz.valid, true);
    assert.equal(r.fields.surname, 'LINDQVIST');
    assert.equal(r.fields.birth_date, '1991-03-07');
    assert.equal(typeof r.confidence.document_number, 'number');
    assert.equal((await (await recognize(new TextEncoder().encode('not an image at all'))).json()).error.code, 'not_an_image');
    assert.equal((await (await recognize(await jpeg(800, 600))).json()).error.code, 'no_document');
  });

  test('an expired passport of the same person: read, portrait matched, declined for document_expired', async () => {
    const expired = td3({ ...VALID, expiry: '240101' });
    const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['document', 'selfie'] }, expected_data: { last_name: 'Lindqvist', birth_date: '1991-03-07' } })).json();
    const token = new URL(s.capture_url).pathname.split('/').pop();
    const put = (p: string, b: Buffer) => rt.app.request(`/v1/capture${p}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(b) as Uint8Array<ArrayBuffer> });
    assert.equal((await put('/document/front', await passportPage(await personA1(), expired))).status, 200);
    assert.equal((await put('/selfie', await personA3())).status, 200);
    await rt.app.request('/v1/capture/complete', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const w = rt.startWorkers({ pollMs: 20 });
    await w.drain(120_000);
    await w.stop();
    const full = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    const codes = full.reasons.map((r: { code: string }) => r.code);
    const doc = full.verification.stages.find((x: { stage: string }) => x.stage === 'document').result;
    assert.equal(doc.read, true, JSON.stringify(doc).slice(0, 300));
    assert.ok(codes.includes('document_expired'), codes.join());
    assert.ok(!codes.includes('document_data_mismatch'), codes.join());
    assert.equal(full.result, 'declined');
    const fm = full.verification.stages.find((x: { stage: string }) => x.stage === 'face_match').result;
    assert.ok(fm.pairs.some((p: { a: string; b: string; match: boolean }) => p.a === 'selfie' && p.b === 'document' && p.match), JSON.stringify(fm.pairs));
  });
});
