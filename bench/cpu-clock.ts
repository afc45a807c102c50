// CPU time of this process (all its threads: the face worker threads are threads of this process)
// and of its waited-for children (ffmpeg, pocketsphinx): the load-independent figure next to wall
// times measured on a shared, loaded machine.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface CpuSample { wall: number; self: number; children: number }

/** utime+stime of the children this process has waited for (/proc/self/stat fields 16–17, clock ticks of 10 ms). */
function childrenMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return Number.NaN; // not Linux: children's CPU is not available
  }
}

export function cpuSample(): CpuSample {
  const u = process.cpuUsage();
  return { wall: performance.now(), self: (u.user + u.system) / 1000, children: childrenMs() };
}

/** Wall and CPU milliseconds between two samples. */
export function cpuSince(a: CpuSample, b: CpuSample = cpuSample()): { wallMs: number; cpuMs: number; selfMs: number; childrenMs: number } {
  const selfMs = b.self - a.self, childMs = b.children - a.children;
  return { wallMs: b.wall - a.wall, cpuMs: selfMs + childMs, selfMs, childrenMs: childMs };
}

export const loadAverage = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
