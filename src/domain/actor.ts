// Who acts on a session. Always derived from authentication (an API key, a signed-in dashboard
// user, a capture token, or the server itself), never from a request body: audit records,
// `reviewed_by` and the webhook's `agent_id` are only as trustworthy as this value.

export const USER_ROLES = ['admin', 'reviewer', 'agent', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export type ActorKind = 'api_key' | 'user' | 'capture' | 'system';

export interface Actor {
  kind: ActorKind;
  /** api key id, user id, session id (capture), or the system component name ('pipeline', 'sweeper', …). */
  id: string;
  projectId: string;
  /** Dashboard roles for `user`; empty for the other kinds (their rights follow from the kind). */
  roles: readonly UserRole[];
  /**
   * A display name. For `user` it is the account's name. For `api_key` it is what the integrator
   * passed (e.g. a reviewer name in a review body) and is integrator-supplied, not verified.
   */
  name?: string;
}

export const systemActor = (projectId: string, component: string): Actor => ({ kind: 'system', id: component, projectId, roles: [] });

export const captureActor = (projectId: string, sessionId: string): Actor => ({ kind: 'capture', id: sessionId, projectId, roles: [] });

export const apiKeyActor = (projectId: string, keyId: string, name?: string): Actor => ({ kind: 'api_key', id: keyId, projectId, roles: [], ...(name ? { name } : {}) });

export const hasRole = (a: Actor, ...roles: UserRole[]) => a.kind === 'user' && a.roles.some((r) => roles.includes(r));
