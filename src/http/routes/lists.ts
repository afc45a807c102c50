import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { addListEntry, LIST_KINDS, LIST_NAMES, listEntries, listEntryBody, removeListEntry } from '../../duplicates/lists.ts';
import type { Vars } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { ListEntries, ListEntry, ListEntryDeleted } from '../contract/project.ts';
import { check, jsonBody } from '../validate.ts';

const listParam = z.enum(LIST_NAMES);
const entryParams = z.object({ list: listParam, kind: z.enum(LIST_KINDS), value: z.string().min(1).max(300) });

const badList = fails('Unknown list or kind', 'validation_failed');

export const listDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/lists', tag: 'lists', auth: 'apiKey', summary: 'All block and allow list entries of the project (face templates are never returned)', responses: { 200: ok(ListEntries, 'List entries') } },
  { method: 'get', path: '/v1/lists/{list}', tag: 'lists', auth: 'apiKey', summary: 'Entries of the block or allow list', responses: { 200: ok(ListEntries, 'List entries'), 422: badList } },
  { method: 'post', path: '/v1/lists/{list}', tag: 'lists', auth: 'apiKey', summary: 'Add an entry', body: listEntryBody,
    description: 'kind ip|account|document_number with value, or kind face (block only) with session_id or a 128-number template. Blocked face/account/document declines; blocked IP sends to review; an allow-listed account is not flagged repeat_face.',
    example: { kind: 'document_number', value: 'L898902C3', note: 'chargeback 2025-12' },
    responses: { 201: ok(ListEntry, 'List entry (adding it again updates the note)'), 404: fails('No stored face template for session_id', 'session_not_found'), 422: fails('Invalid entry', 'validation_failed') } },
  { method: 'delete', path: '/v1/lists/{list}/{kind}/{value}', tag: 'lists', auth: 'apiKey', summary: 'Remove an entry (face entries: value as listed, e.g. session:<id>)',
    responses: { 200: ok(ListEntryDeleted, 'Deleted'), 404: fails('No such entry', 'not_found'), 422: badList } },
];

export function listRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.get('/', async (c) => c.json(await listEntries(deps, c.get('principal').projectId)));
  app.get('/:list', async (c) => c.json(await listEntries(deps, c.get('principal').projectId, check(listParam, c.req.param('list')))));
  app.post('/:list', async (c) => {
    const list = check(listParam, c.req.param('list'));
    return c.json(await addListEntry(deps, c.get('principal').projectId, list, await jsonBody(c, listEntryBody)), 201);
  });
  app.delete('/:list/:kind/:value', async (c) => {
    const p = check(entryParams, { list: c.req.param('list'), kind: c.req.param('kind'), value: c.req.param('value') });
    return c.json(await removeListEntry(deps, c.get('principal').projectId, p.list, p.kind, p.value));
  });
  return app;
}
