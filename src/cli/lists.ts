import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GLOBAL, IP_LISTS, importIpList, parseIpListFile, type IpListName } from '../risk/ip-lists.ts';
import type { Command } from './command.ts';
import { openDb } from './runtime.ts';

const USAGE = `usage: vkyc lists import|refresh --file PATH [--list ${IP_LISTS.join('|')}] [--project NAME]`;

/**
 * `vkyc lists import --list tor --file exits.txt [--project NAME]`: adds the file's addresses;
 * `refresh`: replaces the named lists' entries with the file's (run it from cron with a fresh file).
 * Without --project the entries apply to every project. Prints the entry count per list (JSON).
 */
export const listsCommand: Command = {
  name: 'lists',
  usage: 'lists import|refresh --file PATH [--list L] [--project NAME]',
  help: 'import or refresh risk IP lists (tor, vpn, proxy, recent_fraud)',
  async run(args, config) {
    const [sub, ...rest] = args;
    const { values } = parseArgs({ args: rest, options: { file: { type: 'string' }, list: { type: 'string' }, project: { type: 'string' } } });
    if ((sub !== 'import' && sub !== 'refresh') || !values.file) throw new Error(USAGE);
    if (values.list !== undefined && !(IP_LISTS as readonly string[]).includes(values.list)) throw new Error(`--list must be one of ${IP_LISTS.join(', ')}`);
    const entries = parseIpListFile(await readFile(values.file, 'utf8'), (values.list as IpListName | undefined) ?? null);
    const h = await openDb(config);
    try {
      let projectId = GLOBAL;
      if (values.project) {
        const p = await h.db.selectFrom('projects').select('id').where('name', '=', values.project).executeTakeFirst();
        if (!p) throw new Error(`no project named ${values.project}`);
        projectId = p.id;
      }
      const counts = await importIpList(h.db, projectId, entries, { replace: sub === 'refresh', source: values.file, now: new Date() });
      process.stdout.write(`${JSON.stringify({ project: values.project ?? GLOBAL, read: entries.length, lists: counts })}\n`);
    } finally {
      await h.close();
    }
  },
};
