import { Hono } from 'hono';
import type { Actor } from '../../domain/actor.ts';
import type { Deps } from '../../deps.ts';
import { getProjectSettings } from '../../projects/settings.ts';
import { decideSession, decisionBody, reviewReasons, secondApproval, secondApprovalBody } from '../../review/decide-session.ts';
import { sessionEvidence } from '../../review/evidence.ts';
import { sessionFacets } from '../../review/facets.ts';
import { projectStats, statsQuery } from '../../review/stats.ts';
import { dashListQuery, facetsQuery, queueQuery } from '../../review/list-query.ts';
import { listDashboardSessions, reviewQueue } from '../../review/list-sessions.ts';
import { claimReview, releaseReview } from '../../sessions/review-session.ts';
import { z } from 'zod';
import { jsonBody, queryOf } from '../validate.ts';
import { requireRole, type DashVars } from './auth.ts';

// The review dashboard's queue, list, claims and decisions (docs/dashboard-api.md). The project is
// the login session's and the actor the signed-in user: nothing in a body or query names either.

const claimBody = z.strictObject({ ttl_seconds: z.number().int().min(60).max(4 * 3600).optional() });

type C = { get(k: 'actor'): Actor };

export function dashboardReviewRoutes(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  const reviewers = requireRole('admin', 'reviewer');
  app.get('/sessions', async (c) => c.json(await listDashboardSessions(deps, c.get('actor'), queryOf(c, dashListQuery))));
  app.get('/sessions/facets', async (c) => c.json(await sessionFacets(deps, c.get('actor'), queryOf(c, facetsQuery))));
  app.get('/queue', requireRole('admin', 'reviewer', 'auditor'), async (c) => c.json(await reviewQueue(deps, c.get('actor'), queryOf(c, queueQuery))));
  app.get('/sessions/:id/evidence', async (c) => c.json(await sessionEvidence(deps, c.get('actor'), c.req.param('id'))));
  app.get('/stats', requireRole('admin', 'reviewer', 'auditor'), async (c) => c.json(await projectStats(deps, c.get('actor'), queryOf(c, statsQuery))));
  app.get('/review-reasons', (c) => c.json(reviewReasons()));
  app.post('/sessions/:id/claim', reviewers, async (c) => {
    const body = await jsonBody(c, claimBody);
    const ttl = body.ttl_seconds ?? (await getProjectSettings(deps.db, pid(c))).review_claim_minutes * 60;
    return c.json(await claimReview(deps, pid(c), c.req.param('id'), ttl, c.get('actor')));
  });
  app.post('/sessions/:id/release', reviewers, async (c) => c.json(await releaseReview(deps, pid(c), c.req.param('id'), c.get('actor'))));
  app.post('/sessions/:id/decision', reviewers, async (c) => c.json(await decideSession(deps, c.get('actor'), c.req.param('id'), await jsonBody(c, decisionBody))));
  // Four-eyes: an auditor may be the second pair of eyes (issue 16's concurrent audit); the aggregate refuses the first reviewer.
  app.post('/sessions/:id/second-approval', requireRole('admin', 'reviewer', 'auditor'), async (c) => c.json(await secondApproval(deps, c.get('actor'), c.req.param('id'), await jsonBody(c, secondApprovalBody))));
  return app;
}

const pid = (c: C) => c.get('actor').projectId;
