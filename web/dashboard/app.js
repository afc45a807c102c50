// vkyc reviewer dashboard: a small page over the dashboard API (/dashboard/api), signed in with an
// account (password + optional TOTP). The session cookie is HttpOnly: this script never sees it.
// Writes carry the CSRF token that /me returns; the page holds no API key.
const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') n.className = v; else if (k.startsWith('on')) n.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null) n.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : String(c));
  return n;
};
let me = null;
let cursor = null;

async function api(path, init = {}) {
  const write = init.method && init.method !== 'GET';
  const res = await fetch(`/dashboard/api${path}`, {
    ...init, credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...(write && me ? { 'x-csrf-token': me.csrf_token } : {}), ...(init.headers || {}) },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = Object.assign(new Error(body?.error?.message || res.statusText), { code: body?.error?.code, status: res.status });
    if (err.code === 'signin_required' && path !== '/me') { me = null; show('login'); }
    throw err;
  }
  return body;
}

const screens = ['login', 'password', 'totp', 'app'];
function show(name) {
  for (const s of screens) $(`#${s}`).hidden = s !== name;
  $('#account').hidden = name === 'login';
  if (name === 'login') { $('#login-name').focus(); return; }
  $('#who').textContent = `${me.user.display_name} · ${me.roles.join(', ')}`;
  $('#totp-start').hidden = me.user.totp_enabled || name !== 'app';
  const sel = $('#project');
  sel.replaceChildren(...me.projects.map((p) => el('option', { value: p.id, ...(p.id === me.project?.id ? { selected: '' } : {}) }, p.name)));
  sel.disabled = me.projects.length < 2;
  if (name === 'app') loadList(true);
}

/** Where the account is: pending steps first (a one-time password, a TOTP the project requires), then the sessions. */
async function route() {
  try { me = await api('/me'); } catch { me = null; show('login'); return; }
  if (me.pending.includes('password_change')) { show('password'); $('#pw-current').focus(); }
  else if (me.pending.includes('totp_enrolment')) startTotp('This project requires a second factor at sign-in.');
  else show('app');
}

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target));
  if (!data.totp_code) delete data.totp_code;
  try {
    await api('/login', { method: 'POST', body: JSON.stringify(data) });
    e.target.reset(); $('#totp-field').hidden = true; $('#login-error').textContent = '';
    await route();
  } catch (err) {
    if (err.code === 'totp_required') { $('#totp-field').hidden = false; $('#login-totp').focus(); $('#login-error').textContent = ''; return; }
    $('#login-error').textContent = err.message;
  }
});

$('#password-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target));
  if (data.new_password !== data.again) { $('#password-error').textContent = 'The two new passwords differ.'; return; }
  try {
    await api('/me/password', { method: 'POST', body: JSON.stringify({ current_password: data.current_password, new_password: data.new_password }) });
    e.target.reset(); $('#password-error').textContent = '';
    await route();
  } catch (err) { $('#password-error').textContent = err.message; }
});

async function startTotp(why) {
  const t = await api('/me/totp', { method: 'POST' });
  $('#totp-why').textContent = why;
  $('#totp-secret').textContent = t.secret.replace(/(.{4})/g, '$1 ').trim();
  $('#totp-uri').href = t.otpauth_uri;
  $('#totp-cancel').hidden = me.pending.includes('totp_enrolment');
  show('totp');
  $('#totp-code').focus();
}
$('#totp-start').addEventListener('click', () => startTotp('A code from your phone will be asked at every sign-in.'));
$('#totp-cancel').addEventListener('click', () => show('app'));
$('#totp-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('/me/totp/confirm', { method: 'POST', body: JSON.stringify({ code: $('#totp-code').value.trim() }) });
    e.target.reset(); $('#totp-error').textContent = '';
    await route();
  } catch (err) { $('#totp-error').textContent = err.message; }
});

$('#logout').addEventListener('click', async () => {
  try { await api('/logout', { method: 'POST' }); } finally { me = null; $('#rows').replaceChildren(); $('#detail').replaceChildren(); show('login'); }
});
$('#project').addEventListener('change', async (e) => {
  await api('/me/project', { method: 'POST', body: JSON.stringify({ project_id: e.target.value }) });
  $('#detail').replaceChildren(el('p', { class: 'muted' }, 'Select a session.'));
  await route();
});
$('#filters').addEventListener('submit', (e) => { e.preventDefault(); loadList(true); });
$('#more').addEventListener('click', () => loadList(false));

const badge = (v) => v ? el('span', { class: `badge ${v}` }, v.replace('_', ' ')) : el('span', { class: 'muted' }, '—');

async function loadList(reset) {
  const q = new URLSearchParams({ limit: '25' });
  for (const [k, v] of new FormData($('#filters'))) if (v) q.set(k, v);
  if (!reset && cursor) q.set('cursor', cursor);
  const page = await api(`/sessions?${q}`);
  if (reset) $('#rows').replaceChildren();
  for (const s of page.data) {
    const tr = el('tr', { tabindex: '0', 'data-id': s.id, onclick: () => openSession(s.id, tr), onkeydown: (e) => { if (e.key === 'Enter') openSession(s.id, tr); } },
      el('td', {}, el('div', { class: 'mono' }, s.id.slice(0, 16) + '…'), el('div', { class: 'muted' }, s.external_id || '')),
      el('td', {}, s.status), el('td', {}, badge(s.result)), el('td', {}, new Date(s.created_at).toLocaleString()));
    $('#rows').append(tr);
  }
  if (reset && page.data.length === 0) $('#rows').append(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No sessions match.')));
  cursor = page.next_cursor; $('#more').hidden = !page.has_more;
}

const fmt = (v, unit = '') => (v === null || v === undefined ? '—' : `${typeof v === 'number' ? Math.round(v * 10) / 10 : v}${unit}`);

async function openSession(id, row) {
  for (const r of document.querySelectorAll('tbody tr')) r.setAttribute('aria-selected', String(r === row));
  const d = $('#detail');
  d.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  try {
    const [s, v, audit] = await Promise.all([api(`/sessions/${id}`), api(`/sessions/${id}/video`), api(`/sessions/${id}/audit`)]);
    const parts = [
      el('h2', {}, 'Session ', el('span', { class: 'mono' }, s.id)),
      el('p', {}, 'Status ', el('b', {}, s.status), ' · result ', badge(s.result), s.external_id ? ` · external id ${s.external_id}` : ''),
      el('div', { class: 'scores' },
        el('div', { class: 'score' }, 'Face match', el('b', {}, fmt(v.face_match_score))),
        el('div', { class: 'score' }, 'Liveness', el('b', {}, fmt(v.liveness_score))),
        el('div', { class: 'score' }, 'Duration', el('b', {}, fmt(v.duration_seconds, ' s'))),
        el('div', { class: 'score' }, 'Risk', el('b', {}, s.risk ? s.risk.risk_score.toFixed(2) : '—'))),
      v.transcript ? el('p', {}, 'Transcript: ', el('q', {}, v.transcript)) : null,
      el('h3', {}, 'Reasons'),
      s.reasons.length ? el('ul', { class: 'reasons' }, s.reasons.map((r) => el('li', {}, el('b', { class: 'mono' }, r.code), ' — ', r.message, r.stage ? el('span', { class: 'muted' }, ` (${r.stage})`) : null))) : el('p', { class: 'muted' }, 'None.'),
      riskPart(s.risk),
      el('h3', {}, 'Media and evidence'),
      el('div', { class: 'media' }, s.artifacts.map((a) => el('figure', {},
        a.content_type.startsWith('video/') ? el('video', { src: a.url, controls: '', preload: 'metadata' }) : el('img', { src: a.url, alt: a.kind.replace(/_/g, ' '), loading: 'lazy' }),
        el('figcaption', {}, a.kind)))),
      el('h3', {}, 'Stages'),
      s.verification.stages.map((st) => el('details', {}, el('summary', {}, `${st.stage} — ${st.status}${st.duration_ms !== null ? ` in ${st.duration_ms} ms` : ''}`), el('pre', {}, JSON.stringify(st.result ?? st.error, null, 2)))),
      el('details', {}, el('summary', {}, 'Device and network'), el('pre', {}, JSON.stringify(s.client_info, null, 2))),
      el('details', {}, el('summary', {}, 'Audit trail'), el('pre', {}, JSON.stringify(audit.data, null, 2))),
      reviewForm(s),
    ];
    d.replaceChildren(...parts.flat().filter((x) => x !== null && x !== undefined));
    d.querySelector('h2').setAttribute('tabindex', '-1'); d.querySelector('h2').focus();
  } catch (err) {
    d.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Could not load the session: ${err.message}`));
  }
}

// Risk signals (docs/risk.md): flags with their weights, where the IP is, what the device is.
function riskPart(r) {
  if (!r) return null;
  const loc = r.session_data.location;
  const net = r.session_data.network;
  const dev = r.session_data.device;
  return [
    el('h3', {}, 'Risk'),
    r.risk_flags.length ? el('ul', { class: 'reasons' }, r.factors.map((f) => el('li', {}, el('b', { class: 'mono' }, f.flag), ` — weight ${f.weight}`))) : el('p', { class: 'muted' }, 'No risk flags.'),
    el('p', {}, 'IP ', el('span', { class: 'mono' }, net.ip_address ?? '—'), net.service_provider ? ` · ${net.service_provider} (AS${net.asn}, ${net.connection_type})` : '',
      loc && loc.country_code ? ` · ${[loc.city, loc.state, loc.country_code].filter(Boolean).join(', ')} · ${loc.timezone ?? ''}` : ''),
    el('p', {}, 'Device ', `${dev.category} · ${dev.os ?? 'unknown OS'} · ${r.session_data.browser.type ?? 'unknown browser'} ${r.session_data.browser.version ?? ''}`, ` · device risk ${r.device_network_signals.device_risk}`),
    el('details', {}, el('summary', {}, 'All risk signals'), el('pre', {}, JSON.stringify(r, null, 2))),
    el('p', { class: 'muted' }, r.attribution),
  ];
}

const mayReview = () => me.roles.includes('admin') || me.roles.includes('reviewer');

// Who decides is the signed-in user (recorded by the server from the session), never a typed name.
function reviewForm(s) {
  const reviewable = s.status === 'completed' && (!s.decision || s.decision.decided_by === 'auto');
  if (!reviewable) return el('p', { class: 'muted' }, s.decision && s.decision.decided_by !== 'auto' ? `Reviewed by ${s.decision.decided_by}.` : 'Reviewable once processing is complete.');
  if (!mayReview()) return el('p', { class: 'muted' }, `Your role (${me.roles.join(', ')}) can read sessions but not decide them.`);
  const msg = el('p', { role: 'status' });
  const form = el('form', { class: 'review' },
    el('h3', {}, 'Your decision'),
    el('label', { for: 'notes' }, 'Notes'), el('textarea', { id: 'notes', name: 'notes', rows: '3' }),
    el('div', { class: 'row' },
      el('button', { type: 'submit', value: 'approved' }, 'Approve'),
      el('button', { type: 'submit', value: 'declined', class: 'secondary' }, 'Decline')),
    msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const notes = new FormData(form).get('notes');
    try {
      await api(`/sessions/${s.id}/review`, { method: 'POST', body: JSON.stringify({ result: e.submitter.value, ...(notes ? { notes } : {}) }) });
      msg.textContent = 'Saved.'; openSession(s.id, document.querySelector(`tr[data-id="${s.id}"]`)); loadList(true);
    } catch (err) { msg.textContent = `Not saved: ${err.message}`; msg.className = 'error'; }
  });
  return form;
}

route();
