import { $, play, startCall, type CallEvent, type CallHandle } from './call-client.ts';
import { DashError, PATHS, type DashApi } from './dash-api.ts';
import { renderFace, renderLocation, renderQuality, renderQuestions, renderStill, type FaceSample, type LocationView, type Question, type Still } from './workspace-panels.ts';

// The agent's workspace during a call (docs/live-calls-api.md §4): the user's video large beside
// the selfie and document from the earlier steps; sampled frames go to the server for the live
// face match and liveness hints; "capture still" sends a full-resolution frame for MRZ OCR; the
// question script, the location, notes and the decision.

interface Workspace {
  session_id: string;
  images: { selfie: string | null; document_front: string | null; document_back: string | null };
  questions: Question[];
  location: LocationView | null;
  face: FaceSample | null;
  stills: Still[];
  notes: string;
}

/** ~1 frame every 2 s (the server's face match budget per call, docs/live-calls-api.md §4). */
const FRAME_EVERY_MS = 2000;
/** Location arrives from the user's page whenever they consent: a cheap re-read shows it. */
const REFRESH_EVERY_MS = 5000;
/** Sampled frames are scaled to 640 px wide: enough for a face 100+ px wide, ~40 KB as JPEG. */
const SAMPLE_WIDTH = 640;

export interface WorkspaceHandle {
  onFace(f: FaceSample): void;
  close(): void;
}

function grab(video: HTMLVideoElement, maxWidth: number, quality: number): string | null {
  if (!video.videoWidth) return null;
  const scale = Math.min(1, maxWidth / video.videoWidth);
  const c = document.createElement('canvas');
  c.width = Math.round(video.videoWidth * scale);
  c.height = Math.round(video.videoHeight * scale);
  c.getContext('2d')?.drawImage(video, 0, 0, c.width, c.height);
  return c.toDataURL('image/jpeg', quality);
}

const say = (id: string, text: string) => ($(id).textContent = text);
const errText = (e: unknown) => (e instanceof DashError ? `${e.message} (${e.code})` : String(e));

export async function openWorkspace(api: DashApi, sessionId: string, done: (reason: string) => void): Promise<WorkspaceHandle> {
  $('session').textContent = sessionId;
  $('workspace').dataset.session = sessionId;
  const remote = $<HTMLVideoElement>('remote');
  const timers: number[] = [];
  let call: CallHandle | null = null;
  let ended = false;
  let local: MediaStream | null = null;
  let sampler: number | undefined;

  const status = (text: string, kind: 'wait' | 'ok' | 'bad') => {
    $('state').textContent = text;
    $('state').className = `state ${kind}`;
  };

  const load = async (first: boolean) => {
    const ws = await api.get<Workspace>(PATHS.workspace(sessionId));
    renderLocation(ws.location);
    // The script is drawn when the call starts: a workspace opened a moment earlier gets it on a later read.
    if (!first && ws.questions.length !== document.querySelectorAll('#questions li').length) renderQuestions(ws.questions, answer);
    if (!first) return;
    const img = (id: string, src: string | null) => {
      const el = $<HTMLImageElement>(id);
      el.hidden = !src;
      if (src) el.src = src;
    };
    img('ref-selfie', ws.images.selfie);
    img('ref-document', ws.images.document_front);
    if (ws.face) renderFace(ws.face);
    renderQuestions(ws.questions, answer);
    $<HTMLTextAreaElement>('notes').value = ws.notes ?? '';
    // Stills taken before a reload: listed with their MRZ results (the images are in the session's media).
    $('stills').replaceChildren(...ws.stills.slice().reverse().map((s) => renderStill(s, null)));
  };

  const answer = (id: string, a: 'correct' | 'incorrect' | 'unanswered') => {
    api.post<{ data: Question[] }>(PATHS.question(sessionId, id), { answer: a })
      .then((r) => renderQuestions(r.data, answer))
      .catch((e: unknown) => status(`The answer was not saved: ${errText(e)}`, 'bad'));
  };

  // One frame in flight at most, and a slow answer slows the sampling down: the face engines run
  // on the server the call's media relay runs on, and a queue of frames there would starve the call.
  let sampling = false;
  let nextSampleAt = 0;
  const sampleFrame = async () => {
    if (ended || remote.paused || sampling || Date.now() < nextSampleAt) return;
    const image = grab(remote, SAMPLE_WIDTH, 0.8);
    if (!image) return;
    sampling = true;
    const t0 = Date.now();
    try {
      const r = await api.post<{ face: FaceSample }>(PATHS.frames(sessionId), { image });
      renderFace(r.face);
    } catch (e) {
      // A server without the live face match answers 404 for the route: stop asking, say so.
      if (e instanceof DashError && e.status === 404 && e.code !== 'session_not_found') {
        clearInterval(sampler);
        say('score-selfie', 'not available on this server');
        say('score-document', 'not available on this server');
      }
      // Otherwise a frame is a sample: the next one comes in 2 s.
    } finally {
      sampling = false;
      nextSampleAt = Date.now() + Math.max(0, 2 * (Date.now() - t0) - FRAME_EVERY_MS);
    }
  };

  const captureStill = async () => {
    const image = grab(remote, 4096, 0.92);
    if (!image) return status('No picture from the user yet.', 'bad');
    const button = $<HTMLButtonElement>('capture-still');
    button.disabled = true;
    say('still-help', 'Reading the document…');
    try {
      const label = $<HTMLSelectElement>('still-label').value;
      const r = await api.post<{ still: Still }>(PATHS.stills(sessionId), { label, image });
      $('stills').prepend(renderStill(r.still, image));
      say('still-help', `Still #${r.still.n} captured.`);
    } catch (e) {
      say('still-help', `The still was not saved: ${errText(e)}`);
    } finally {
      button.disabled = ended;
    }
  };

  const onCall = (e: CallEvent) => {
    switch (e.type) {
      case 'joining':
        return status(e.rejoined ? 'Rejoining the call…' : 'Joining the call…', 'wait');
      case 'connection':
        return status(e.state === 'connected' ? 'Connected' : e.state === 'failed' ? 'Connection failed; retrying…' : `Connecting (${e.state})…`, e.state === 'connected' ? 'ok' : e.state === 'failed' ? 'bad' : 'wait');
      case 'lost':
        return status('Connection lost; reconnecting…', 'bad');
      case 'remote':
        play(remote, e.stream, $<HTMLButtonElement>('unmute'));
        $<HTMLButtonElement>('capture-still').disabled = false;
        return;
      case 'peer':
        say('peer', e.state === 'connected' ? 'User connected' : e.state === 'reconnecting' ? 'User reconnecting…' : 'Waiting for the user…');
        return;
      case 'ended':
        return finish(e.reason);
      case 'error':
        return status(`${e.message} (${e.code})`, 'bad');
      case 'message':
        if (e.message.type === 'quality') renderQuality(e.message.quality);
        return;
    }
  };

  const finish = (reason: string) => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearInterval(t);
    call?.close();
    for (const t of local?.getTracks() ?? []) t.stop();
    status(`Call ended (${reason.replace(/_/g, ' ')})`, 'ok');
    for (const id of ['hangup', 'capture-still', 'ask-location']) $<HTMLButtonElement>(id).disabled = true;
    done(reason);
  };

  $<HTMLButtonElement>('capture-still').onclick = () => void captureStill();
  $<HTMLButtonElement>('ask-location').onclick = () => void load(false).catch(() => undefined);
  $<HTMLButtonElement>('hangup').onclick = () => {
    if (!confirm('Leave the call without a decision? The user goes back to the queue.')) return;
    api.post(PATHS.leave(sessionId)).catch(() => call?.hangUp());
  };
  $<HTMLButtonElement>('save-notes').onclick = () => {
    say('notes-state', 'Saving…');
    api.put(PATHS.notes(sessionId), { notes: $<HTMLTextAreaElement>('notes').value })
      .then(() => say('notes-state', `Saved at ${new Date().toLocaleTimeString()}`))
      .catch((e: unknown) => say('notes-state', `Not saved: ${errText(e)}`));
  };
  // The decision ends the call on the server: the workspace closes its side without waiting for
  // `ended`, which a socket that is reconnecting at that moment would never get.
  wireDecision(api, sessionId, (r) => {
    finish('agent_decided');
    status(r, 'ok');
  });

  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  } catch {
    status('Camera and microphone are needed for the call.', 'bad');
    throw new Error('no camera');
  }
  $<HTMLVideoElement>('local').srcObject = local;
  call = startCall({ wsPath: '/dashboard/api/calls/ws', join: { role: 'agent', session_id: sessionId }, local, on: onCall });
  await load(true).catch((e: unknown) => status(`The workspace did not load: ${errText(e)}`, 'bad'));
  sampler = window.setInterval(() => void sampleFrame(), FRAME_EVERY_MS);
  timers.push(sampler);
  timers.push(window.setInterval(() => void load(false).catch(() => undefined), REFRESH_EVERY_MS));
  return { onFace: renderFace, close: () => finish('closed') };
}

const REASONS: Record<string, Array<[string, string]>> = {
  approved: [],
  declined: [['document_mismatch', 'Document does not match the first one'], ['face_mismatch', 'Face does not match'], ['document_not_shown', 'Document not shown or unreadable'], ['suspected_fraud', 'Suspected fraud or coercion'], ['location_mismatch', 'Location not acceptable'], ['questions_failed', 'Wrong answers to the questions'], ['user_unresponsive', 'User left or did not respond']],
  escalated: [['identity_unsure', 'Unsure about the identity'], ['document_unclear', 'Security features unclear'], ['technical_problem', 'Poor connection or technical problem'], ['second_opinion', 'Needs a second opinion']],
};

function wireDecision(api: DashApi, sessionId: string, decided: (text: string) => void) {
  const form = $<HTMLFormElement>('decision');
  const select = $<HTMLSelectElement>('reason-code');
  const fill = () => {
    const result = new FormData(form).get('decision') as string | null;
    const list = REASONS[result ?? ''] ?? [];
    select.replaceChildren(...[['', list.length ? 'Choose a reason…' : 'No reason needed'], ...list].map(([v, l]) => Object.assign(document.createElement('option'), { value: v, textContent: l })));
    select.disabled = list.length === 0;
  };
  form.onchange = (e) => {
    if ((e.target as HTMLElement).getAttribute('name') === 'decision') fill();
  };
  fill();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const result = new FormData(form).get('decision') as string | null;
    const code = select.value;
    const comment = $<HTMLTextAreaElement>('reason').value.trim();
    const problem = !result ? 'Choose approve, decline or escalate.' : result !== 'approved' && !code ? 'Choose a reason.' : '';
    $('decision-error').hidden = !problem;
    $('decision-error').textContent = problem;
    if (problem) return;
    const notes = [$<HTMLTextAreaElement>('notes').value.trim(), comment].filter(Boolean).join('\n\n');
    say('decision-state', 'Sending…');
    api.post<{ result: string; status: string }>(PATHS.decision(sessionId), { result, reasons: code ? [code] : [], ...(notes ? { notes } : {}) })
      .then((r) => {
        say('decision-state', `Decision recorded: ${r.result} (session ${r.status}).`);
        decided(`Decision recorded: ${r.result}`);
        for (const el of form.elements) (el as HTMLInputElement).disabled = true;
      })
      .catch((e: unknown) => say('decision-state', `Not recorded: ${errText(e)}`));
  };
}
