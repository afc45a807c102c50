import { Hono } from 'hono';
import { z } from 'zod';
import { isDocumentReadError } from '../../documents/errors.ts';
import { readDocument } from '../../documents/read-document.ts';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import type { Vars } from '../auth.ts';
import { readImages } from '../image-input.ts';
import type { RouteDoc } from '../openapi.ts';

export const documentDocs: RouteDoc[] = [
  {
    method: 'post', path: '/v1/documents/recognize', tag: 'documents', auth: 'apiKey',
    summary: 'Read the MRZ of a document photo (multipart field image, or JSON base64): fields, per-field confidence, repaired mrz.lines, check-digit results',
    body: z.object({ image: z.string().describe('base64 image or data URL') }),
    responses: { 200: 'reading', 422: 'not_an_image, no_document, document_unreadable, multiple_documents' },
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
