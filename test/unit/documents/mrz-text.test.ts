import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDigit, LAYOUTS } from '../../../src/documents/mrz-format.ts';
import { assembleBlocks, fitLength } from '../../../src/documents/mrz-lines.ts';
import { MrzFormatError, mrzDate, parseMrz } from '../../../src/documents/mrz-parse.ts';
import { repairMrz } from '../../../src/documents/mrz-repair.ts';
import { cd, mrvB, td1, td3 } from './mrz-fixtures.ts';

const NOW = new Date('2026-01-15T00:00:00Z');
const SAMPLE = { number: 'X7Y204851', surname: 'OKONKWO', given: 'ADA MARIE', birth: '880229', sex: 'F', expiry: '310704', personal: 'Q1234567' };

describe('check digits', () => {
  it('match the 7-3-1 rule on values with letters, digits and fillers', () => {
    for (const v of ['L898902C3', 'D23145890', '740812', 'AB<12', '<<<<<<<<<<<<<<']) assert.equal(String(checkDigit(v)), cd(v));
    assert.equal(checkDigit('520727'), 3); // worked by hand: 35+6+0+49+6+7 = 103
  });
});

describe('parseMrz', () => {
  it('parses a TD3 passport and verifies all five check digits', () => {
    const r = parseMrz(td3(SAMPLE), NOW);
    assert.equal(r.format, 'TD3');
    assert.equal(r.valid, true);
    assert.deepEqual(r.checks.map((c) => c.name), ['document_number', 'birth_date', 'expiry_date', 'personal_number', 'composite']);
    assert.deepEqual(r.fields, {
      document_type: 'P', issuing_country: 'UTO', document_number: 'X7Y204851', surname: 'OKONKWO', given_names: 'ADA MARIE',
      nationality: 'UTO', birth_date: '1988-02-29', sex: 'F', expiry_date: '2031-07-04', personal_number: 'Q1234567',
    });
    assert.deepEqual(r.warnings, ['issuing_country_specimen', 'nationality_specimen']);
  });

  it('flags a wrong composite digit without failing the field checks', () => {
    const lines = td3(SAMPLE);
    const l2 = lines[1]!;
    const bad = l2.slice(0, 43) + String((Number(l2[43]) + 1) % 10);
    const r = parseMrz([lines[0]!, bad], NOW);
    assert.equal(r.valid, false);
    assert.deepEqual(r.checks.filter((c) => !c.valid).map((c) => c.name), ['composite']);
  });

  it('parses a TD1 card with an overflowing 12-character document number', () => {
    const lines = td1({ number: 'AB1234567C89', surname: 'NGUYEN', given: 'VAN AN', birth: '020131', sex: 'M', expiry: '290101', state: 'BEL' });
    const r = parseMrz(lines, NOW);
    assert.equal(r.format, 'TD1');
    assert.equal(r.valid, true, JSON.stringify(r.checks));
    assert.equal(r.fields.document_number, 'AB1234567C89');
    assert.equal(r.fields.surname, 'NGUYEN');
    assert.equal(r.fields.given_names, 'VAN AN');
    assert.equal(r.fields.birth_date, '2002-01-31');
    assert.deepEqual(r.warnings, []);
  });

  it('reads a visa (MRV-B) with its three check digits and no composite', () => {
    const r = parseMrz(mrvB({ number: 'VB0041234', surname: 'SILVA', given: 'JOAO', birth: '750615', sex: 'M', expiry: '270101', state: 'FRA', nationality: 'BRA' }), NOW);
    assert.equal(r.format, 'MRV-B');
    assert.equal(r.valid, true);
    assert.equal(r.checks.length, 3);
    assert.equal(r.fields.document_type, 'V');
  });

  it('marks impossible dates and foreign characters invalid, and throws on unknown shapes', () => {
    const lines = td3({ ...SAMPLE, birth: '881399' });
    assert.ok(parseMrz(lines, NOW).errors.includes('birth_date_invalid'));
    assert.ok(parseMrz([lines[0]!.replace('OKONKWO', 'OKONKW?'), lines[1]!], NOW).errors.includes('charset_invalid'));
    assert.throws(() => parseMrz(['P<UTO', 'X'], NOW), MrzFormatError);
  });

  it('marks a names field of fillers only invalid, though every check digit holds (no digit covers names)', () => {
    const lines = td1({ ...SAMPLE, surname: '', given: '' });
    const r = parseMrz(lines, NOW);
    assert.ok(r.checks.every((c) => c.valid));
    assert.deepEqual(r.errors, ['names_invalid']);
    assert.equal(r.valid, false);
  });

  it('puts two-digit years in the right century', () => {
    assert.equal(mrzDate('270101', 'birth', NOW), '1927-01-01'); // 2027 would be in the future
    assert.equal(mrzDate('250101', 'expiry', NOW), '2025-01-01');
    assert.equal(mrzDate('960101', 'expiry', NOW), '1996-01-01');
    assert.equal(mrzDate('991301', 'birth', NOW), null);
  });
});

describe('repairMrz', () => {
  it('resolves look-alikes by position: digits in dates, letters in names and codes', () => {
    const [l1, l2] = td3(SAMPLE) as [string, string];
    const ocr1 = l1.replace('OKONKWO', '0K0NKW0').replace('UTO', 'UT0');
    const ocr2 = l2.slice(0, 13) + l2.slice(13, 19).replace(/8/g, 'B') + l2.slice(19);
    const r = repairMrz([ocr1, ocr2], LAYOUTS.TD3);
    assert.deepEqual(r.lines, [l1, l2]);
    assert.ok(r.repairs.length >= 5);
  });

  it('fixes a free-text document number only when its check digit then holds', () => {
    const [l1, l2] = td3({ ...SAMPLE, number: 'AB0123456' }) as [string, string];
    const misread = 'ABO123456' + l2.slice(9);
    const r = repairMrz([l1, misread], LAYOUTS.TD3);
    assert.equal(r.lines[1], l2);
    assert.equal(parseMrz(r.lines, NOW).valid, true);
  });
});

describe('line assembly', () => {
  it('restores filler runs lost by OCR and assembles a 2×44 block', () => {
    const [l1, l2] = td3(SAMPLE) as [string, string];
    const rows = [
      { text: 'UTOPIA PASSPORT', confidences: [] },
      { text: l1.replace(/<+$/, '<<<'), confidences: [...l1].map(() => 0.9) },
      { text: l2.replace('<<<<<<', '<<<<'), confidences: [...l2].map(() => 0.9) },
    ];
    const blocks = assembleBlocks(rows);
    assert.deepEqual(blocks[0]?.lines, [l1, l2]);
  });

  it('refuses to reach a length by deleting letters or digits', () => {
    assert.equal(fitLength({ text: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456', confidences: [] }, 30, 'closed'), null);
  });
});

describe('repair by check-digit search', () => {
  it('fixes one misread digit at the least confident position when field and composite checks agree', () => {
    const lines = td3({ ...SAMPLE, personal: '1152291111' });
    const l2 = lines[1]!;
    const at = 28 + 5; // a digit of the personal number
    const wrong = String((Number(l2[at]) + 3) % 10);
    const misread = l2.slice(0, at) + wrong + l2.slice(at + 1);
    const confidences = [[...lines[0]!].map(() => 0.95), [...l2].map((_, i) => (i === at ? 0.4 : 0.95))];
    const r = repairMrz([lines[0]!, misread], LAYOUTS.TD3, confidences);
    assert.deepEqual(r.lines, lines);
    assert.equal(parseMrz(r.lines, NOW).valid, true);
  });

  it('clears letters misread inside the trailing filler of a names field', () => {
    const [l1, l2] = td3(SAMPLE) as [string, string];
    const noisy = l1.slice(0, 30) + 'K<<K' + l1.slice(34);
    const r = repairMrz([noisy, l2], LAYOUTS.TD3);
    assert.equal(r.lines[0], l1);
  });
});
