import { systemActor } from '../domain/actor.ts';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config/config.ts';
import { createLogger } from '../log.ts';
import type { Runtime } from '../main.ts';
import type { listSessionsQuery } from '../sessions/schemas.ts';
import type { Command } from './command.ts';
import { buildRuntime } from './runtime.ts';

const USAGE = `usage: vkyc sessions get ID --project NAME
       vkyc sessions list --project NAME [--status S] [--result R] [--external-id X] [--limit N] [--cursor C]
       vkyc sessions erase ID --project NAME --yes`;

/** The audit trail's actor for what an operator does from the command line. */

/**
 * `vkyc sessions get|list|erase`: the API's answers (same JSON as GET /v1/sessions/{id}, GET
 * /v1/sessions, DELETE /v1/sessions/{id}) for an operator on the server, without an API key.
 * Erase is irreversible, so it needs --yes.
 */
export const sessionsCommand: Command = {
  name: 'sessions',
  usage: 'sessions get|list|erase …',
  help: 'show, list or erase sessions of a project (JSON; vkyc sessions for details)',
  async run(args, config) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest, allowPositionals: true,
      options: { project: { type: 'string' }, status: { type: 'string' }, result: { type: 'string' }, 'external-id': { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' }, yes: { type: 'boolean', default: false } },
    });
    if (!values.project || !['get', 'list', 'erase'].includes(sub ?? '')) throw new Error(USAGE);
    const id = positionals[0];
    if (sub !== 'list' && (!id || positionals.length > 1)) throw new Error(USAGE);
    if (sub === 'erase' && !values.yes) throw new Error(`erasing ${id} deletes its media and results for good; add --yes to confirm`);
    // The query goes through the API's own schema: same limits, same messages.
    const query = sub === 'list' ? await parseQuery({ status: values.status, result: values.result, external_id: values['external-id'], limit: values.limit, cursor: values.cursor }) : null;
    // The full runtime (models stay unloaded): views sign media URLs and erase reaches blobs and the face index.
    const rt = await buildRuntime(config, { log: createLogger(config.LOG_LEVEL === 'debug' ? 'debug' : 'warn') });
    try {
      const projectId = await projectIdOf(rt, values.project);
      // The use cases load with the runtime, not with the CLI (they pull in the blob and face-index code).
      const [{ eraseSession }, { getSession }, { listSessions }] = await Promise.all([
        import('../sessions/erase-session.ts'), import('../sessions/get-session.ts'), import('../sessions/list-sessions.ts'),
      ]);
      const out = sub === 'get' ? await getSession(rt.deps, projectId, id!)
        : sub === 'erase' ? await eraseSession(rt.deps, projectId, id!, systemActor(projectId, 'cli'))
          : await listSessions(rt.deps, projectId, query!);
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } finally {
      await rt.close();
    }
  },
};

async function parseQuery(raw: Record<string, string | undefined>) {
  const { listSessionsQuery } = await import('../sessions/schemas.ts');
  const r = listSessionsQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!r.success) throw new Error(`invalid option: ${r.error.issues.map((i) => `--${String(i.path[0] ?? '').replace('_', '-')}: ${i.message}`).join('; ')}`);
  return r.data satisfies z.infer<typeof listSessionsQuery>;
}

async function projectIdOf(rt: Runtime, name: string): Promise<string> {
  const p = await rt.deps.db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirst();
  if (!p) throw new Error(`no project named ${name} (see: vkyc keys list)`);
  return p.id;
}
