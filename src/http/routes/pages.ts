import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import { captureAssetRoutes } from './capture-page.ts';
import { dashboardRoutes } from './dashboard.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Where `npm run build:web` (web/capture/build.ts) writes the capture page's bundle. The server
 * only reads this directory: it never imports the front end's build code (esbuild, the page's
 * sources). `npm start`, the test runner and `vkyc serve` build it when needed.
 */
export const CAPTURE_BUILD_DIR = join(PROJECT_ROOT, 'web', 'build', 'capture');

/** The hosted pages: the capture flow (the built bundle) and the reviewers' dashboard. */
export function pageRoutes(captureDir: string = CAPTURE_BUILD_DIR, opts: { frameAncestors?: (token: string) => Promise<string[]> } = {}) {
  const app = new Hono();
  app.route('/', captureAssetRoutes({ outDir: captureDir, projectRoot: PROJECT_ROOT, ...opts }));
  app.route('/', dashboardRoutes(join(PROJECT_ROOT, 'web')));
  return app;
}
