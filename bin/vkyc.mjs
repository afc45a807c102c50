#!/usr/bin/env node
// vkyc runs its TypeScript sources directly through tsx: no build step between a checkout and a
// running server. The one built artefact, the capture page's bundle (web/build/capture), is made
// here when `serve` finds it missing, so a fresh clone serves the page; the server itself only
// reads that directory (`npm run build:web` rebuilds it after the page's sources change).
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'serve') {
  const { ensureCaptureAssets } = await import('../web/capture/build.ts');
  await ensureCaptureAssets();
}
await import('../src/cli/main.ts');
