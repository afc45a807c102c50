import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { createWebhook, createWebhookBody, deleteWebhook, listDeliveries, listWebhooks, resendDelivery } from '../../webhooks/endpoints.ts';
import type { Vars } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { DeliveryList, DeliveryQueued, WebhookCreated, WebhookDeleted, WebhookList } from '../contract/webhooks.ts';
import { jsonBody } from '../validate.ts';

const hookNotFound = fails('No such endpoint in this project', 'webhook_not_found');

export const webhookDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/webhooks', tag: 'webhooks', auth: 'apiKey', summary: 'Register an endpoint (the whsec_ secret is shown once)',
    description: 'vkyc POSTs each event (see `webhooks` in this document: video.completed, video.reviewed) to the URL, signed as Standard Webhooks with the returned secret. The URL must be public (private, loopback and other special-purpose addresses are refused at registration and at every send) and should answer 2xx within 10 s; other answers are retried for about 28 h.',
    body: createWebhookBody, fields: { url: 'http(s) URL that receives the events', events: 'Event types to send: video.completed, video.reviewed, or "*" for all (default ["*"])', description: 'Your note (at most 500 characters)' },
    example: { url: 'https://shop.example/webhooks/vkyc', events: ['video.completed', 'video.reviewed'], description: 'production' },
    responses: { 201: ok(WebhookCreated, 'Created; store the secret now'), 422: fails('Invalid body, or a URL that is not public', 'validation_failed', 'webhook_url_refused') } },
  { method: 'get', path: '/v1/webhooks', tag: 'webhooks', auth: 'apiKey', summary: 'List endpoints (never their secrets)', responses: { 200: ok(WebhookList, 'Endpoints') } },
  { method: 'delete', path: '/v1/webhooks/{id}', tag: 'webhooks', auth: 'apiKey', summary: 'Delete an endpoint', responses: { 200: ok(WebhookDeleted, 'Deleted'), 404: hookNotFound } },
  { method: 'get', path: '/v1/webhooks/{id}/deliveries', tag: 'webhooks', auth: 'apiKey', summary: 'Deliveries with their attempt log (newest 100)', responses: { 200: ok(DeliveryList, 'Deliveries'), 404: hookNotFound } },
  { method: 'post', path: '/v1/webhooks/deliveries/{id}/resend', tag: 'webhooks', auth: 'apiKey', summary: 'Send a delivery again (also after it failed for good)', responses: { 202: ok(DeliveryQueued, 'Queued'), 404: fails('No such delivery in this project', 'not_found') } },
];

export function webhookRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.post('/', async (c) => c.json(await createWebhook(deps, c.get('principal').projectId, await jsonBody(c, createWebhookBody)), 201));
  app.get('/', async (c) => c.json(await listWebhooks(deps, c.get('principal').projectId)));
  app.delete('/:id', async (c) => c.json(await deleteWebhook(deps, c.get('principal').projectId, c.req.param('id'))));
  app.get('/:id/deliveries', async (c) => c.json(await listDeliveries(deps, c.get('principal').projectId, c.req.param('id'))));
  app.post('/deliveries/:id/resend', async (c) => c.json(await resendDelivery(deps, c.get('principal').projectId, c.req.param('id')), 202));
  return app;
}
