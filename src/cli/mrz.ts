import { readFile } from 'node:fs/promises';
import { isDocumentReadError } from '../documents/errors.ts';
import { readDocument } from '../documents/read-document.ts';
import { createPaddleOcr } from '../engines/ocr/paddle.ts';
import type { Command } from './command.ts';

/** `vkyc mrz read image.jpg`: the same JSON as POST /v1/documents/recognize. */
export const mrzCommand: Command = {
  name: 'mrz',
  usage: 'mrz read IMG',
  help: 'read the MRZ of a document photo (JSON)',
  async run(args) {
    const [sub, file] = args;
    if (sub !== 'read' || !file) throw new Error('usage: vkyc mrz read IMAGE');
    const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    try {
      out(await readDocument(new Uint8Array(await readFile(file)), { ocr: await createPaddleOcr() }));
    } catch (e) {
      if (!isDocumentReadError(e)) throw e;
      out({ error: { code: e.code, message: e.message } });
      process.exitCode = 1;
    }
  },
};
