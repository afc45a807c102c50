import { type Actor, hasRole } from '../domain/actor.ts';
import type { ReviewedBy, SessionRecord } from './rows.ts';

// Who may do what to a session. The actor comes from authentication (domain/actor.ts); these rules
// are about the session only (route-level access — which key reaches which route — stays in http/).

/**
 * - integrate: create, cancel (the integrator's API key; a dashboard admin; the server's own callers: CLI demo, retention)
 * - capture:   uploads, device info, phrase attempts, submit, the agent queue (the session's own capture token; an API key, for the compat APIs that upload by key)
 * - liveness:  a liveness check on the session (capture token, API key, the server)
 * - agent:     live calls and the agent's decision (API key; users with the agent or admin role)
 * - review:    claim, release, decide a processed session (API key; users with the reviewer or admin role)
 * - system:    the pipeline, the sweeps (the server only)
 * - erase:     API key, admin, the retention job
 */
export type Right = 'integrate' | 'capture' | 'liveness' | 'agent' | 'review' | 'system' | 'erase';

export function mayAct(actor: Actor, right: Right, s: Pick<SessionRecord, 'id' | 'project_id'>): boolean {
  // Defence in depth: a route already scoped the session to the caller's project.
  if (actor.projectId !== s.project_id) return false;
  switch (right) {
    case 'integrate': return actor.kind === 'api_key' || actor.kind === 'system' || hasRole(actor, 'admin');
    case 'capture': return (actor.kind === 'capture' && actor.id === s.id) || actor.kind === 'api_key';
    case 'liveness': return (actor.kind === 'capture' && actor.id === s.id) || actor.kind === 'api_key' || actor.kind === 'system';
    // system: the server ends calls it finds cut by a restart (the agent is gone by then).
    case 'agent': return actor.kind === 'api_key' || actor.kind === 'system' || hasRole(actor, 'agent', 'admin');
    case 'review': return actor.kind === 'api_key' || hasRole(actor, 'reviewer', 'admin');
    case 'system': return actor.kind === 'system';
    case 'erase': return actor.kind === 'api_key' || actor.kind === 'system' || hasRole(actor, 'admin');
  }
}

/**
 * The stored reference to an actor. An API key's name is whatever the integrator sent with the
 * request (e.g. `reviewer` in a review body): kept, but marked as integrator-supplied.
 */
export function actorRef(a: Actor): ReviewedBy {
  const source = a.kind === 'api_key' ? 'integrator' : a.kind === 'user' ? 'account' : undefined;
  return { kind: a.kind, id: a.id, ...(a.name ? { name: a.name } : {}), ...(a.name && source ? { name_source: source } : {}) };
}

/**
 * The seed's `agent_id` / a decision's `decided_by`: the name an integrator gave its reviewer (what
 * that field always carried for API-key reviews), else the authenticated id.
 */
export const agentLabel = (a: Actor) => (a.kind === 'api_key' && a.name ? a.name : a.id);

/** The audit log's `actor` column: the authenticated id (key id, user id, session id, or component). */
export const auditActor = (a: Actor) => a.id;
