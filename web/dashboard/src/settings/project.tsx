import { useState } from 'preact/hooks';
import { get, patch } from '../api.ts';
import { errText, Missing, useLoad } from './use-load.tsx';

// The project's settings: review policy (four-eyes, claim length), thresholds, retention, sign-in
// security, and the capture page's branding. Empty threshold/retention fields mean "the server's
// default" (null).

interface PS {
  four_eyes: boolean; four_eyes_risk_score: number; review_claim_minutes: number; retention_days: number | null;
  /** 1–99 on the 0–100 face score; null: the calibrated default (50). Absent on a server without per-project thresholds. */
  face_match_threshold?: number | null;
  branding: { name: string | null; logo_data_url: string | null; color: string | null };
}
/** The server's limit for a logo (docs/dashboard-api.md). */
const LOGO_MAX_BYTES = 200 * 1024;

const numOrNull = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? null : Number(v));

export function ProjectSettings() {
  const { data, error, missing, reload } = useLoad(() => get<PS>('/project/settings'));
  const sec = useLoad(() => get<{ require_totp: boolean }>('/project/security'));
  const [logo, setLogo] = useState<string | null | undefined>(undefined);
  const [msg, setMsg] = useState('');
  if (missing) return <Missing what="project settings" />;
  if (!data) return error ? <p class="error" role="alert">{error}</p> : <p class="muted">Loading…</p>;
  async function save(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    try {
      // Only the settings this server returned are sent back (its PATCH is strict).
      await patch('/project/settings', {
        four_eyes: f.get('four_eyes') === 'on', four_eyes_risk_score: Number(f.get('four_eyes_risk_score')), review_claim_minutes: Number(f.get('review_claim_minutes')),
        retention_days: numOrNull(f.get('retention_days')),
        ...(data!.face_match_threshold !== undefined ? { face_match_threshold: numOrNull(f.get('t_face')) } : {}),
        branding: { name: String(f.get('b_name') ?? '').trim() || null, color: String(f.get('b_color_on')) === 'on' ? String(f.get('b_color')) : null, logo_data_url: logo === undefined ? data!.branding.logo_data_url : logo },
      });
      if (sec.data && (f.get('require_totp') === 'on') !== sec.data.require_totp) await patch('/project/security', { require_totp: f.get('require_totp') === 'on' });
      setMsg('Saved.');
      void reload();
      void sec.reload();
    } catch (err) { setMsg(errText(err)); }
  }
  function pickLogo(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > LOGO_MAX_BYTES) { setMsg(`The logo is ${Math.round(file.size / 1024)} KB; at most 200 KB.`); return; }
    const r = new FileReader();
    r.onload = () => setLogo(String(r.result));
    r.readAsDataURL(file);
  }
  const shownLogo = logo === undefined ? data.branding.logo_data_url : logo;
  return (
    <form class="settings-grid" onSubmit={save} id="project-settings">
      <section class="card" aria-labelledby="h-review">
        <h3 id="h-review">Review policy</h3>
        <label class="radio"><input type="checkbox" name="four_eyes" defaultChecked={data.four_eyes} id="four-eyes" /> Four-eyes: approving a declined or high-risk session needs a second reviewer</label>
        <label for="fe-risk">"High risk" from risk score (0–1)</label><input id="fe-risk" name="four_eyes_risk_score" type="number" min={0} max={1} step="0.05" defaultValue={String(data.four_eyes_risk_score)} />
        <label for="claim-min">A claim lasts (minutes)</label><input id="claim-min" name="review_claim_minutes" type="number" min={1} max={240} defaultValue={String(data.review_claim_minutes)} />
        {sec.data && <label class="radio"><input type="checkbox" name="require_totp" defaultChecked={sec.data.require_totp} /> Require two-factor sign-in for everyone in this project</label>}
      </section>
      <section class="card" aria-labelledby="h-thresholds">
        <h3 id="h-thresholds">{data.face_match_threshold !== undefined ? 'Threshold and retention' : 'Retention'}</h3>
        {data.face_match_threshold !== undefined && <>
          <label for="t-face">Face match threshold (1–99 on the 0–100 score; empty = the calibrated default, 50)</label>
          <input id="t-face" name="t_face" type="number" min={1} max={99} step="1" defaultValue={data.face_match_threshold?.toString() ?? ''} aria-describedby="t-face-help" />
          <p class="muted small" id="t-face-help">Sessions scoring below it are declined or sent to review. Liveness has no per-project threshold: its bars are per challenge.</p>
        </>}
        <label for="ret">Keep media for (days; empty = server default)</label><input id="ret" name="retention_days" type="number" min={1} max={3650} defaultValue={data.retention_days?.toString() ?? ''} />
      </section>
      <section class="card" aria-labelledby="h-brand">
        <h3 id="h-brand">Capture page branding</h3>
        <label for="b-name">Name shown to users</label><input id="b-name" name="b_name" maxLength={80} defaultValue={data.branding.name ?? ''} />
        <label class="radio"><input type="checkbox" name="b_color_on" defaultChecked={!!data.branding.color} /> Use a brand colour</label>
        <label for="b-color">Colour</label><input id="b-color" name="b_color" type="color" defaultValue={data.branding.color ?? '#1f5fbf'} />
        <label for="b-logo">Logo (PNG, JPEG, WebP or SVG, at most 200 KB)</label><input id="b-logo" type="file" accept="image/png,image/jpeg,image/webp,image/svg+xml" onChange={pickLogo} />
        {shownLogo && <div class="row"><img src={shownLogo} alt="Current logo" class="logo" /><button type="button" class="small-btn secondary" onClick={() => setLogo(null)}>Remove logo</button></div>}
      </section>
      <div class="save-bar"><button type="submit">Save settings</button> <span role="status">{msg}</span>{error && <span class="error">{error}</span>}</div>
    </form>
  );
}
