import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDocument, nameSimilarity, nameVariants, type DocumentReadingSummary } from '../../../src/domain/document-check.ts';

const NOW = new Date('2026-01-15T00:00:00Z');

function reading(over: Partial<DocumentReadingSummary['fields']> = {}, valid = true): DocumentReadingSummary {
  return {
    fields: { surname: 'MUELLER', given_names: 'JOSE MARIA', document_number: 'C01X00T47', nationality: 'D', birth_date: '1990-05-17', expiry_date: '2030-01-01', ...over },
    mrz: { valid, checks: [{ name: 'document_number', valid }, { name: 'composite', valid: true }] },
  };
}

describe('checkDocument', () => {
  it('accepts matching session data with accents, umlauts and a single given name', () => {
    const r = checkDocument({ outcome: 'read', reading: reading() }, {
      first_name: 'José', last_name: 'Müller', birth_date: '1990-05-17', document_number: 'c01x00t47', nationality: 'DEU',
    }, NOW);
    assert.deepEqual(r.reasons, []);
    assert.equal(r.comparisons.length, 5);
    assert.ok(r.comparisons.every((c) => c.match));
  });

  it('reports expired documents and invalid MRZs with details', () => {
    const r = checkDocument({ outcome: 'read', reading: reading({ expiry_date: '2025-12-31' }, false) }, undefined, NOW);
    assert.deepEqual(r.reasons.map((x) => x.code), ['document_expired', 'mrz_invalid']);
    assert.deepEqual((r.reasons[1]!.details as { failed_checks: string[] }).failed_checks, ['document_number']);
  });

  it('reports data mismatches per field', () => {
    const r = checkDocument({ outcome: 'read', reading: reading() }, { last_name: 'Schmidt', birth_date: '1990-05-18' }, NOW);
    assert.equal(r.reasons.length, 1);
    assert.equal(r.reasons[0]!.code, 'document_data_mismatch');
    const fields = (r.reasons[0]!.details as { fields: { field: string }[] }).fields.map((f) => f.field);
    assert.deepEqual(fields, ['last_name', 'birth_date']);
  });

  it('turns reading errors into document_unreadable', () => {
    const r = checkDocument({ outcome: 'error', code: 'multiple_documents' }, undefined, NOW);
    assert.deepEqual(r.reasons.map((x) => [x.code, x.details]), [['document_unreadable', { error: 'multiple_documents' }]]);
  });
});

describe('name matching', () => {
  it('transliterates like ICAO 9303 and tolerates one OCR slip', () => {
    assert.deepEqual(nameVariants("Ørsted-O'Neil"), ['OERSTED ONEIL', 'ORSTED ONEIL']);
    assert.equal(nameSimilarity('Strauß', 'STRAUSS'), 1);
    assert.ok(nameSimilarity('Wojciechowski', 'WOJCIECH0WSKI') >= 0.9);
    assert.ok(nameSimilarity('Smith', 'JONES') < 0.5);
    assert.equal(nameSimilarity('Hubert Blaine Wolfeschlegelsteinhausen', 'HUBERT BLAINE WOLFESCHLEGELST'), 1); // MRZ truncation
  });
});

describe('expectedPersonSchema', () => {
  it('accepts the optional session fields and rejects malformed ones', async () => {
    const { expectedPersonSchema } = await import('../../../src/domain/document-check.ts');
    assert.equal(expectedPersonSchema.safeParse({ first_name: 'Ada', birth_date: '1990-05-17', nationality: 'UTO' }).success, true);
    assert.equal(expectedPersonSchema.safeParse({ birth_date: '17/05/1990' }).success, false);
    assert.equal(expectedPersonSchema.safeParse({ nationality: 'UTOPIA' }).success, false);
  });
});
