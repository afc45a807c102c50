import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { getProjectSettings, projectSettingsPatch, settingsView, updateProjectSettings } from '../../projects/settings.ts';
import type { Vars } from '../auth.ts';
import type { RouteDoc } from '../openapi.ts';
import { jsonBody } from '../validate.ts';

export const projectSettingsDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/project/settings', tag: 'project', auth: 'apiKey', summary: "The API key's project settings (defaults filled in)", responses: { 200: 'settings' } },
  { method: 'patch', path: '/v1/project/settings', tag: 'project', auth: 'apiKey', summary: 'Change some settings; unknown keys and values are refused', body: projectSettingsPatch,
    responses: { 200: 'the settings after the change', 422: 'unknown setting or value' } },
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
