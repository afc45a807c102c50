import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { compareFaces } from '../../faces/compare-faces.ts';
import { detectFaces } from '../../faces/detect-faces.ts';
import type { Vars } from '../auth.ts';
import { readImages } from '../image-input.ts';
import type { RouteDoc } from '../openapi.ts';

const compareJson = z.object({ a: z.string().describe('base64 image or data URL'), b: z.string() });
const detectJson = z.object({ image: z.string().describe('base64 image or data URL') });

export const faceDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/faces/compare', tag: 'faces', auth: 'apiKey', summary: 'Compare the faces of two images (multipart fields a, b or JSON base64): { score 0–100, match, threshold, faces }', body: compareJson, responses: { 200: 'comparison', 422: 'not_an_image, no_face, multiple_faces, face_too_small' } },
  { method: 'post', path: '/v1/faces/detect', tag: 'faces', auth: 'apiKey', summary: 'Detect faces with pose, eyes, mouth, smile and quality (multipart field image or JSON base64)', body: detectJson, responses: { 200: 'faces', 422: 'not_an_image' } },
];

export function faceRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.post('/compare', async (c) => {
    const { a, b } = await readImages(c, ['a', 'b'] as const, deps.config.MAX_IMAGE_BYTES);
    return c.json(await compareFaces(await deps.engines.face(), a, b));
  });
  app.post('/detect', async (c) => {
    const { image } = await readImages(c, ['image'] as const, deps.config.MAX_IMAGE_BYTES);
    return c.json(await detectFaces(await deps.engines.face(), image));
  });
  return app;
}
