#!/usr/bin/env node
// vkyc runs its TypeScript sources directly through tsx: no build step between a checkout and a
// running server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
