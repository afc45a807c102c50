// Size of the typed client as an application bundles it (esbuild, minified ESM): npm run client:size.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entries: Array<[string, string, string[]]> = [
  ['client (with openapi-fetch and the webhook helper)', 'clients/ts/src/index.ts', []],
  ['client code alone (openapi-fetch external)', 'clients/ts/src/index.ts', ['openapi-fetch']],
  ['webhook helper alone', 'clients/ts/src/webhooks.ts', []],
];
for (const [name, entry, external] of entries) {
  const r = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'neutral', write: false, external });
  const bytes = r.outputFiles[0]!.contents;
  process.stdout.write(`${name}: ${bytes.length} bytes minified, ${gzipSync(bytes).length} gzipped\n`);
}
