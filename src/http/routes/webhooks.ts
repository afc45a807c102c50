import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { createWebhook, createWebhookBody, deleteWebhook, listDeliveries, listWebhooks, resendDelivery } from '../../webhooks/endpoints.ts';
import type { Vars } from '../auth.ts';
import type { RouteDoc } from '../openapi.ts';
import { jsonBody } from '../validate.ts';

export const webhookDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/webhooks', tag: 'webhooks', auth: 'apiKey', summary: 'Register an endpoint (the whsec_ secret is shown once)', body: createWebhookBody, responses: { 201: 'created', 422: 'invalid or refused URL' } },
  { method: 'get', path: '/v1/webhooks', tag: 'webhooks', auth: 'apiKey', summary: 'List endpoints', responses: { 200: 'endpoints' } },
  { method: 'delete', path: '/v1/webhooks/{id}', tag: 'webhooks', auth: 'apiKey', summary: 'Delete an endpoint', responses: { 200: 'deleted', 404: 'not found' } },
  { method: 'get', path: '/v1/webhooks/{id}/deliveries', tag: 'webhooks', auth: 'apiKey', summary: 'Deliveries with their attempt log', responses: { 200: 'deliveries' } },
  { method: 'post', path: '/v1/webhooks/deliveries/{id}/resend', tag: 'webhooks', auth: 'apiKey', summary: 'Send a delivery again', responses: { 202: 'queued', 404: 'not found' } },
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
