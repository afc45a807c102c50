import { href } from '../router.ts';
import type { Me } from '../types.ts';
import { ApiKeys } from './api-keys.tsx';
import { ProjectSettings } from './project.tsx';
import { Users } from './users.tsx';
import { Webhooks } from './webhooks.tsx';

// Settings (admin only; the server enforces it, the nav only hides the link): users and roles,
// API keys, webhook endpoints, and the project's review and capture settings.

const TABS: Array<[string, string]> = [['users', 'Users & roles'], ['api-keys', 'API keys'], ['webhooks', 'Webhooks'], ['project', 'Project']];

export function Settings({ tab, me }: { tab: string; me: Me }) {
  return (
    <section aria-labelledby="settings-title">
      <div class="page-head">
        <h2 id="settings-title" tabIndex={-1}>Settings</h2>
        <nav aria-label="Settings sections" class="tabs">
          {TABS.map(([id, text]) => <a key={id} href={href(`settings/${id}`)} aria-current={tab === id ? 'page' : undefined}>{text}</a>)}
        </nav>
      </div>
      {tab === 'users' && <Users me={me} />}
      {tab === 'api-keys' && <ApiKeys />}
      {tab === 'webhooks' && <Webhooks />}
      {tab === 'project' && <ProjectSettings />}
    </section>
  );
}
