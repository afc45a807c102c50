import { Hono } from 'hono';
import { z } from 'zod';
import type { Actor } from '../../domain/actor.ts';
import type { Deps } from '../../deps.ts';
import { getSession, getVideo } from '../../sessions/get-session.ts';
import { auditTrail, reviewSession } from '../../sessions/review-session.ts';
import { jsonBody } from '../validate.ts';
import { requireRole, type DashVars } from './auth.ts';

/** The dashboard's decision: no reviewer field — who decides is the signed-in user. */
export const dashboardReviewBody = z.strictObject({
  result: z.enum(['approved', 'declined']),
  notes: z.string().max(5000).optional(),
  reasons: z.array(z.string().min(1).max(100)).max(20).optional(),
});

/**
 * The one place a dashboard user's decision reaches the session aggregate, with the Actor from the
 * cookie: the user is the reviewer (reviewed_by, the audit actor, decided_by and the webhook's
 * agent_id); nothing in the body names who decided.
 */
export function reviewAsUser(deps: Deps, actor: Actor, sessionId: string, body: z.infer<typeof dashboardReviewBody>) {
  return reviewSession(deps, actor.projectId, sessionId, { ...body, reviewer: actor.name ?? actor.id }, actor);
}

/**
 * Sessions of the current project for the dashboard: the same use cases as /v1/sessions, scoped
 * by the Actor's project. Every role reads; deciding needs reviewer or admin (an auditor only
 * reads; an agent decides live sessions from the live-agent flow, not from here).
 */
export function dashboardSessionRoutes(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  const pid = (c: { get(k: 'actor'): Actor }) => c.get('actor').projectId;
  app.get('/:id', async (c) => c.json(await getSession(deps, pid(c), c.req.param('id'))));
  app.get('/:id/video', async (c) => c.json(await getVideo(deps, pid(c), c.req.param('id'))));
  app.get('/:id/audit', async (c) => c.json(await auditTrail(deps, pid(c), c.req.param('id'))));
  app.post('/:id/review', requireRole('admin', 'reviewer'), async (c) => c.json(await reviewAsUser(deps, c.get('actor'), c.req.param('id'), await jsonBody(c, dashboardReviewBody))));
  return app;
}
