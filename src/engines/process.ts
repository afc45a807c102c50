// The one child-process runner (ffmpeg/ffprobe, pocketsphinx, whisper.cpp, espeak-ng, cmake):
// argument arrays only (never a shell), a hard timeout, an optional AbortSignal, the whole process
// group killed on either (so grandchildren die too), and a cap on captured output so a misbehaving
// binary cannot exhaust memory.
import { spawn } from 'node:child_process';

export interface RunResult { stdout: string; stderr: string; code: number | null }

interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes kept per stream; the rest is dropped (stderr of pocketsphinx alone is ~20 kB). */
  maxOutput?: number;
  stdin?: string;
}

/** Why a run failed: killed on timeout or abort, could not start (`errno`, e.g. ENOENT), or exited non-zero (runChecked). */
type ProcessFailure = 'timeout' | 'aborted' | 'spawn' | 'exit';

export class ProcessError extends Error {
  constructor(message: string, readonly result?: RunResult, readonly reason: ProcessFailure = 'exit', readonly errno?: string) {
    super(message);
    this.name = 'ProcessError';
  }
}

export function runProcess(bin: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const max = opts.maxOutput ?? 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ProcessError(`${bin}: aborted`, { stdout: '', stderr: '', code: null }, 'aborted'));
    // Own process group, so a timeout also ends grandchildren (cmake → make → cc1plus).
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, detached: true });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (err: Error | null, code: number | null = null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve({ stdout, stderr, code });
    };
    const kill = (reason: 'timeout' | 'aborted', why: string): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      finish(new ProcessError(`${bin}: ${why}`, { stdout, stderr, code: null }, reason));
    };
    const onAbort = (): void => kill('aborted', 'aborted');
    const timer = setTimeout(() => kill('timeout', `timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < max) stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < max) stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => finish(new ProcessError(`${bin}: ${e.message}`, undefined, 'spawn', e.code)));
    child.on('close', (code) => finish(null, code));
    child.stdin.on('error', () => { /* the child may exit before reading stdin */ });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Runs and throws unless the exit code is 0. */
export async function runChecked(bin: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const r = await runProcess(bin, args, opts);
  if (r.code !== 0) {
    throw new ProcessError(`${bin} exited with ${r.code}: ${r.stderr.slice(-400)}`, r);
  }
  return r;
}
