import { useState } from 'preact/hooks';
import { label } from '../format.ts';
import type { Evidence } from '../types.ts';
import { Lightbox, type Shot } from './lightbox.tsx';

// The document: front and back as buttons that open the zoomable lightbox, and beside them the MRZ
// fields read from the document next to what the integrator expected (expected_data), each check
// digit and each data check passed (✓) or failed (✗).

const Mark = ({ ok }: { ok: boolean | null }) => (ok === null ? <span class="muted" aria-label="not compared">–</span> : ok ? <span class="ok" aria-label="passed">✓</span> : <span class="bad" aria-label="failed">✗</span>);

export function DocumentEvidence({ ev }: { ev: Evidence }) {
  const [open, setOpen] = useState<number | null>(null);
  const shots: Shot[] = [];
  if (ev.media.document_front) shots.push({ src: ev.media.document_front.url, alt: 'Document front' });
  if (ev.media.document_back) shots.push({ src: ev.media.document_back.url, alt: 'Document back' });
  const mrz = ev.document?.mrz ?? null;
  return (
    <div class="doc">
      <div class="doc-images">
        {shots.length === 0 && <p class="muted">No document image was captured.</p>}
        {shots.map((s, i) => (
          <button type="button" class="thumb" key={s.alt} onClick={() => setOpen(i)} data-doc={i === 0 ? 'front' : 'back'}>
            <img src={s.src} alt="" />
            <span>{s.alt} — open to zoom</span>
          </button>
        ))}
      </div>
      <div class="mrz">
        {!mrz ? <p class="muted">{!ev.document ? 'The document stage did not run.' : `No machine-readable zone was read${ev.document.error ? `: ${label(ev.document.error)}` : ''}.`}</p> : (
          <>
            <table class="compact" id="mrz-fields"><caption>MRZ fields against the expected data</caption>
              <thead><tr><th scope="col">Field</th><th scope="col">On the document</th><th scope="col">Expected</th><th scope="col">Match</th></tr></thead>
              <tbody>{mrz.fields.map((f) => <tr key={f.name} class={f.match === false ? 'row-bad' : undefined}><th scope="row">{label(f.name)}</th><td class="mono">{f.value ?? '—'}</td><td class="mono">{f.expected ?? '—'}</td><td><Mark ok={f.match} /></td></tr>)}</tbody>
            </table>
            <div class="checks">
              <div>
                <h4>Check digits</h4>
                <ul class="checklist" id="check-digits">{mrz.check_digits.map((c) => <li key={c.name}><Mark ok={c.passed} /> {label(c.name)}</li>)}</ul>
              </div>
              <div>
                <h4>Data checks</h4>
                <ul class="checklist" id="data-checks">{mrz.data_checks.map((c) => <li key={c.code}><Mark ok={c.passed} /> {c.message || label(c.code)}</li>)}</ul>
              </div>
            </div>
          </>
        )}
      </div>
      {open !== null && <Lightbox shots={shots} index={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
