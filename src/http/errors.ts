import type { Context } from 'hono';
import { z } from 'zod';
import { AppError, type ErrorCode, errorStatus } from '../domain/errors.ts';
import type { Logger } from '../log.ts';

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The one error handler: AppError → its status; zod → 422 with field paths; anything else → 500 without internals. */
export function handleError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, err.details), err.status as 400);
    }
    if (err instanceof z.ZodError) {
      return c.json(errorBody('validation_failed', 'request is not valid', zodDetails(err)), 422);
    }
    log.error('unhandled error', { request_id: c.get('requestId' as never), path: c.req.path, err: err.stack ?? String(err) });
    return c.json(errorBody('internal_error', 'internal error; the request id identifies it in the logs', { request_id: c.get('requestId' as never) }), 500);
  };
}

export function zodDetails(err: z.ZodError) {
  return { issues: err.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })) };
}

