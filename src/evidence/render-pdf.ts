import { PDFDocument, type PDFFont, type PDFImage, type PDFPage, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';
import type { EvidencePack } from './build-pack.ts';

// The human-readable half of the evidence pack. Deterministic: no producer string, dates taken
// from the pack (`as_of`), the same pack gives the same bytes, so the signed JSON can carry the
// PDF's hash. Standard fonts only (nothing to embed or download); they speak WinAnsi, so text
// outside it is transliterated or shown as '?' — the JSON is the exact record.

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
/** Frames are drawn at most this size (points): two fit side by side in the text width. */
const FRAME_BOX = 220;

type Images = Map<string, { bytes: Uint8Array; content_type: string }>;

/** Latin-1 printable only (WinAnsi's safe subset); accents are folded first so names stay readable. */
const winAnsi = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[–—]/g, '-').replace(/[↔→]/g, '->').replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

class Writer {
  private page!: PDFPage;
  private y = 0;
  constructor(private doc: PDFDocument, private font: PDFFont, private bold: PDFFont) {
    this.newPage();
  }

  private newPage() {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  private room(h: number) {
    if (this.y - h < MARGIN) this.newPage();
  }

  line(text: string, o: { size?: number; bold?: boolean; indent?: number } = {}) {
    const size = o.size ?? 9;
    const font = o.bold ? this.bold : this.font;
    const x = MARGIN + (o.indent ?? 0);
    const width = A4[0] - MARGIN - x;
    for (const l of wrap(winAnsi(text), font, size, width)) {
      this.room(size + 3);
      this.page.drawText(l, { x, y: this.y - size, size, font, color: rgb(0, 0, 0) });
      this.y -= size + 3;
    }
  }

  heading(text: string) {
    this.room(40);
    this.y -= 8;
    this.line(text, { size: 13, bold: true });
    this.y -= 2;
  }

  images(frames: Array<{ label: string; image: PDFImage }>) {
    for (let i = 0; i < frames.length; i += 2) {
      const row = frames.slice(i, i + 2).map((f) => ({ ...f, dims: f.image.scaleToFit(FRAME_BOX, FRAME_BOX) }));
      const h = Math.max(...row.map((f) => f.dims.height)) + 14;
      this.room(h);
      row.forEach((f, j) => {
        const x = MARGIN + 12 + j * (FRAME_BOX + 16);
        this.page.drawImage(f.image, { x, y: this.y - f.dims.height, width: f.dims.width, height: f.dims.height });
        this.page.drawText(winAnsi(f.label), { x, y: this.y - f.dims.height - 10, size: 7, font: this.font });
      });
      this.y -= h + 4;
    }
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/)) {
    // A word longer than the line (a hash) is cut.
    let w = word;
    while (font.widthOfTextAtSize(w, size) > width) {
      let n = w.length - 1;
      while (n > 1 && font.widthOfTextAtSize(w.slice(0, n), size) > width) n--;
      if (cur) out.push(cur);
      out.push(w.slice(0, n));
      cur = '';
      w = w.slice(n);
    }
    const next = cur ? `${cur} ${w}` : w;
    if (font.widthOfTextAtSize(next, size) > width) {
      out.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur || !out.length) out.push(cur);
  return out;
}

async function embedImage(doc: PDFDocument, img: { bytes: Uint8Array; content_type: string }): Promise<PDFImage | null> {
  try {
    if (img.content_type === 'image/jpeg') return await doc.embedJpg(img.bytes);
    if (img.content_type === 'image/png') return await doc.embedPng(img.bytes);
    // WebP and others: pdf-lib embeds JPEG and PNG only.
    return await doc.embedPng(await sharp(img.bytes).png().toBuffer());
  } catch {
    return null; // an unreadable image is listed with its hash, not drawn
  }
}

const fmt = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : typeof v === 'string' ? v : JSON.stringify(v));

export async function renderPackPdf(pack: EvidencePack, images: Images): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const at = new Date(pack.as_of);
  doc.setTitle(`vkyc evidence pack ${pack.session.id}`, { showInWindowTitleBar: false });
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const w = new Writer(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  const s = pack.session;

  w.line('Identity verification - evidence pack', { size: 16, bold: true });
  w.line(`Issuer ${pack.issuer} · pack format ${pack.format} v${pack.version} · state as of ${pack.as_of}`, { size: 8 });
  w.line('The signed JSON pack is the authoritative record; this document is its readable form. Verify with: vkyc evidence verify pack.json', { size: 8 });

  w.heading('Session');
  for (const [k, v] of [['Session', s.id], ['Project', pack.project_id], ['External id', s.external_id], ['Steps', s.profile.steps.join(', ')], ['Created', s.created_at], ['Recorded', s.recorded_at], ['Completed', s.completed_at], ['Reviewed', s.reviewed_at], ['Status', `${s.status} (${s.state})`], ['Result', s.result]] as const) {
    w.line(`${k}: ${fmt(v)}`, { indent: 8 });
  }

  w.heading('Decision history');
  if (!pack.decision_history.length) w.line(`${pack.decision.decided_by} decided ${pack.decision.result} at ${pack.decision.decided_at}`, { indent: 8 });
  for (const d of pack.decision_history) {
    w.line(`#${d.seq} ${d.at}  ${d.action}  by ${d.actor}: ${fmt(d.result)}${d.previous_result ? ` (was ${d.previous_result})` : ''}`, { indent: 8, bold: true });
    if (d.reviewed_by) w.line(`reviewed by ${fmt(d.reviewed_by)}`, { indent: 20 });
    if (d.notes) w.line(`notes: ${d.notes}`, { indent: 20 });
  }

  w.heading('Reasons and evidence frames');
  if (!pack.reasons.length) w.line('No finding: every check passed.', { indent: 8 });
  const drawn = new Map<string, PDFImage | null>();
  for (const r of pack.reasons) {
    w.line(`${r.code} (${r.stage ?? '-'}): ${r.message}`, { indent: 8, bold: true });
    if (r.details) w.line(`details: ${fmt(r.details)}`, { indent: 20, size: 8 });
    const frames: Array<{ label: string; image: PDFImage }> = [];
    for (const f of r.evidence_frames) {
      if (!drawn.has(f.kind)) drawn.set(f.kind, images.has(f.kind) ? await embedImage(doc, images.get(f.kind)!) : null);
      const image = drawn.get(f.kind);
      if (image) frames.push({ label: `${f.kind} sha256 ${f.sha256.slice(0, 16)}...`, image });
      else w.line(`frame ${f.kind}: sha256 ${f.sha256} (not drawable)`, { indent: 20, size: 8 });
    }
    w.images(frames);
  }

  w.heading('Scores and thresholds');
  const fm = pack.scores.face_match;
  if (fm) {
    w.line(`Face match score ${fmt(fm.face_match_score)} (threshold ${fmt(fm.threshold)})`, { indent: 8 });
    for (const [name, p] of Object.entries(fm.pairs)) if (p) w.line(`${name}: score ${fmt(p.score)} vs threshold ${fmt(p.threshold)}, decline below ${fmt(p.decline_below)} -> ${p.outcome}`, { indent: 20 });
  }
  const lv = pack.scores.liveness;
  if (lv) {
    w.line(`Liveness score ${fmt(lv.liveness_score)}; passive ${fmt(lv.passive_score)}`, { indent: 8 });
    for (const c of lv.challenges) w.line(`${c.type}: value ${fmt(c.value)} vs threshold ${fmt(c.threshold)} -> ${c.passed ? 'passed' : 'failed'}`, { indent: 20 });
  }
  if (pack.scores.speech) w.line(`Speech: confidence ${fmt(pack.scores.speech.confidence)}, phrase check ${fmt(pack.scores.speech.phrase_check)}`, { indent: 8 });
  if (pack.scores.risk) w.line(`Risk score ${fmt(pack.scores.risk.risk_score)}; flags ${fmt(pack.scores.risk.risk_flags)}`, { indent: 8 });
  if (!fm && !lv && !pack.scores.speech && !pack.scores.risk) w.line('No scored stage ran.', { indent: 8 });

  w.heading('Artifacts (SHA-256 of the plaintext bytes)');
  for (const a of pack.artifacts) w.line(`${a.kind} (${a.content_type}, ${a.bytes} bytes): ${a.sha256}`, { indent: 8, size: 8 });

  w.heading('Models');
  for (const [k, v] of Object.entries(pack.models.server)) w.line(`${k}: ${fmt(v)}`, { indent: 8, size: 8 });
  for (const m of pack.models.recorded_by_stages) w.line(`stage ${m.stage} recorded ${m.field}: ${m.name}`, { indent: 8, size: 8 });

  w.heading('Audit trail (hash chain)');
  w.line(`Chain verified by the server: ${pack.audit.verified_by_server ? 'yes' : 'NO'}; head ${fmt(pack.audit.head)}`, { indent: 8, size: 8 });
  for (const r of pack.audit.records) {
    w.line(`#${r.seq} ${r.created_at} ${r.action} by ${r.actor}`, { indent: 8, size: 8, bold: true });
    w.line(`hash ${r.hash}  prev ${fmt(r.prev_hash)}`, { indent: 20, size: 7 });
  }
  return doc.save({ useObjectStreams: false });
}
