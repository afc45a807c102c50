import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Browser-test helpers for the dashboard. axe-core (the accessibility engine) run inside the page. page.evaluate goes through the
// DevTools protocol, which the page's strict CSP does not govern, so the page keeps its real CSP.

const source = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeProblem { id: string; impact: string; help: string; nodes: string[] }

/** Serious and critical violations on the page as it is now. */
export async function axeSerious(page: Page): Promise<AxeProblem[]> {
  await page.evaluate(await source);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ')) }));
  });
}


/** Collects page errors and CSP refusals: each test ends asserting there were none. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}
