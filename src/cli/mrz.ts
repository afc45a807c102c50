import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { postImages, serverTarget } from './server-client.ts';

/**
 * `vkyc mrz read image.jpg`: the same JSON as POST /v1/documents/recognize. With --server (or
 * VKYC_SERVER) a running server reads it; otherwise the OCR models load here (imported on use).
 */
export const mrzCommand: Command = {
  name: 'mrz',
  usage: 'mrz read IMG',
  help: 'read the MRZ of a document photo (JSON; --server URL uses a running server)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { server: { type: 'string' } } });
    const [sub, file] = positionals;
    if (sub !== 'read' || !file || positionals.length > 2) throw new Error('usage: vkyc mrz read IMAGE [--server URL  (API key in VKYC_API_KEY)]');
    const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    const image = new Uint8Array(await readFile(file));
    const server = serverTarget(values.server);
    if (server) {
      const r = await postImages(server, '/v1/documents/recognize', { image });
      out(r.body);
      if (r.status !== 200) process.exitCode = 1;
      return;
    }
    const [{ isDocumentReadError }, { readDocument }, { createPaddleOcr }] = await Promise.all([
      import('../documents/errors.ts'), import('../documents/read-document.ts'), import('../engines/ocr/paddle.ts'),
    ]);
    try {
      out(await readDocument(image, { ocr: await createPaddleOcr() }));
    } catch (e) {
      if (!isDocumentReadError(e)) throw e;
      out({ error: { code: e.code, message: e.message } });
      process.exitCode = 1;
    }
  },
};
