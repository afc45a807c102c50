import { Hono } from 'hono';
import { z } from 'zod';
import { isDocumentReadError } from '../../documents/errors.ts';
import { readDocument } from '../../documents/read-document.ts';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import type { Vars } from '../auth.ts';
import { IMAGE_FORMATS, readImages, unsupportedInput } from '../image-input.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { DocumentReading } from '../contract/analysis.ts';

export const documentDocs: RouteDoc[] = [
  {
    method: 'post', path: '/v1/documents/recognize', tag: 'documents', auth: 'apiKey',
    summary: 'Read the MRZ of a document photo: fields, per-field confidence, repaired mrz.lines, check-digit results',
    description: 'Multipart field `image`, or JSON `{ "image": "<base64 or data URL>" }`. Passports (TD3), ID cards (TD1, TD2), visas (MRV-A/B) and the French national ID; the photo may be rotated. `mrz.valid` is true only when every check digit holds. ' + IMAGE_FORMATS,
    body: z.object({ image: z.string().describe('base64 image or data URL') }), multipart: ['image'],
    responses: {
      200: ok(DocumentReading, 'Reading'),
      415: unsupportedInput,
      422: fails('Unusable image', 'validation_failed', 'not_an_image', 'no_document', 'document_unreadable', 'multiple_documents'),
      503: fails('OCR models not available', 'engine_unavailable'),
    },
  },
];

/** Reading errors become the API's stable error codes. */
async function recognize(deps: Deps, image: Uint8Array) {
  try {
    return await readDocument(image, { ocr: await deps.engines.ocr(), now: deps.clock.now() });
  } catch (e) {
    if (isDocumentReadError(e)) throw new AppError(e.code, e.message);
    throw e;
  }
}

export function documentRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.post('/recognize', async (c) => {
    const { image } = await readImages(c, ['image'] as const, deps.config.MAX_IMAGE_BYTES);
    return c.json(await recognize(deps, image));
  });
  return app;
}
