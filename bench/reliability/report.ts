// Figures of the suite: one row per case, a table per section, a summary line, optional JSON.
import { writeFile } from 'node:fs/promises';

export interface CaseResult {
  section: string;
  name: string;
  status: number | string;
  code: string;
  pass: boolean;
  /** Peak RSS growth of the server during the case, MB (bad inputs only). */
  rssDeltaMb?: number;
  /** Server RSS just before the request and 100 ms after the answer, MB (bad inputs only). */
  rssBeforeMb?: number;
  rssAfterMb?: number;
  ms?: number;
  note?: string;
}

export interface SectionFigures {
  section: string;
  /** Section-level counts (e.g. sessions decided, events duplicated). */
  figures: Record<string, number | string>;
  error?: string;
}

export class Report {
  readonly cases: CaseResult[] = [];
  readonly sections: SectionFigures[] = [];
  private readonly t0 = Date.now();

  add(c: CaseResult) {
    this.cases.push(c);
  }

  figures(section: string, figures: Record<string, number | string>, error?: string) {
    this.sections.push({ section, figures, ...(error ? { error } : {}) });
  }

  printSection(section: string) {
    const rows = this.cases.filter((c) => c.section === section);
    const fig = this.sections.find((s) => s.section === section);
    console.log(`\n== ${section} (${rows.filter((r) => r.pass).length}/${rows.length} pass) ==`);
    if (rows.length) {
      const w = Math.min(64, Math.max(...rows.map((r) => r.name.length)));
      console.log(`${'case'.padEnd(w)}  status  ${'code'.padEnd(26)} result  rssΔMB    ms`);
      for (const r of rows) {
        const rss = r.rssDeltaMb === undefined ? '' : r.rssDeltaMb.toFixed(1);
        console.log(`${r.name.slice(0, w).padEnd(w)}  ${String(r.status).padStart(6)}  ${r.code.slice(0, 26).padEnd(26)} ${(r.pass ? 'pass' : 'FAIL').padEnd(6)} ${rss.padStart(6)} ${String(r.ms ?? '').padStart(5)}${r.note ? `  ${r.note}` : ''}`);
      }
    }
    if (fig) console.log(`figures: ${Object.entries(fig.figures).map(([k, v]) => `${k}=${v}`).join('  ')}${fig.error ? `\nsection error: ${fig.error}` : ''}`);
  }

  summary() {
    const bySection = [...new Set([...this.cases.map((c) => c.section), ...this.sections.map((s) => s.section)])];
    const per = bySection.map((s) => {
      const rows = this.cases.filter((c) => c.section === s);
      return { section: s, cases: rows.length, passed: rows.filter((r) => r.pass).length, failed: rows.filter((r) => !r.pass).map((r) => r.name) };
    });
    const total = this.cases.length;
    const passed = this.cases.filter((c) => c.pass).length;
    return { total, passed, failed: total - passed, seconds: Math.round((Date.now() - this.t0) / 1000), sections: per };
  }

  printSummary() {
    const s = this.summary();
    console.log(`\nsummary: ${s.passed}/${s.total} cases pass, ${s.failed} fail, ${s.seconds} s — ${s.sections.map((x) => `${x.section} ${x.passed}/${x.cases}`).join(', ')}`);
    const broken = this.sections.filter((x) => x.error);
    if (broken.length) console.log(`sections that could not finish: ${broken.map((b) => `${b.section} (${b.error})`).join('; ')}`);
  }

  async writeJson(path: string, meta: Record<string, unknown>) {
    await writeFile(path, JSON.stringify({ ...meta, summary: this.summary(), sections: this.sections, cases: this.cases }, null, 2));
  }
}
