import { $ } from './call-client.ts';
import { h } from './dash-api.ts';

// The workspace's panels, rendered from the server's answers (docs/live-calls-api.md §4): face
// match and liveness hints, stills with the MRZ compared field by field, questions, location,
// quality. Rendering only; requests live in agent-workspace.ts.

export interface Match { score: number; threshold: number; outcome: string }
export interface FaceSample { face_present: boolean; faces: number; match_selfie: Match | null; match_document: Match | null; head_moved: boolean; blink: boolean; at: string }
export interface Compare { field: string; document: string | null; still: string | null; match: boolean | null }
export interface Still { n: number; label: string; kind: string; mrz: { found: boolean; fields: Record<string, string | null>; checks_ok: boolean | null } | null; compare: Compare[] }
export interface Question { id: string; text: string; answer: 'correct' | 'incorrect' | 'unanswered' | null }
export interface Place { latitude?: number | null; longitude?: number | null; accuracy_m?: number; country?: string | null; city?: string | null; denied?: boolean; at?: string }
export interface LocationView { browser: Place | null; ip: Place | null; distance_km: number | null; same_country?: boolean | null }

const pct = (m: Match | null) => (m ? `${Math.round(m.score)} (${m.outcome}; threshold ${m.threshold})` : '–');

export function renderFace(f: FaceSample) {
  for (const [id, m] of [['score-selfie', f.match_selfie], ['score-document', f.match_document]] as const) {
    $(id).textContent = pct(m);
    $(id).className = m ? (m.score >= m.threshold ? 'good' : 'bad') : '';
  }
  const hint = (ok: boolean, yes: string, no: string) => h('li', { class: ok ? 'good' : 'bad' }, `${ok ? '✓' : '✗'} ${ok ? yes : no}`);
  $('hints').replaceChildren(
    hint(f.face_present, 'Face present', 'No face in the picture'),
    hint(f.faces <= 1, 'One face', `${f.faces} faces in the picture`),
    hint(f.head_moved, 'Head movement seen', 'No head movement yet (ask the user to turn their head)'),
    hint(f.blink, 'Blink seen', 'No blink seen yet'),
  );
  $('hints').dataset.at = f.at;
}

const FIELD_LABEL: Record<string, string> = { document_type: 'Type', issuing_country: 'Issuing state', document_number: 'Document number', surname: 'Surname', given_names: 'Given names', nationality: 'Nationality', birth_date: 'Date of birth', sex: 'Sex', expiry_date: 'Expiry date' };

export function renderStill(s: Still, imageUrl: string | null): HTMLElement {
  const mrz = s.mrz;
  const summary = !mrz ? 'No MRZ read on this still.' : mrz.found ? `MRZ read; check digits ${mrz.checks_ok ? 'valid' : 'WRONG'}.` : 'No MRZ found: ask the user to hold the data page flat and closer.';
  const noDoc = mrz?.found && !s.compare.length ? h('p', { class: 'muted' }, 'The first document’s MRZ could not be read: nothing to compare with.') : null;
  const mark = (m: boolean | null) => (m === null ? h('span', { class: 'muted' }, '–') : h('span', { class: m ? 'good' : 'bad', title: m ? 'same' : 'differs' }, m ? '✓' : '✗', h('span', { class: 'sr' }, m ? ' same' : ' differs')));
  const table = s.compare.length
    ? h('table', { class: 'list compare' },
        h('caption', {}, 'Still vs first document'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'First document'), h('th', { scope: 'col' }, 'This still'), h('th', { scope: 'col' }, ''))),
        h('tbody', {}, ...s.compare.map((c) => h('tr', { 'data-field': c.field, class: c.match === false ? 'bad' : '' }, h('td', {}, FIELD_LABEL[c.field] ?? c.field), h('td', {}, c.document ?? '–'), h('td', {}, c.still ?? '–'), h('td', {}, mark(c.match))))),
      )
    : null;
  return h('figure', { class: 'still', 'data-still': String(s.n) },
    imageUrl ? h('img', { src: imageUrl, alt: `Still ${s.n} (${s.label})` }) : null,
    h('figcaption', {}, h('strong', {}, `#${s.n} ${s.label}`), ' — ', h('span', { class: mrz?.found && mrz.checks_ok ? 'good' : 'bad' }, summary)),
    table ?? noDoc,
  );
}

export function renderQuestions(qs: Question[], onAnswer: (id: string, answer: 'correct' | 'incorrect' | 'unanswered') => void) {
  $('questions-empty').hidden = qs.length > 0;
  $('questions').replaceChildren(
    ...qs.map((q) => {
      const box = (answer: 'correct' | 'incorrect', label: string) => {
        const input = h('input', { type: 'checkbox', 'data-answer': answer, checked: q.answer === answer });
        input.onchange = () => onAnswer(q.id, input.checked ? answer : 'unanswered');
        return h('label', { class: `tick ${answer}` }, input, ` ${label}`);
      };
      return h('li', { 'data-question': q.id }, h('span', { class: 'q' }, q.text), box('correct', 'Correct'), box('incorrect', 'Wrong'));
    }),
  );
}

const place = (p: Place | null) => {
  if (!p) return 'not shared yet';
  if (p.denied) return 'refused by the user';
  const where = [p.city, p.country].filter(Boolean).join(', ');
  const coords = typeof p.latitude === 'number' && typeof p.longitude === 'number' ? `${p.latitude.toFixed(4)}, ${p.longitude.toFixed(4)}` : '';
  return [where, coords, p.accuracy_m !== undefined ? `±${p.accuracy_m} m` : ''].filter(Boolean).join(' · ') || 'unknown';
};

export function renderLocation(l: LocationView | null) {
  $('loc-user').textContent = place(l?.browser ?? null);
  const ipKnown = l?.ip && (l.ip.country || l.ip.city || typeof l.ip.latitude === 'number');
  $('loc-ip').textContent = ipKnown ? place(l.ip) : 'no IP location (private address, or no IP database configured)';
  const d = l?.distance_km;
  $('loc-distance').textContent = d === null || d === undefined ? '–' : `${d < 10 ? d.toFixed(1) : Math.round(d)} km${l?.same_country === false ? ' · different country' : l?.same_country ? ' · same country' : ''}`;
  $('loc-distance').className = l?.same_country === false || (d ?? 0) > 200 ? 'bad' : '';
}

type Side = { last?: Record<string, number> | null; server?: { video?: { packets?: number; lost?: number } } };

/** The quality the agent sees: what the user sends and what arrives here (browser stats via the server). */
export function renderQuality(q: unknown) {
  const { user, agent } = (q ?? {}) as { user?: Side; agent?: Side };
  const u = user?.last ?? {};
  const a = agent?.last ?? {};
  const v = (x: number | undefined, unit: string) => (x === undefined ? '–' : `${x} ${unit}`);
  const rows: Array<[string, string]> = [
    ['User video', `${v(u.out_video_kbps, 'kbit/s')} · ${v(u.out_fps, 'fps')}${u.out_width ? ` · ${u.out_width}×${u.out_height}` : ''}`],
    ['Received here', `${v(a.in_video_kbps, 'kbit/s')} · ${v(a.in_fps, 'fps')} · loss ${v(a.in_packet_loss_pct, '%')}`],
    ['Round trip', v(a.rtt_ms ?? u.rtt_ms, 'ms')],
  ];
  $('quality').replaceChildren(...rows.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)]));
  const loss = a.in_packet_loss_pct ?? 0;
  $('quality').className = `quality ${loss > 5 || (a.in_fps ?? 30) < 5 ? 'poor' : 'fine'}`;
}
