// Structured JSON logs, one line per event. Callers pass fields, never raw request bodies, keys,
// tokens or biometric data; `redact` strips the obvious ones in case one slips through.

type Level = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, f?: Fields): void;
  info(msg: string, f?: Fields): void;
  warn(msg: string, f?: Fields): void;
  error(msg: string, f?: Fields): void;
  child(f: Fields): Logger;
}

const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_KEYS = /authorization|api[_-]?key|secret|token|password|image|frame|embedding|audio|passport/i;

function redact(f: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(f)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

export function createLogger(level: Level | 'silent' = 'info', base: Fields = {}, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const emit = (lvl: Level, msg: string, f?: Fields) => {
    if (order[lvl] < order[level]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...redact({ ...base, ...f }) }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger(level, { ...base, ...f }, write),
  };
}

/**
 * The same logger with its info lines written at debug: for routine work whose success is not news
 * (the maintenance pool runs the expiry sweep every minute and retention every hour; their "job
 * completed" lines filled info logs). Warnings and errors keep their level.
 */
export function infoAsDebug(log: Logger): Logger {
  return { ...log, info: (m, f) => log.debug(m, f), child: (f) => infoAsDebug(log.child(f)) };
}
