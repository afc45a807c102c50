// Words and numbers as a reviewer reads them.

const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso: string | null | undefined) => (iso ? dtf.format(new Date(iso)) : '—');
const short = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
/** Table cells: "Dec 6, 15:50" (the full date is in the cell's title). */
export const whenShort = (iso: string | null | undefined) => (iso ? short.format(new Date(iso)) : '—');
/** "ses_f2e56312": enough to recognise and to search (the list's id search takes a prefix of ≥ 8). */
export const shortId = (id: string) => (id.length > 12 ? id.slice(0, 12) : id);

/** "in 12 min" / "3 min ago": claim expiry and freshness. */
export function relative(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  const txt = a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : a < 86400 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} d`;
  return s >= 0 ? `in ${txt}` : `${txt} ago`;
}

export const pct = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`);
export const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));
export const secs = (x: number) => `${Math.floor(x / 60)}:${String(Math.floor(x % 60)).padStart(2, '0')}`;

const LABELS: Record<string, string> = {
  needs_review: 'Needs review', approved: 'Approved', declined: 'Declined', resubmission_requested: 'Resubmission requested',
  pending: 'Pending', in_progress: 'In progress', processing: 'Processing', completed: 'Completed', expired: 'Expired', canceled: 'Canceled',
  self_record: 'Self-recorded', live_agent: 'Live agent', pending_second_approval: 'Awaiting second reviewer',
  video_selfie: 'Video ↔ selfie', video_document: 'Video ↔ document', selfie_document: 'Selfie ↔ document',
  document_front: 'Document front', document_back: 'Document back', selfie: 'Selfie', video: 'Video',
};
/** A code as words ("needs_review" → "Needs review"); unknown codes are de-snaked, not hidden. */
export const label = (code: string | null | undefined) => (code ? LABELS[code] ?? code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) : '—');

export const humanBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`);
