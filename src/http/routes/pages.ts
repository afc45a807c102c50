import { join, resolve } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { buildCaptureAssets } from '../../../web/capture/build.ts';
import { captureAssetRoutes } from '../../../web/capture/routes.ts';
import { dashboardRoutes } from './dashboard.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * The hosted pages: the capture flow (bundled with esbuild on first use into DATA_DIR/web, ~100 ms,
 * so a checkout runs without a build step) and the reviewers' dashboard.
 */
export function pageRoutes(dataDir: string) {
  const outDir = join(dataDir, 'web', 'capture');
  let built: Promise<unknown> | null = null;
  const app = new Hono();
  const ensureBuilt: MiddlewareHandler = async (_c, next) => {
    built ??= buildCaptureAssets(outDir).catch((e) => { built = null; throw e; });
    await built;
    await next();
  };
  app.use('/capture/*', ensureBuilt);
  app.use('/assets/capture/*', ensureBuilt);
  app.route('/', captureAssetRoutes({ outDir, projectRoot: PROJECT_ROOT }));
  app.route('/', dashboardRoutes(join(PROJECT_ROOT, 'web')));
  return app;
}
