/**
 * Full OCR path on a document rendered at test time: a passport-like page drawn from SVG in
 * DejaVu Sans Mono (an OCR-B-like monospace font from Debian fonts-dejavu-core), turned a quarter
 * and a few degrees, and blurred like a phone photo. Plus the stable error codes.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { isDocumentReadError } from '../../../src/documents/errors.ts';
import { readDocument } from '../../../src/documents/read-document.ts';
import { createPaddleOcr } from '../../../src/engines/ocr/paddle.ts';
import type { OcrEngine } from '../../../src/engines/ocr/port.ts';
import { td3 } from './mrz-fixtures.ts';

const NOW = new Date('2026-01-15T00:00:00Z');
const PERSON = { number: 'K4T209386', surname: 'LINDQVIST', given: 'ELSA MARIA', birth: '910307', sex: 'F', expiry: '330812', personal: '' };

const escape = (s: string): string => s.replace(/</g, '&lt;');

function passportSvg(lines: readonly string[], y0 = 0): string {
  const text = (y: number, size: number, s: string, extra = ''): string =>
    `<text x="60" y="${y0 + y}" font-family="DejaVu Sans Mono" font-size="${size}" ${extra}>${escape(s)}</text>`;
  return `<rect y="${y0}" width="1200" height="820" fill="#f4efe4"/>
    ${text(80, 34, 'UTOPIA  PASSPORT / PASSEPORT', 'font-weight="bold"')}
    ${text(160, 26, 'Surname / Nom')}
    ${lines.map((l, i) => text(690 + i * 62, 40, l, 'letter-spacing="1.5"')).join('')}`;
}

async function renderPassport(lines: readonly string[]): Promise<Buffer> {
  const text = (y: number, size: number, s: string, extra = ''): string =>
    `<text x="60" y="${y}" font-family="DejaVu Sans Mono" font-size="${size}" ${extra}>${escape(s)}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="820">
    <rect width="1200" height="820" fill="#f4efe4"/>
    ${text(80, 34, 'UTOPIA  PASSPORT / PASSEPORT', 'font-weight="bold"')}
    ${text(160, 26, 'Surname: LINDQVIST')}
    ${text(210, 26, 'Given names: ELSA MARIA')}
    ${text(260, 26, 'Date of birth: 07 MAR 1991')}
    ${lines.map((l, i) => text(690 + i * 62, 40, l, 'letter-spacing="1.5"')).join('')}
  </svg>`;
  return sharp(Buffer.from(svg))
    .rotate(93, { background: '#ffffff' })
    .blur(1.2)
    .jpeg({ quality: 80 })
    .toBuffer();
}

describe('readDocument', () => {
  let ocr: OcrEngine;
  before(async () => {
    ocr = await createPaddleOcr();
  });

  it('reads a rotated, skewed, blurred passport page with every check digit valid', async () => {
    const lines = td3(PERSON);
    const image = await renderPassport(lines);
    const r = await readDocument(image, { ocr, now: NOW });
    assert.equal(r.format, 'TD3');
    assert.deepEqual(r.mrz.lines, lines);
    assert.equal(r.mrz.valid, true);
    assert.ok(r.mrz.checks.every((c) => c.valid));
    assert.equal(r.fields.surname, 'LINDQVIST');
    assert.equal(r.fields.given_names, 'ELSA MARIA');
    assert.equal(r.fields.document_number, 'K4T209386');
    assert.equal(r.fields.birth_date, '1991-03-07');
    assert.equal(r.fields.expiry_date, '2033-08-12');
    assert.equal(r.expired, false);
    for (const value of Object.values(r.confidence)) assert.ok(value >= 0 && value <= 1);
    assert.ok(r.timings_ms.total > 0);
  });

  it('answers multiple_documents when two passports lie in one photo', async () => {
    const other = td3({ number: 'ZP0077311', surname: 'HARTMANN', given: 'JONAS', birth: '850101', sex: 'M', expiry: '300601', personal: '' });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1700"><rect width="1200" height="1700" fill="#ffffff"/>
      ${passportSvg(td3(PERSON), 0)}${passportSvg(other, 860)}</svg>`;
    const image = await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
    await assert.rejects(readDocument(image, { ocr, now: NOW }), (e) => isDocumentReadError(e) && e.code === 'multiple_documents');
  });

  it('answers not_an_image for bytes that are no image', async () => {
    await assert.rejects(readDocument(new TextEncoder().encode('%PDF-1.7 not an image'), { ocr }), (e) => isDocumentReadError(e) && e.code === 'not_an_image');
  });

  it('answers no_document for a blank photo', async () => {
    const blank = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#d8d8d8' } }).png().toBuffer();
    await assert.rejects(readDocument(blank, { ocr }), (e) => isDocumentReadError(e) && e.code === 'no_document');
  });
});
