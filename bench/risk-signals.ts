import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { buildRuntime } from '../src/main.ts';
import { createKey } from '../src/projects/keys.ts';
import { importIpList } from '../src/risk/ip-lists.ts';
import { createSession } from '../src/sessions/create-session.ts';
import { saveClientInfo } from '../src/sessions/complete-capture.ts';
import { loadSession } from '../src/sessions/rows.ts';
import { sessionRiskSignals } from '../src/verification/stages/risk.ts';

// Time to compute one session's risk signals (IP lookups, list match, device and referring
// signals) on SQLite, after the databases are loaded, with LIST_SIZE synthetic list entries.
// Usage: node --import tsx bench/risk-signals.ts [sessions=200] [listSize=10000]; bench:risk calls measureSignals.

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36';

export interface SignalTimes { sessions: number; list_entries: number; database_load_ms: number; p50_ms: number; p99_ms: number; rss_mb: number }

export async function measureSignals(n = 200, listSize = 10_000): Promise<SignalTimes> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-bench-risk-'));
  const rt = await buildRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  try {
    const { project } = await createKey(rt.deps, 'bench', 'test');
    const entries = Array.from({ length: listSize }, (_, i) => ({ list: 'vpn' as const, cidr: `100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32` }));
    await importIpList(rt.deps.db, project.id, entries, { replace: true, source: 'bench', now: new Date() });
    const t0 = performance.now();
    rt.deps.risk!.geoip.lookup('8.8.8.8');
    const loadMs = performance.now() - t0;
    let prev: string | null = null;
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const created = await createSession(rt.deps, project.id, { profile: { steps: ['document'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 600, ...(prev ? { referring_session_id: prev } : {}) });
      const ip = `${1 + (i % 200)}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 256}`;
      await saveClientInfo(rt.deps, await loadSession(rt.deps.db, project.id, created.id), { user_agent: UA, timezone: 'America/Chicago', languages: ['en-US'] }, { ip, socket_ip: ip, forwarded_for: null });
      const s = await loadSession(rt.deps.db, project.id, created.id);
      const t = performance.now();
      await sessionRiskSignals(rt.deps, s);
      times.push(performance.now() - t);
      prev = created.id;
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2));
    return { sessions: n, list_entries: listSize, database_load_ms: Math.round(loadMs), p50_ms: q(0.5), p99_ms: q(0.99), rss_mb: Math.round(process.memoryUsage().rss / 1e6) };
  } finally {
    await rt.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureSignals(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 10_000))));
}
