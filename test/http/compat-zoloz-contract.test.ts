import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { contractProblems } from '../helpers/contract.ts';
import { personA3, videoOfA } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { checkResultRequestSample, requestFields, requestMaxLength, responseFields, responseSample, resultCodes, retryRecordFields, retryRecordsFields } from '../fixtures/compat/zoloz.ts';

// ZOLOZ VideoVerify checkresult (seed 002), field by field: the seed's own sample request in each
// state a transaction goes through (unknown, PROCESSING, SUCCESS, UNUSABLE), every answer checked
// against the seed's response table, resultStatus against the result-code table, and the values
// of videoVerifyResult the state defines. LIMIT_EXCEEDED (needs speech) is in zoloz.test.ts.

describe('ZOLOZ checkresult contract', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await makeRuntime();
  });
  after(async () => rt.cleanup());

  const zpost = async (path: string, body: unknown) => {
    const r = await rt.app.request(`/api/v1/zoloz/videoverify/${path}`, { method: 'POST', headers: { authorization: `Bearer ${rt.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  /** The answer conforms to the table, and its resultStatus is the one the result-code table gives. */
  const conforms = (body: { result: { resultCode: keyof typeof resultCodes; resultStatus: string } }) => {
    assert.deepEqual(contractProblems(body, responseFields), [], JSON.stringify(body).slice(0, 300));
    assert.equal(body.result.resultStatus, resultCodes[body.result.resultCode], body.result.resultCode);
  };

  test('the field tables transcribe the seed samples', () => {
    assert.deepEqual(contractProblems(checkResultRequestSample, requestFields), []);
    for (const [k, max] of Object.entries(requestMaxLength)) assert.ok(checkResultRequestSample[k as keyof typeof requestMaxLength].length <= max, k);
    assert.deepEqual(contractProblems(responseSample, responseFields), []);
    const records = JSON.parse(responseSample.extInfo.willingRetryRecords);
    assert.deepEqual(contractProblems(records, retryRecordsFields), []);
    for (const r of records.retryRecords) assert.deepEqual(contractProblems(r, retryRecordFields), []);
  });

  test("the seed's sample request for a transaction that does not exist: INVALID_ARGUMENT with every required field", async () => {
    const r = await zpost('checkresult', checkResultRequestSample);
    assert.equal(r.status, 200);
    conforms(r.body);
    assert.equal(r.body.result.resultCode, 'INVALID_ARGUMENT');
    assert.equal(r.body.videoVerifyResult, 'Failure');
    for (const bad of [{ ...checkResultRequestSample, bizId: 'x'.repeat(requestMaxLength.bizId + 1) }, { ...checkResultRequestSample, isReturnImage: 'X' }, { bizId: checkResultRequestSample.bizId }]) {
      const e = await zpost('checkresult', bad);
      conforms(e.body);
      assert.equal(e.body.result.resultCode, 'INVALID_ARGUMENT', JSON.stringify(bad));
      assert.equal(e.body.videoVerifyResult, 'Failure');
    }
  });

  test("the seed's sample request through a transaction's life: PROCESSING/Pending, then SUCCESS with extInfo; a canceled one UNUSABLE/Failure", async () => {
    const init = await zpost('initialize', { bizId: checkResultRequestSample.bizId });
    assert.equal(init.body.result.resultCode, 'SUCCESS');
    const request = { ...checkResultRequestSample, transactionId: init.body.transactionId as string };
    assert.ok(request.transactionId.length <= requestMaxLength.transactionId);

    const processing = await zpost('checkresult', request);
    conforms(processing.body);
    assert.equal(processing.body.result.resultCode, 'PROCESSING');
    assert.equal(processing.body.videoVerifyResult, 'Pending');
    assert.equal(processing.body.extInfo, undefined, 'no extInfo before the capture is finished');

    const token = new URL(init.body.clientCfg).pathname.split('/').pop()!;
    const cap = async (method: string, path: string, body?: Uint8Array) => {
      const r = await rt.app.request(`/v1/capture${path}`, { method, headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> | undefined });
      assert.equal(r.status, 200, `${method} ${path}: ${await r.clone().text()}`);
    };
    await cap('PUT', '/selfie', new Uint8Array(await personA3()));
    await cap('PUT', '/video', new Uint8Array(await readFile(await videoOfA())));
    const uploaded = await zpost('checkresult', request);
    assert.equal(uploaded.body.result.resultCode, 'PROCESSING');
    assert.equal(uploaded.body.videoVerifyResult, 'Pending');
    await cap('POST', '/complete');
    const w = rt.startWorkers({ pollMs: 20 });
    await w.drain(300_000);
    await w.stop();

    const done = await zpost('checkresult', request);
    conforms(done.body);
    assert.equal(done.body.result.resultCode, 'SUCCESS');
    const session = await (await rt.req('GET', `/v1/sessions/${request.transactionId}`)).json();
    assert.equal(done.body.videoVerifyResult, { approved: 'Success', declined: 'Failure', needs_review: 'Pending' }[session.result as string]);
    assert.ok(Number(done.body.extInfo.quality) >= 0 && Number(done.body.extInfo.quality) <= 100, 'quality is a 0–100 string');
    assert.equal(typeof done.body.extInfo.imageContent, 'string', 'isReturnImage Y returns the image');
    const records = JSON.parse(done.body.extInfo.willingRetryRecords);
    assert.deepEqual(contractProblems(records, retryRecordsFields), []);
    for (const r of records.retryRecords) assert.deepEqual(contractProblems(r, retryRecordFields), []);
    // No phrase attempt was made on the page: the video's own audio (a tone) is the one attempt.
    assert.deepEqual(records.retryRecords, [{ status: 'NO_SPEECH', userInput: '', attemptNumber: 1 }]);

    const other = await zpost('initialize', { bizId: 'VV2026060500000002' });
    assert.equal((await rt.req('POST', `/v1/sessions/${other.body.transactionId}/cancel`)).status, 200);
    const canceled = await zpost('checkresult', { ...checkResultRequestSample, bizId: 'VV2026060500000002', transactionId: other.body.transactionId });
    conforms(canceled.body);
    assert.equal(canceled.body.result.resultCode, 'UNUSABLE');
    assert.equal(canceled.body.videoVerifyResult, 'Failure');
  });
});
