/**
 * The reader on real specimen photos from ../shared/data/docs (read in place, never copied). These
 * tests need that data set and fail, with the reason, when it is absent.
 *
 * The Czech specimen (issue 20): its names line is printed over coloured guilloches that PP-OCRv4
 * read as `K` (`PKCZESPECIMENKKVZOR…`). Its birth date, 29 Feb 1911, does not exist (1911 is no
 * leap year) though the check digit holds: `birth_date_invalid` is the right answer for it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { parseMrz } from '../../../src/documents/mrz-parse.ts';
import { readDocument } from '../../../src/documents/read-document.ts';
import { createPaddleOcr } from '../../../src/engines/ocr/paddle.ts';
import type { OcrEngine } from '../../../src/engines/ocr/port.ts';
import { ANNOTATED } from '../../../bench/mrz-real.ts';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/docs');
const NOW = new Date('2026-06-01T00:00:00Z');

function image(file: string): Buffer {
  const path = resolve(DOCS, file);
  assert.ok(existsSync(path), `${path} is missing: this test needs the shared real data set (../shared/data/docs next to the repository)`);
  return readFileSync(path);
}

describe('benchmark ground truth', () => {
  it('every annotated MRZ passes all its check digits', () => {
    for (const [file, lines] of Object.entries(ANNOTATED)) {
      const parsed = parseMrz(lines, NOW);
      assert.ok(parsed.checks.every((c) => c.valid), `${file}: ${JSON.stringify(parsed.checks)}`);
    }
  });
});

describe('readDocument on real specimens', () => {
  let ocr: OcrEngine;
  before(async () => {
    ocr = await createPaddleOcr();
  });

  it('reads the Czech specimen exactly: names clean, impossible birth date reported', async () => {
    const file = 'images/ultimatemrz/Czech_passport_2005_MRZ_orient1_1300x1002.jpg';
    const r = await readDocument(image(file), { ocr, now: NOW });
    assert.deepEqual(r.mrz.lines, ANNOTATED[file]);
    assert.equal(r.fields.surname, 'SPECIMEN');
    assert.equal(r.fields.given_names, 'VZOR');
    assert.equal(r.fields.document_type, 'P');
    assert.ok(r.mrz.checks.every((c) => c.valid));
    assert.equal(r.fields.birth_date, null);
    assert.deepEqual(r.mrz.errors, ['birth_date_invalid']);
  });

  it('reads the Australian specimen turned a quarter exactly', async () => {
    const file = 'images/ultimatemrz/Passport-Australia_1280x720_rotate-90.jpg';
    const r = await readDocument(image(file), { ocr, now: NOW });
    assert.deepEqual(r.mrz.lines, ANNOTATED[file]);
    assert.equal(r.fields.surname, 'CITIZEN');
    assert.equal(r.fields.document_number, 'PA0940443');
    assert.equal(r.mrz.valid, true);
  });
});
