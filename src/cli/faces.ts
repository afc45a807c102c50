import { readFile } from 'node:fs/promises';
import { AppError } from '../domain/errors.ts';
import { createFaceEngine } from '../engines/face/human-faceapi.ts';
import { compareFaces } from '../faces/compare-faces.ts';
import { detectFaces } from '../faces/detect-faces.ts';
import type { Command } from './command.ts';

/** `vkyc faces compare a.jpg b.jpg` / `vkyc faces detect x.jpg`: the same JSON as the HTTP endpoints. */
export const facesCommand: Command = {
  name: 'faces',
  usage: 'faces compare A B | detect IMG',
  help: 'compare two face photos / detect faces (JSON)',
  async run(args) {
    const [sub, ...files] = args;
    const engine = createFaceEngine();
    await engine.init();
    try {
      if (sub === 'compare' && files.length === 2) {
        const [a, b] = await Promise.all(files.map((f) => readFile(f!)));
        print(await compareFaces(engine, new Uint8Array(a!), new Uint8Array(b!)));
      } else if (sub === 'detect' && files.length === 1) {
        print(await detectFaces(engine, new Uint8Array(await readFile(files[0]!))));
      } else {
        throw new Error('usage: vkyc faces compare A.jpg B.jpg | vkyc faces detect IMG.jpg');
      }
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      print({ error: { code: e.code, message: e.message, details: e.details } });
      process.exitCode = 1;
    }
  },
};

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
