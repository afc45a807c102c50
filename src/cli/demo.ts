import type { Deps } from '../deps.ts';
import { countProjects, createKey } from '../projects/keys.ts';
import { createSession } from '../sessions/create-session.ts';
import { toRecord } from '../sessions/rows.ts';
import { captureUrl } from '../sessions/views.ts';

const DEMO_PROJECT = 'demo';
const DEMO_EXTERNAL_ID = 'demo';

interface Demo {
  project: string;
  /** Only on the first start (an empty database): the key is shown once. */
  key: string | null;
  /** The demo session's capture link while it still accepts capture. */
  captureUrl: string | null;
}

/**
 * The demo project, key and session are created once per database, on the first start (no project
 * yet). Later starts show the same session's link while it is open and create nothing: each start
 * used to add another demo session.
 */
export async function demoOnStart(deps: Deps): Promise<Demo> {
  if ((await countProjects(deps)) === 0) {
    const { key, project } = await createKey(deps, DEMO_PROJECT, 'test');
    const s = await createSession(deps, project.id, {
      profile: { steps: ['document', 'selfie', 'video'], video_mode: 'self_record', video_max_duration: 30, video_language: 'en', document_back: false, accessible: false },
      expires_in: 86400,
      external_id: DEMO_EXTERNAL_ID,
    });
    return { project: DEMO_PROJECT, key, captureUrl: s.capture_url };
  }
  const row = await deps.db
    .selectFrom('sessions')
    .innerJoin('projects', 'projects.id', 'sessions.project_id')
    .selectAll('sessions')
    .where('projects.name', '=', DEMO_PROJECT)
    .where('sessions.external_id', '=', DEMO_EXTERNAL_ID)
    .orderBy('sessions.created_at', 'asc')
    .executeTakeFirst();
  const s = row ? toRecord(row) : null;
  const open = s && (s.status === 'pending' || s.status === 'in_progress') && new Date(s.expires_at) > deps.clock.now();
  return { project: DEMO_PROJECT, key: null, captureUrl: open ? captureUrl(deps, s) : null };
}
