import { Hono } from 'hono';
import { z } from 'zod';
import { listActivity } from './activity.ts';
import { callbackDone, listCallbacks } from './callbacks.ts';
import { decideCall, decisionBody, leaveCall, type Review } from './decide.ts';
import type { AgentDesk, CallControl } from './desk.ts';
import { frameBody, LiveFace } from './live-face.ts';
import { answerBody, captureStill, notesBody, saveNotes, stillBody, workspace, answerQuestion, requireCallAccess } from './workspace.ts';
import { hasRole } from '../domain/actor.ts';
import { getProjectSettings, projectSettingsPatch, updateProjectSettings } from '../projects/settings.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { requireRole, type DashVars } from '../http/dashboard/auth.ts';
import { jsonBody, queryOf } from '../http/validate.ts';

// /dashboard/api/agents/* and /dashboard/api/calls/* (docs/live-calls-api.md §3–4): the agent
// console and workspace. Mounted inside the dashboard API, so the cookie, the CSRF token on writes
// and the project come from its middleware; every route here needs the role agent or admin.

const AGENT_FIELDS = ['agent_working_hours', 'agent_fallback', 'agent_queue_timeout_seconds', 'agent_offer_timeout_seconds', 'agent_questions', 'agent_questions_per_call'] as const;
const agentSettingsPatch = projectSettingsPatch.pick(Object.fromEntries(AGENT_FIELDS.map((f) => [f, true])) as { [K in (typeof AGENT_FIELDS)[number]]: true });
const agentSettingsView = (s: Awaited<ReturnType<typeof getProjectSettings>>) => Object.fromEntries(AGENT_FIELDS.map((f) => [f, s[f]]));

const statusBody = z.strictObject({ status: z.enum(['available', 'away']) });
const empty = z.strictObject({});
const sessionId = z.string().regex(/^ses_[A-Za-z0-9_-]{1,64}$/);
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
/** Still bodies are base64 images: 8 MB of image is ~11 MB of JSON. */
const STILL_BODY_BYTES = 12 * 1024 * 1024;
const FRAME_BODY_BYTES = 6 * 1024 * 1024;

export function agentRoutes(deps: Deps, desk: AgentDesk, calls: CallControl, review: Review) {
  const app = new Hono<{ Variables: DashVars }>();
  const face = new LiveFace(deps, (agentId, m) => desk.sendTo(agentId, m));
  const sid = (raw: string | undefined) => {
    const r = sessionId.safeParse(raw);
    if (!r.success) throw new AppError('session_not_found', 'no such session');
    return r.data;
  };
  app.use('/agents/*', requireRole('agent', 'admin'));
  app.use('/calls/*', requireRole('agent', 'admin'));

  app.get('/agents/console', async (c) => c.json(await desk.snapshot(c.get('actor'))));
  app.post('/agents/me/status', async (c) => c.json(await desk.setStatus(c.get('actor'), (await jsonBody(c, statusBody)).status)));
  app.post('/agents/next', async (c) => (await jsonBody(c, empty), c.json(await desk.next(c.get('actor')))));
  app.post('/agents/offers/:id/accept', async (c) => (await jsonBody(c, empty), c.json(await desk.accept(c.get('actor'), sid(c.req.param('id'))))));
  app.post('/agents/offers/:id/decline', async (c) => (await jsonBody(c, empty), c.json(await desk.decline(c.get('actor'), sid(c.req.param('id'))))));
  app.get('/agents/callbacks', async (c) => c.json(await listCallbacks(deps, c.get('actor').projectId)));
  app.post('/agents/callbacks/:id/done', async (c) => (await jsonBody(c, empty), c.json(await callbackDone(deps, c.get('actor'), c.req.param('id')))));
  app.get('/agents/:userId/activity', async (c) => {
    const actor = c.get('actor');
    const userId = c.req.param('userId');
    // An agent reads their own log; admins (and auditors, who reach this only as admin here) anyone's in the project.
    if (userId !== actor.id && !hasRole(actor, 'admin')) throw new AppError('forbidden', 'an agent reads only their own activity');
    return c.json(await listActivity(deps.db, actor.projectId, { userId }, queryOf(c, limitQuery).limit));
  });

  // Settings → Agents (admins): the live-agent fields of the project settings, nothing else.
  app.get('/agents/settings', async (c) => c.json(agentSettingsView(await getProjectSettings(deps.db, c.get('actor').projectId))));
  app.patch('/agents/settings', requireRole('admin'), async (c) => {
    const patch = await jsonBody(c, agentSettingsPatch);
    return c.json(agentSettingsView(await updateProjectSettings(deps.db, c.get('actor').projectId, patch)));
  });

  app.get('/calls/:id/workspace', async (c) => c.json(await workspace(deps, c.get('actor'), sid(c.req.param('id')))));
  app.get('/calls/:id/activity', async (c) => {
    const id = sid(c.req.param('id'));
    await requireCallAccess(deps, c.get('actor'), id);
    return c.json(await listActivity(deps.db, c.get('actor').projectId, { sessionId: id }, queryOf(c, limitQuery).limit));
  });
  app.post('/calls/:id/frames', async (c) => c.json(await face.sample(c.get('actor'), sid(c.req.param('id')), await jsonBody(c, frameBody, FRAME_BODY_BYTES))));
  app.post('/calls/:id/stills', async (c) => c.json(await captureStill(deps, c.get('actor'), sid(c.req.param('id')), await jsonBody(c, stillBody, STILL_BODY_BYTES))));
  app.post('/calls/:id/questions/:qid', async (c) => c.json(await answerQuestion(deps, c.get('actor'), sid(c.req.param('id')), c.req.param('qid'), await jsonBody(c, answerBody))));
  app.put('/calls/:id/notes', async (c) => c.json(await saveNotes(deps, c.get('actor'), sid(c.req.param('id')), await jsonBody(c, notesBody))));
  app.post('/calls/:id/decision', async (c) => c.json(await decideCall(deps, desk, calls, review, c.get('actor'), sid(c.req.param('id')), await jsonBody(c, decisionBody))));
  app.post('/calls/:id/leave', async (c) => (await jsonBody(c, empty), c.json(await leaveCall(deps, desk, calls, c.get('actor'), sid(c.req.param('id'))))));
  return app;
}
