/**
 * readDocument: photo of an ID document → MRZ fields, per-field confidence, repaired MRZ lines and
 * check-digit results. Zone finding works in any orientation: the detector's boxes give the text
 * direction (deskew included), and a half turn is tried when the upright reading fails.
 */
import sharp from 'sharp';
import { decodeRgb, resizeRgb } from '../engines/ocr/crop.ts';
import type { OcrEngine, RgbImage } from '../engines/ocr/port.ts';
import { DocumentReadError } from './errors.ts';
import { fieldConfidences } from './mrz-confidence.ts';
import type { MrzFormat } from './mrz-format.ts';
import type { DocumentFields, FieldName } from './mrz-parse.ts';
import { searchMrz, type Candidate } from './mrz-search.ts';
import { dominantAngle, groupRows, longRows } from './mrz-zone.ts';

interface ReadDocumentOptions {
  readonly ocr: OcrEngine;
  readonly now?: Date;
}

interface DocumentReading {
  readonly format: MrzFormat;
  readonly fields: DocumentFields;
  readonly confidence: Partial<Record<FieldName, number>>;
  readonly mrz: {
    readonly lines: readonly string[];
    readonly valid: boolean;
    readonly checks: readonly { name: string; valid: boolean }[];
    readonly errors: readonly string[];
    readonly warnings: readonly string[];
  };
  readonly expired: boolean;
  readonly timings_ms: { decode: number; detect: number; recognize: number; total: number };
}

// Images are decoded to at most 2000 px (MRZ characters stay > 20 px tall on a full-page photo) and
// small ones upscaled to the detector's working size. 736 px (PaddleOCR's default is 960) found the
// same MRZ rows on the specimen photos at ~45 % of the detector's CPU time.
const DECODE_MAX_SIDE = 2000;
const DETECT_SIDE = 736;

async function decode(image: Uint8Array): Promise<RgbImage> {
  try {
    const meta = await sharp(image).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
  } catch {
    throw new DocumentReadError('not_an_image', 'the upload is not an image format we can decode');
  }
  // A header that parses but pixel data that does not (truncated upload) is still not an image.
  const rgb = await decodeRgb(image, DECODE_MAX_SIDE).catch(() => {
    throw new DocumentReadError('not_an_image', 'the image data could not be decoded');
  });
  const side = Math.max(rgb.width, rgb.height);
  return side < DETECT_SIDE ? resizeRgb(rgb, DETECT_SIDE / side) : rgb;
}

/**
 * Within 1° of a quarter turn the page is turned exactly (lossless in sharp), so that the crops of
 * scans rotated by 90° are not resampled.
 */
function snapAngle(angle: number): number {
  const quarter = Math.round(angle / 90) * 90;
  return Math.abs(angle - quarter) < 1 ? quarter : angle;
}

/**
 * Two valid MRZ blocks that differ in both document number and surname mean two documents in one
 * photo. Both must differ: two readings of one MRZ can both pass their check digits with one
 * misread character (a check digit misses one substitution in ten), but not with a different name.
 * Limitation: only blocks among the rows read are compared (bottom 4 rows per orientation).
 */
function assertSingleDocument(candidates: readonly Candidate[]): void {
  const valid = candidates.filter((c) => c.parsed.valid).map((c) => c.parsed.fields);
  const first = valid[0];
  if (first && valid.some((f) => f.document_number !== first.document_number && f.surname !== first.surname)) {
    throw new DocumentReadError('multiple_documents', 'more than one document MRZ in the image');
  }
}

export async function readDocument(image: Uint8Array, options: ReadDocumentOptions): Promise<DocumentReading> {
  const t0 = performance.now();
  const now = options.now ?? new Date();
  const rgb = await decode(image);
  const t1 = performance.now();
  const regions = await options.ocr.detect(rgb, { maxSide: DETECT_SIDE });
  const angle = snapAngle(dominantAngle(regions));
  const rows = groupRows(regions, angle);
  const t2 = performance.now();
  if (longRows(rows).length === 0) throw new DocumentReadError('no_document', 'no machine-readable zone found in the image');
  const { best, sawFillers } = await searchMrz(options.ocr, rgb, rows, now);
  const t3 = performance.now();
  const top = best[0];
  if (top === undefined) {
    throw sawFillers
      ? new DocumentReadError('document_unreadable', 'a machine-readable zone was found but could not be read')
      : new DocumentReadError('no_document', 'no machine-readable zone found in the image');
  }
  assertSingleDocument(best);
  return toReading(top, now, { decode: t1 - t0, detect: t2 - t1, recognize: t3 - t2, total: t3 - t0 });
}

function toReading(c: Candidate, now: Date, timings: DocumentReading['timings_ms']): DocumentReading {
  const { parsed } = c;
  const expiry = parsed.fields.expiry_date;
  const round = (ms: number): number => Math.round(ms);
  return {
    format: parsed.format,
    fields: parsed.fields,
    confidence: fieldConfidences(parsed.format, c.block.confidences),
    mrz: { lines: parsed.lines, valid: parsed.valid, checks: parsed.checks, errors: parsed.errors, warnings: parsed.warnings },
    expired: expiry !== null && expiry < now.toISOString().slice(0, 10),
    timings_ms: { decode: round(timings.decode), detect: round(timings.detect), recognize: round(timings.recognize), total: round(timings.total) },
  };
}


