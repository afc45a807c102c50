import { readFile } from 'node:fs/promises';
import { isDocumentReadError } from '../../documents/errors.ts';
import { readDocument } from '../../documents/read-document.ts';
import { checkDocument, type DocumentOutcome } from '../../domain/document-check.ts';
import { defineStage } from '../pipeline.ts';
import { documentResult } from '../results/document.ts';

/**
 * Reads the document's MRZ (OCR, repair, check digits), then checks the data: expiry, check-digit
 * validity, consistency with what the session was created with. The portrait is matched in
 * face_match. Findings: document_expired, mrz_invalid, document_unreadable, document_data_mismatch.
 */
export const documentStage = defineStage(documentResult)({
  name: 'document',
  async run(ctx) {
    const file = await ctx.localFile('document_front');
    if (!file) return { skipped: true, findings: [] };
    const now = ctx.deps.clock.now();
    let outcome: DocumentOutcome;
    let reading = null;
    try {
      // The MRZ is on the front of passports and on the back of ID cards (TD1): read the back if
      // the front has none.
      reading = await readDocument(new Uint8Array(await readFile(file)), { ocr: await ctx.deps.engines.ocr(), now }).catch(async (e) => {
        const back = await ctx.localFile('document_back');
        if (!back || !isDocumentReadError(e)) throw e;
        return readDocument(new Uint8Array(await readFile(back)), { ocr: await ctx.deps.engines.ocr(), now });
      });
      outcome = { outcome: 'read', reading };
    } catch (e) {
      if (!isDocumentReadError(e)) throw e;
      outcome = { outcome: 'error', code: e.code };
    }
    const check = checkDocument(outcome, (ctx.session.expected_data ?? undefined) as Parameters<typeof checkDocument>[1], now);
    return {
      read: outcome.outcome === 'read',
      error: outcome.outcome === 'error' ? outcome.code : null,
      reading,
      comparisons: check.comparisons,
      findings: check.reasons.map((r) => ({ code: r.code, message: r.message, details: r.details })),
    };
  },
});
