import { parseArgs } from 'node:util';
import { resetUserPassword } from '../accounts/manage-users.ts';
import { revokeUserSessions } from '../accounts/login-sessions.ts';
import { clearFailures } from '../accounts/throttle.ts';
import { createUser, findUserByLogin, grantRole, listAllUsers, roleSchema } from '../accounts/users.ts';
import { iso, systemClock } from '../domain/time.ts';
import type { Command } from './command.ts';
import { serverSecret, openDb } from './runtime.ts';

const USAGE = `usage: vkyc users create --project NAME --role admin|reviewer|agent|auditor --login LOGIN [--name "Display Name"]
       vkyc users list
       vkyc users disable LOGIN | enable LOGIN
       vkyc users reset-password LOGIN
       vkyc users unlock LOGIN`;

/**
 * Dashboard accounts for the operator (full power over every project, unlike a project admin in
 * the dashboard). One-time passwords go to stdout, alone on their line, so a script can take them;
 * what they are goes to stderr. They are never logged.
 */
export const usersCommand: Command = {
  name: 'users',
  usage: 'users create|list|disable|reset-password …',
  help: 'dashboard accounts (one-time passwords on stdout)',
  async run(args, config) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { project: { type: 'string' }, role: { type: 'string' }, login: { type: 'string' }, name: { type: 'string' } } });
    const h = await openDb(config, { secret: await serverSecret(config) });
    const out = (s: string) => process.stdout.write(`${s}\n`);
    const note = (s: string) => process.stderr.write(`${s}\n`);
    const byLogin = async (login: string | undefined) => {
      if (!login) throw new Error(USAGE);
      const u = await findUserByLogin(h.db, login);
      if (!u) throw new Error(`no user with the login ${login}`);
      return u;
    };
    try {
      switch (sub) {
        case 'create': {
          const role = roleSchema.safeParse(values.role);
          if (!values.project || !values.login || !role.success) throw new Error(USAGE);
          const project = await h.db.selectFrom('projects').select(['id', 'name']).where('name', '=', values.project).executeTakeFirst();
          if (!project) throw new Error(`no project named ${values.project} (create one with: vkyc keys create --project NAME)`);
          const existing = await findUserByLogin(h.db, values.login);
          if (existing) {
            // One person, several projects: the same account gets a role here; its password is unchanged.
            await grantRole(h.db, systemClock, existing.id, project.id, role.data);
            note(`${existing.login} now has the role ${role.data} in ${project.name} (existing account: password unchanged)`);
            return;
          }
          const { user, password } = await createUser(h.db, systemClock, { login: values.login, displayName: values.name });
          await grantRole(h.db, systemClock, user.id, project.id, role.data);
          out(password);
          note(`user ${user.login} (${user.id}), ${role.data} in ${project.name}; one-time password above — shown once, to be changed at first sign-in`);
          return;
        }
        case 'list': {
          for (const { user, projects } of await listAllUsers(h.db)) {
            out(JSON.stringify({ login: user.login, id: user.id, name: user.display_name, disabled: user.disabled_at !== null, totp: user.totp_secret !== null, last_login_at: user.last_login_at, projects: projects.map((p) => ({ project: p.name, roles: p.roles })) }));
          }
          return;
        }
        case 'disable':
        case 'enable': {
          const u = await byLogin(positionals[0]);
          await h.db.updateTable('users').set({ disabled_at: sub === 'disable' ? (u.disabled_at ?? iso(new Date())) : null }).where('id', '=', u.id).execute();
          if (sub === 'disable') await revokeUserSessions(h.db, u.id);
          note(`${u.login} ${sub}d${sub === 'disable' ? '; its dashboard sessions ended' : ''}`);
          return;
        }
        case 'reset-password': {
          const u = await byLogin(positionals[0]);
          const { password } = await resetUserPassword(h.db, u.id);
          out(password);
          note(`new one-time password for ${u.login} above; its sessions ended and any lockout is lifted`);
          return;
        }
        case 'unlock': {
          const u = await byLogin(positionals[0]);
          await clearFailures(h.db, u.login);
          note(`${u.login} unlocked`);
          return;
        }
        default:
          throw new Error(USAGE);
      }
    } finally {
      await h.close();
    }
  },
};
