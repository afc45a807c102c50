import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { getProjectSettings, projectSettingsPatch, settingsView, updateProjectSettings } from '../../projects/settings.ts';
import type { Vars } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { ProjectSettings } from '../contract/project.ts';
import { jsonBody } from '../validate.ts';

export const projectSettingsDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/project/settings', tag: 'project', auth: 'apiKey', summary: "The API key's project settings (defaults filled in)", responses: { 200: ok(ProjectSettings, 'Settings') } },
  { method: 'patch', path: '/v1/project/settings', tag: 'project', auth: 'apiKey', summary: 'Change some settings; unknown keys and values are refused', body: projectSettingsPatch,
    fields: { non_english_phrase: 'es/fr/de/pt sessions without a transcriber: digits_spotting (six digits spotted with the English model), review (a human checks the phrase), none (no phrase)', risk_policy: 'Which risk flags decline and which send to review (docs/risk.md); null = the server default' },
    example: { non_english_phrase: 'review' },
    responses: { 200: ok(ProjectSettings, 'The settings after the change'), 422: fails('Unknown setting or value', 'validation_failed') } },
];

/** Mounted at /v1/project: settings of the project the API key belongs to. */
export function projectSettingsRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.get('/settings', async (c) => c.json(settingsView(await getProjectSettings(deps.db, c.get('principal').projectId))));
  app.patch('/settings', async (c) => {
    const patch = await jsonBody(c, projectSettingsPatch);
    return c.json(settingsView(await updateProjectSettings(deps.db, c.get('principal').projectId, patch)));
  });
  return app;
}
