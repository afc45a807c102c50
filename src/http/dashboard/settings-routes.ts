import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { createKeyBody, createProjectKey, listProjectKeys, revokeProjectKey } from '../../projects/project-keys.ts';
import { getProjectSettings, projectSettingsPatch, updateProjectSettings } from '../../projects/settings.ts';
import { createWebhook, createWebhookBody, deleteWebhook, listDeliveries, listWebhooks, resendDelivery } from '../../webhooks/endpoints.ts';
import { sendTestEvent } from '../../webhooks/test-send.ts';
import { jsonBody } from '../validate.ts';
import { requireRole, type DashVars } from './auth.ts';

// Admin settings of the current project (issue 15 item 6): the dashboard's own settings, API keys,
// webhook endpoints. Re-sending one delivery is also open to reviewers (from the evidence view).

/** The settings the dashboard edits; the others (risk policy, phrase policy) stay with /v1/project/settings and the CLI. */
const DASHBOARD_SETTINGS = ['four_eyes', 'four_eyes_risk_score', 'review_claim_minutes', 'retention_days', 'branding', 'face_match_threshold'] as const;
const dashboardSettingsPatch = projectSettingsPatch.pick({ four_eyes: true, four_eyes_risk_score: true, review_claim_minutes: true, retention_days: true, branding: true, face_match_threshold: true }).strict();

const view = (s: Awaited<ReturnType<typeof getProjectSettings>>) =>
  ({ object: 'project_settings' as const, ...Object.fromEntries(DASHBOARD_SETTINGS.map((k) => [k, s[k]])) });

/** Logo data URLs are up to ~270 KB of JSON: more than the default body limit. */
const SETTINGS_BODY_MAX = 320 * 1024;

export function dashboardSettingsRoutes(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  const admin = requireRole('admin');
  const pid = (c: { get(k: 'actor'): { projectId: string } }) => c.get('actor').projectId;
  app.get('/project/settings', admin, async (c) => c.json(view(await getProjectSettings(deps.db, pid(c)))));
  app.patch('/project/settings', admin, async (c) => c.json(view(await updateProjectSettings(deps.db, pid(c), await jsonBody(c, dashboardSettingsPatch, SETTINGS_BODY_MAX)))));

  app.get('/api-keys', admin, async (c) => c.json(await listProjectKeys(deps, c.get('actor'))));
  app.post('/api-keys', admin, async (c) => c.json(await createProjectKey(deps, c.get('actor'), await jsonBody(c, createKeyBody)), 201));
  app.delete('/api-keys/:id', admin, async (c) => c.json(await revokeProjectKey(deps, c.get('actor'), c.req.param('id'))));

  app.get('/webhooks', admin, async (c) => c.json(await listWebhooks(deps, pid(c))));
  app.post('/webhooks', admin, async (c) => c.json(await createWebhook(deps, pid(c), await jsonBody(c, createWebhookBody)), 201));
  app.delete('/webhooks/:id', admin, async (c) => c.json(await deleteWebhook(deps, pid(c), c.req.param('id'))));
  app.post('/webhooks/:id/test', admin, async (c) => c.json(await sendTestEvent(deps, pid(c), c.req.param('id')), 202));
  app.get('/webhooks/:id/deliveries', admin, async (c) => c.json(await listDeliveries(deps, pid(c), c.req.param('id'))));
  app.post('/deliveries/:id/resend', requireRole('admin', 'reviewer'), async (c) => c.json(await resendDelivery(deps, pid(c), c.req.param('id')), 202));
  return app;
}
