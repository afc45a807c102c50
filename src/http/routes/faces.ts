import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { compareFaces } from '../../faces/compare-faces.ts';
import { detectFaces } from '../../faces/detect-faces.ts';
import type { Vars } from '../auth.ts';
import { IMAGE_FORMATS, readImages, unsupportedInput } from '../image-input.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { FaceComparison, FaceDetection } from '../contract/analysis.ts';

const compareJson = z.object({ a: z.string().describe('base64 image or data URL'), b: z.string() });
const detectJson = z.object({ image: z.string().describe('base64 image or data URL') });

const notImage = fails('Not an image, or an image field missing or not base64', 'validation_failed', 'not_an_image');

export const faceDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/faces/compare', tag: 'faces', auth: 'apiKey', summary: 'Compare the faces of two images: { score 0–100, match, threshold, faces }',
    description: 'Multipart fields `a` and `b`, or JSON with base64 images (data URLs accepted). Each image must hold exactly one usable face; details.image names the failing one. ' + IMAGE_FORMATS, body: compareJson, multipart: ['a', 'b'],
    responses: { 200: ok(FaceComparison, 'Comparison'), 415: unsupportedInput, 422: fails('An image is unusable', 'validation_failed', 'not_an_image', 'no_face', 'multiple_faces', 'face_too_small'), 503: fails('Face models not available', 'engine_unavailable') } },
  { method: 'post', path: '/v1/faces/detect', tag: 'faces', auth: 'apiKey', summary: 'Detect faces with pose, eyes, mouth, smile and quality (no identity data)', description: IMAGE_FORMATS, body: detectJson, multipart: ['image'],
    responses: { 200: ok(FaceDetection, 'Faces (count 0 when none)'), 415: unsupportedInput, 422: notImage, 503: fails('Face models not available', 'engine_unavailable') } },
];

export function faceRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.post('/compare', async (c) => {
    const { a, b } = await readImages(c, ['a', 'b'] as const, deps.config.MAX_IMAGE_BYTES, deps.config.MAX_IMAGE_PIXELS);
    return c.json(await compareFaces(await deps.engines.face(), a, b));
  });
  app.post('/detect', async (c) => {
    const { image } = await readImages(c, ['image'] as const, deps.config.MAX_IMAGE_BYTES, deps.config.MAX_IMAGE_PIXELS);
    return c.json(await detectFaces(await deps.engines.face(), image));
  });
  return app;
}
