// Entry of a face-engine worker thread. Workers do not inherit a loader registered with tsx's API in
// the main thread, so this plain-JS file registers tsx before loading the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./face-worker.ts');
