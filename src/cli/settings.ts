import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { openDb } from './runtime.ts';

/**
 * `vkyc settings --project NAME [--non-english-phrase digits_spotting|review|none]`: prints the
 * project's settings as JSON, after changing the given ones (same validation as PATCH /v1/project/settings).
 */
export const settingsCommand: Command = {
  name: 'settings',
  usage: 'settings --project NAME [--non-english-phrase P]',
  help: 'show or change project settings (JSON)',
  async run(args, config) {
    const { values } = parseArgs({ args, options: { project: { type: 'string' }, 'non-english-phrase': { type: 'string' } } });
    if (!values.project) throw new Error('usage: vkyc settings --project NAME [--non-english-phrase digits_spotting|review|none]');
    const { getProjectSettings, projectSettingsPatch, settingsView, updateProjectSettings } = await import('../projects/settings.ts');
    const patch = projectSettingsPatch.safeParse(values['non-english-phrase'] === undefined ? {} : { non_english_phrase: values['non-english-phrase'] });
    if (!patch.success) throw new Error(`invalid setting: ${patch.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const h = await openDb(config);
    try {
      const project = await h.db.selectFrom('projects').select('id').where('name', '=', values.project).executeTakeFirst();
      if (!project) throw new Error(`no project named ${values.project} (create one with: vkyc keys create --project NAME)`);
      const s = Object.keys(patch.data).length ? await updateProjectSettings(h.db, project.id, patch.data) : await getProjectSettings(h.db, project.id);
      process.stdout.write(`${JSON.stringify(settingsView(s))}\n`);
    } finally {
      await h.close();
    }
  },
};
