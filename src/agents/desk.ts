import type { Actor } from '../domain/actor.ts';
import { captureActor, systemActor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { rolesIn } from '../accounts/users.ts';
import type { CallHooks } from '../calls/call-service.ts';
import type { QueueMessage } from '../calls/messages.ts';
import type { CallDesk } from '../calls/signalling.ts';
import { requestCallback } from './callbacks.ts';
import { saveLocation } from './workspace.ts';
import type { CallResult } from '../calls/call.ts';
import { getProjectSettings } from '../projects/settings.ts';
import { loadSession } from '../sessions/rows.ts';
import { execute, recordCallEnded } from '../sessions/store.ts';
import { logActivity } from './activity.ts';
import { isOpen, nextOpening } from './hours.ts';
import { type AgentChoice, assign, assignmentOf, callOf, dequeue, enqueue, markIdle, meanCallSeconds, patchCall, presenceOf, queueOf, queueRow, type QueueRow, setPresence } from './pool-store.ts';

// The live-agent desk: who waits, which agent takes whom, and what a call's end means for the
// session. Sockets come and go through `user…`/`console…`; queue and presence live in the database
// (pool-store.ts) so a restart keeps the order; offers, open sockets and timers are this process's
// (calls cannot move between processes either: docs/live-calls.md, call affinity).

/** A socket the desk pushes to. */
export interface Link { send(m: Record<string, unknown>): void; close?(code: number, reason: string): void }

export interface ConsoleLink extends Link { actor: Actor }

interface Offer { agentId: string; expiresAt: Date; timer: NodeJS.Timeout }

type Ended = Parameters<NonNullable<CallHooks['onCallEnded']>>[1];

/** Reasons a call ends with which the user stays with us and goes back to the queue. */
const REQUEUE = new Set(['agent_hung_up', 'agent_did_not_return', 'agent_left', 'server_stopping']);

/** How often waiting users' timeouts are checked: the queue timeout is minutes, a second is plenty. */
const TICK_MS = 1000;

export interface CallControl {
  end(sessionId: string, reason: string): Promise<CallResult> | null;
  isLive(sessionId: string): boolean;
}

export class AgentDesk implements CallDesk {
  private readonly users = new Map<string, { projectId: string; link: Link; ip: string | null }>();
  private readonly consoles = new Map<string, Set<ConsoleLink>>();
  private readonly offers = new Map<string, Offer>();
  private readonly declined = new Map<string, Set<string>>();
  private readonly told = new Map<string, string>();
  private readonly ending = new Map<string, Promise<void>>();
  /** Sessions whose call the agent is ending to decide: their end is final, not a requeue. */
  readonly deciding = new Set<string>();
  private calls: CallControl | null = null;
  private readonly tick: NodeJS.Timeout;

  constructor(private readonly deps: Deps) {
    this.tick = setInterval(() => {
      for (const projectId of this.projects()) void this.refresh(projectId);
    }, TICK_MS);
    this.tick.unref();
  }

  attach(calls: CallControl) {
    this.calls = calls;
  }

  /** Server stopping, after the calls ended: waits for their ends to be recorded, then goes quiet. */
  async stop() {
    clearInterval(this.tick);
    for (const o of this.offers.values()) clearTimeout(o.timer);
    await Promise.all([...this.ending.values()]);
    await Promise.all([...this.refreshing.values()]);
    this.stopped = true;
  }

  private stopped = false;

  private now = () => this.deps.clock.now();

  private projects() {
    return new Set([...[...this.users.values()].map((u) => u.projectId), ...this.consoles.keys()]);
  }

  // ── the user's side ────────────────────────────────────────────────────────────────────────────

  /** The user's socket joined. A session waiting for an agent is (still) in the queue: a reconnect keeps its place. */
  async userJoined(projectId: string, sessionId: string, link: Link, ip: string | null): Promise<void> {
    const s = await loadSession(this.deps.db, projectId, sessionId);
    this.users.set(sessionId, { projectId, link, ip });
    if (s.state === 'awaiting_agent') {
      const raw = (s.metadata as Record<string, unknown> | null)?.queue_priority;
      const priority = Number.isInteger(raw) && (raw as number) >= 0 && (raw as number) <= 10 ? (raw as number) : 0;
      if (!(await queueRow(this.deps.db, projectId, sessionId))) await enqueue(this.deps.db, projectId, sessionId, priority, this.now());
      if (ip) await this.rememberIp(projectId, sessionId, ip);
    }
    await this.refresh(projectId);
  }

  userDropped(sessionId: string, link: Link): void {
    const u = this.users.get(sessionId);
    if (u?.link !== link) return;
    this.users.delete(sessionId);
    this.withdrawOffer(sessionId, 'user_left');
    void this.refresh(u.projectId);
  }

  private async rememberIp(projectId: string, sessionId: string, ip: string) {
    const loc = ((await callOf(this.deps.db, projectId, sessionId))?.location ?? {}) as Record<string, unknown>;
    await patchCall(this.deps.db, projectId, sessionId, { location: { ...loc, ip_address: ip } }, this.now());
  }

  /** What the user's page says while queued: location, callback request, leave, the self-record fallback. */
  async userMessage(projectId: string, sessionId: string, m: QueueMessage, link: Link): Promise<void> {
    switch (m.type) {
      case 'location':
        await saveLocation(this.deps, projectId, sessionId, m);
        return link.send({ type: 'location_saved' });
      case 'callback':
        return link.send({ type: 'callback_saved', id: await requestCallback(this.deps, projectId, sessionId, m) });
      case 'fallback':
        return this.chooseSelfRecord(projectId, sessionId, link);
      case 'leave_queue':
        await this.leaveQueue(projectId, sessionId);
        return link.close?.(1000, 'left the queue');
    }
  }

  /** The user gives up waiting: back to capture. */
  async leaveQueue(projectId: string, sessionId: string): Promise<void> {
    await execute(this.deps, { projectId, sessionId }, { type: 'queue_left' }, captureActor(projectId, sessionId));
    await this.removeUser(projectId, sessionId, 'user_left');
  }

  private async removeUser(projectId: string, sessionId: string, reason: string) {
    await dequeue(this.deps.db, projectId, sessionId);
    this.withdrawOffer(sessionId, reason);
    this.told.delete(sessionId);
    await this.calls?.end(sessionId, reason);
    await this.refresh(projectId);
  }

  // ── the agents' side ───────────────────────────────────────────────────────────────────────────

  consoleOpened(link: ConsoleLink): () => void {
    const set = this.consoles.get(link.actor.projectId) ?? new Set();
    set.add(link);
    this.consoles.set(link.actor.projectId, set);
    void this.refresh(link.actor.projectId);
    return () => {
      set.delete(link);
      if (!set.size) this.consoles.delete(link.actor.projectId);
      // An offer to an agent who closed the console goes to the next one at once.
      for (const [sid, o] of this.offers) if (o.agentId === link.actor.id && !this.isOnline(link.actor.projectId, o.agentId)) this.expireOffer(link.actor.projectId, sid, 'agent_left');
      void this.refresh(link.actor.projectId);
    };
  }

  private isOnline(projectId: string, userId: string) {
    return [...(this.consoles.get(projectId) ?? [])].some((c) => c.actor.id === userId);
  }

  /** The agent takes the head of the queue (users whose socket is open first: they can be called now). */
  async next(actor: Actor): Promise<{ session_id: string }> {
    const { db } = this.deps;
    if (await assignmentOf(db, actor.projectId, actor.id)) throw new AppError('agent_busy', 'you already have a call; finish it first');
    const rows = (await queueOf(db, actor.projectId)).filter((r) => !r.agent_id && (!this.offers.has(r.session_id) || this.offers.get(r.session_id)!.agentId === actor.id));
    const ordered = [...rows.filter((r) => this.users.has(r.session_id)), ...rows.filter((r) => !this.users.has(r.session_id))];
    for (const r of ordered) if (await this.take(actor, r.session_id)) return { session_id: r.session_id };
    throw new AppError('queue_empty', 'nobody is waiting');
  }

  async accept(actor: Actor, sessionId: string): Promise<{ session_id: string }> {
    const o = this.offers.get(sessionId);
    if (!o || o.agentId !== actor.id || (await queueRow(this.deps.db, actor.projectId, sessionId))?.project_id !== actor.projectId) {
      throw new AppError('offer_not_found', 'this offer expired or went to another agent');
    }
    if (await assignmentOf(this.deps.db, actor.projectId, actor.id)) throw new AppError('agent_busy', 'you already have a call; finish it first');
    if (!(await this.take(actor, sessionId))) throw new AppError('offer_not_found', 'another agent took this user');
    return { session_id: sessionId };
  }

  async decline(actor: Actor, sessionId: string): Promise<{ declined: true }> {
    const o = this.offers.get(sessionId);
    if (!o || o.agentId !== actor.id) throw new AppError('offer_not_found', 'this offer expired or went to another agent');
    this.expireOffer(actor.projectId, sessionId, 'declined');
    await logActivity(this.deps.db, this.now(), { projectId: actor.projectId, userId: actor.id, sessionId, action: 'call.offer_declined' });
    return { declined: true };
  }

  private async take(actor: Actor, sessionId: string): Promise<boolean> {
    const now = this.now();
    if (!(await assign(this.deps.db, actor.projectId, sessionId, actor.id, now))) return false;
    this.withdrawOffer(sessionId, 'taken', actor.id);
    this.told.delete(sessionId);
    const current = await callOf(this.deps.db, actor.projectId, sessionId);
    const settings = await getProjectSettings(this.deps.db, actor.projectId);
    // Questions are drawn once per session: a requeued user meets the same script, answers kept.
    const questions = current?.questions ?? drawQuestions(settings.agent_questions, settings.agent_questions_per_call).map((q) => ({ ...q, answer: null, note: null, answered_at: null }));
    await patchCall(this.deps.db, actor.projectId, sessionId, { agent_id: actor.id, questions }, now);
    await logActivity(this.deps.db, now, { projectId: actor.projectId, userId: actor.id, sessionId, action: 'call.accepted' });
    this.users.get(sessionId)?.link.send({ type: 'assigned', agent_name: actor.name ?? null });
    await this.refresh(actor.projectId);
    return true;
  }

  /** The agent chooses available or away; busy follows from holding a call. */
  async setStatus(actor: Actor, status: AgentChoice): Promise<{ status: string }> {
    const now = this.now();
    const current = (await presenceOf(this.deps.db, actor.projectId)).find((p) => p.user_id === actor.id);
    // Idle since the agent became available (or since their last call, markIdle): the offer order.
    const idleSince = status === 'available' ? (current?.status === 'available' ? current.idle_since : now.toISOString()) : null;
    await setPresence(this.deps.db, actor.projectId, actor.id, status, now, idleSince);
    if (current?.status !== status) await logActivity(this.deps.db, now, { projectId: actor.projectId, userId: actor.id, sessionId: null, action: `status.${status}` });
    // An agent going away loses their pending offer to the next agent.
    if (status === 'away') for (const [sid, o] of this.offers) if (o.agentId === actor.id) this.expireOffer(actor.projectId, sid, 'agent_away');
    await this.refresh(actor.projectId);
    const busy = await assignmentOf(this.deps.db, actor.projectId, actor.id);
    return { status: busy ? 'busy' : status };
  }

  /** An agent lets go of a user whose call is not live (never connected): back to the queue. */
  async release(projectId: string, sessionId: string, agentId: string): Promise<void> {
    const row = await queueRow(this.deps.db, projectId, sessionId);
    if (row?.agent_id !== agentId) return;
    const now = this.now();
    await enqueue(this.deps.db, projectId, sessionId, row.priority, now);
    await markIdle(this.deps.db, projectId, agentId, now);
    await logActivity(this.deps.db, now, { projectId, userId: agentId, sessionId, action: 'call.left', details: { reason: 'agent_left' } });
    await this.refresh(projectId);
  }

  /** The agent socket may join a session's call only when that agent holds it. */
  async authorizeAgent(projectId: string, sessionId: string, userId: string): Promise<void> {
    const row = await queueRow(this.deps.db, projectId, sessionId);
    if (row?.agent_id !== userId) throw new AppError('call_not_assigned', 'take this user from the queue first (next, or accept the offer)');
  }

  /** The assigned agent (as an Actor with their current roles), for commands on the session. */
  async agentOf(projectId: string, sessionId: string): Promise<Actor | null> {
    const row = await queueRow(this.deps.db, projectId, sessionId);
    if (!row?.agent_id) return null;
    const u = await this.deps.db.selectFrom('users').select(['id', 'display_name']).where('id', '=', row.agent_id).executeTakeFirst();
    return u ? { kind: 'user', id: u.id, projectId, roles: await rolesIn(this.deps.db, u.id, projectId), name: u.display_name } : null;
  }

  // ── offers ─────────────────────────────────────────────────────────────────────────────────────

  private withdrawOffer(sessionId: string, reason: string, except?: string) {
    const o = this.offers.get(sessionId);
    if (!o) return;
    clearTimeout(o.timer);
    this.offers.delete(sessionId);
    if (o.agentId !== except) this.sendTo(o.agentId, { type: 'offer_withdrawn', session_id: sessionId, reason });
  }

  private expireOffer(projectId: string, sessionId: string, reason: string) {
    const o = this.offers.get(sessionId);
    if (!o) return;
    const declined = this.declined.get(sessionId) ?? new Set();
    declined.add(o.agentId);
    this.declined.set(sessionId, declined);
    this.withdrawOffer(sessionId, reason);
    if (reason === 'timeout') void logActivity(this.deps.db, this.now(), { projectId, userId: o.agentId, sessionId, action: 'call.offer_expired' }).catch(() => undefined);
    void this.refresh(projectId);
  }

  /** Pushes to every console socket of that agent. */
  sendTo(agentId: string, m: Record<string, unknown>) {
    for (const set of this.consoles.values()) for (const c of set) if (c.actor.id === agentId) c.send(m);
  }

  /**
   * Offers each waiting, connected user (in queue order) to the longest-idle available agent who
   * has the console open, has no call and no other offer, and has not already let this user go.
   */
  private async makeOffers(projectId: string, queue: QueueRow[], agents: Awaited<ReturnType<typeof this.agentsView>>, timeoutSeconds: number) {
    const offered = new Set([...this.offers.values()].map((o) => o.agentId));
    const free = agents.filter((a) => a.status === 'available' && !offered.has(a.user_id))
      .sort((a, b) => (a.idle_since ?? '').localeCompare(b.idle_since ?? '') || a.user_id.localeCompare(b.user_id));
    for (const r of queue) {
      if (r.agent_id || this.offers.has(r.session_id) || !this.users.has(r.session_id)) continue;
      const skip = this.declined.get(r.session_id) ?? new Set();
      const i = free.findIndex((a) => !skip.has(a.user_id));
      if (i < 0) continue;
      const [agent] = free.splice(i, 1);
      const expiresAt = new Date(this.now().getTime() + timeoutSeconds * 1000);
      const timer = setTimeout(() => this.expireOffer(projectId, r.session_id, 'timeout'), timeoutSeconds * 1000);
      timer.unref();
      this.offers.set(r.session_id, { agentId: agent!.user_id, expiresAt, timer });
      this.sendTo(agent!.user_id, { type: 'offer', session_id: r.session_id, expires_at: expiresAt.toISOString() });
    }
  }

  // ── state pushed to everyone ──────────────────────────────────────────────────────────────────

  private async agentsView(projectId: string, queue: QueueRow[]) {
    const busy = new Map(queue.filter((r) => r.agent_id).map((r) => [r.agent_id!, r.session_id]));
    return (await presenceOf(this.deps.db, projectId)).map((p) => {
      const online = this.isOnline(projectId, p.user_id);
      const status = busy.has(p.user_id) ? 'busy' : !online ? 'offline' : p.status;
      return { user_id: p.user_id, name: p.display_name, status, chosen: p.status, session_id: busy.get(p.user_id) ?? null, idle_since: p.idle_since };
    });
  }

  /** The console snapshot (GET /dashboard/api/agents/console and the socket's `console`). */
  async snapshot(actor: Actor) {
    const { projectId } = actor;
    const queue = await queueOf(this.deps.db, projectId);
    const agents = await this.agentsView(projectId, queue);
    const settings = await getProjectSettings(this.deps.db, projectId);
    const now = this.now();
    const me = agents.find((a) => a.user_id === actor.id);
    const myOffer = [...this.offers.entries()].find(([, o]) => o.agentId === actor.id);
    const callbacks = await this.deps.db.selectFrom('callback_requests').selectAll().where('project_id', '=', projectId).where('done_at', 'is', null).orderBy('created_at').limit(100).execute();
    let position = 0;
    return {
      me: {
        user_id: actor.id, name: actor.name ?? null, status: me?.status ?? 'offline', session_id: me?.session_id ?? null,
        offer: myOffer ? { session_id: myOffer[0], expires_at: myOffer[1].expiresAt.toISOString() } : null,
      },
      queue: queue.map((r) => ({
        session_id: r.session_id, position: r.agent_id ? null : ++position, priority: r.priority,
        waiting_seconds: Math.max(0, Math.round((now.getTime() - Date.parse(r.joined_at)) / 1000)),
        state: r.agent_id ? 'assigned' : this.offers.has(r.session_id) ? 'offered' : 'waiting', connected: this.users.has(r.session_id), agent_id: r.agent_id,
      })),
      agents: agents.map(({ chosen: _chosen, ...a }) => a),
      callbacks: callbacks.map((c) => ({ id: c.id, session_id: c.session_id, phone: c.phone, preferred_time: c.preferred_time, note: c.note, created_at: c.created_at, done_at: c.done_at })),
      open: isOpen(settings.agent_working_hours, now),
    };
  }

  private refreshing = new Map<string, Promise<void>>();

  /** Recomputes a project's queue: positions to users, snapshots to consoles, fallbacks, offers. Serialised per project. */
  refresh(projectId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const prev = this.refreshing.get(projectId) ?? Promise.resolve();
    const run = prev.then(() => this.refreshNow(projectId)).catch((e: unknown) => this.deps.log.error('agent desk refresh failed', { project: projectId, err: String(e) }));
    this.refreshing.set(projectId, run);
    return run;
  }

  private async refreshNow(projectId: string) {
    const { db } = this.deps;
    const settings = await getProjectSettings(db, projectId);
    const queue = await queueOf(db, projectId);
    const agents = await this.agentsView(projectId, queue);
    const now = this.now();
    const open = isOpen(settings.agent_working_hours, now);
    const online = agents.filter((a) => a.status !== 'offline').length;
    const available = agents.filter((a) => a.status === 'available').length;
    const mean = await meanCallSeconds(db, projectId);
    let position = 0;
    for (const r of queue) {
      if (r.agent_id) continue;
      position++;
      const u = this.users.get(r.session_id);
      if (!u) continue;
      const waited = (now.getTime() - Date.parse(r.joined_at)) / 1000;
      const reason = !open ? 'outside_hours' : online === 0 ? 'no_agent' : waited > settings.agent_queue_timeout_seconds ? 'queue_timeout' : null;
      if (reason && this.told.get(r.session_id) !== reason) {
        this.told.set(r.session_id, reason);
        // The user chooses: the page offers the fallback (a `fallback` message applies self-record).
        u.link.send({ type: 'unavailable', reason, fallback: settings.agent_fallback, opens_at: open ? null : nextOpening(settings.agent_working_hours, now) });
      } else if (!reason) this.told.delete(r.session_id);
      u.link.send({ type: 'queue', position, eta_seconds: Math.round((mean * position) / Math.max(1, online)), agents_available: available, agents_online: online });
    }
    if (open) await this.makeOffers(projectId, queue, agents, settings.agent_offer_timeout_seconds);
    for (const c of this.consoles.get(projectId) ?? []) c.send({ type: 'console', ...(await this.snapshot(c.actor)) });
  }

  /** The user took the self-record fallback the desk offered (`unavailable`); only when the project offers it. */
  async chooseSelfRecord(projectId: string, sessionId: string, link: Link): Promise<void> {
    const settings = await getProjectSettings(this.deps.db, projectId);
    if (settings.agent_fallback !== 'self_record') throw new AppError('validation_failed', 'this project does not offer a self-recorded video instead of the call');
    await this.switchToSelfRecord(projectId, sessionId, link);
    await this.refresh(projectId);
  }

  private async switchToSelfRecord(projectId: string, sessionId: string, link: Link) {
    await execute(this.deps, { projectId, sessionId }, { type: 'switched_to_self_record' }, captureActor(projectId, sessionId));
    await dequeue(this.deps.db, projectId, sessionId);
    this.users.delete(sessionId);
    link.send({ type: 'switched', video_mode: 'self_record' });
    link.close?.(4000, 'switched');
    // The waiting room's recording stays the session's: the call ends and stores it.
    await this.calls?.end(sessionId, 'switched_to_self_record');
  }

  // ── call hooks ─────────────────────────────────────────────────────────────────────────────────

  readonly hooks: Required<CallHooks> = {
    onCallStarted: async (sessionId) => {
      const row = await this.deps.db.selectFrom('live_queue').select(['project_id']).where('session_id', '=', sessionId).executeTakeFirst();
      if (!row) return;
      const agent = await this.agentOf(row.project_id, sessionId);
      if (!agent) return;
      const now = this.now();
      const s = await loadSession(this.deps.db, row.project_id, sessionId);
      if (s.state === 'awaiting_agent') await execute(this.deps, { projectId: row.project_id, sessionId }, { type: 'call_started' }, agent);
      const current = await callOf(this.deps.db, row.project_id, sessionId);
      await patchCall(this.deps.db, row.project_id, sessionId, { started_at: current?.started_at ?? now.toISOString() }, now);
      await logActivity(this.deps.db, now, { projectId: row.project_id, userId: agent.id, sessionId, action: 'call.joined' });
    },
    onCallEnded: (sessionId, r) => {
      const done = this.callEnded(sessionId, r).catch((e: unknown) => this.deps.log.error('call end not recorded', { session: sessionId, err: String(e) }));
      this.ending.set(sessionId, done);
      return done;
    },
  };

  /** Waits for the end of a call to be recorded (the decision follows it). */
  async ended(sessionId: string): Promise<void> {
    await this.ending.get(sessionId);
  }

  private async callEnded(sessionId: string, r: Ended) {
    const { projectId } = r;
    const now = this.now();
    const final = this.deciding.has(sessionId);
    const rows = r.recordings.map((rec) => ({
      kind: `${rec.kind}-${rec.segment}`, blob_key: rec.key, content_type: 'video/webm', bytes: rec.bytes,
      meta: JSON.stringify({ side: rec.side, segment: rec.segment, started_at: rec.started_at, duration_seconds: rec.duration_seconds, sha256: rec.sha256 }),
    }));
    const before = await callOf(this.deps.db, projectId, sessionId);
    // A requeued user may have several calls: the session's call time is their sum.
    const duration = Math.round(((before?.duration_seconds ?? 0) + r.durationSeconds) * 10) / 10;
    await recordCallEnded(this.deps, { projectId, sessionId }, rows, { recorded_at: r.connectedAt, duration_seconds: duration, final }, systemActor(projectId, 'calls'));
    await patchCall(this.deps.db, projectId, sessionId, { ended_at: r.endedAt, end_reason: r.endReason, duration_seconds: duration, quality: r.quality }, now);
    const row = await queueRow(this.deps.db, projectId, sessionId);
    if (row?.agent_id) {
      await markIdle(this.deps.db, projectId, row.agent_id, now);
      if (!final) await logActivity(this.deps.db, now, { projectId, userId: row.agent_id, sessionId, action: 'call.left', details: { reason: r.endReason } });
    }
    if (final) return; // the decision (decide.ts) removes the queue row
    if (REQUEUE.has(r.endReason)) {
      // Back in the queue at the user's first place; the page joins again and gets `queue`.
      if (row) await enqueue(this.deps.db, projectId, sessionId, row.priority, now);
    } else if (row && r.endReason !== 'switched_to_self_record') {
      await dequeue(this.deps.db, projectId, sessionId);
    }
    this.declined.delete(sessionId);
    await this.refresh(projectId);
  }
}

/** `n` distinct questions at random (Fisher–Yates on a copy). */
export function drawQuestions<T>(all: readonly T[], n: number): T[] {
  const a = [...all];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}
