import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AppError } from '../domain/errors.ts';
import type { Command } from './command.ts';
import { postImages, serverTarget } from './server-client.ts';

const USAGE = 'usage: vkyc faces compare A.jpg B.jpg | vkyc faces detect IMG.jpg  [--server URL  (API key in VKYC_API_KEY)]';

/**
 * `vkyc faces compare a.jpg b.jpg` / `vkyc faces detect x.jpg`: the same JSON as the HTTP endpoints.
 * With --server (or VKYC_SERVER) a running server answers with its warm models; otherwise the face
 * models load in this process, and only they (the engine is imported when needed).
 */
export const facesCommand: Command = {
  name: 'faces',
  usage: 'faces compare A B | detect IMG',
  help: 'compare two face photos / detect faces (JSON; --server URL uses a running server)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { server: { type: 'string' } } });
    const [sub, ...files] = positionals;
    if (!((sub === 'compare' && files.length === 2) || (sub === 'detect' && files.length === 1))) throw new Error(USAGE);
    const images = await Promise.all(files.map(async (f) => new Uint8Array(await readFile(f!))));
    const server = serverTarget(values.server);
    if (server) {
      const r = await postImages(server, `/v1/faces/${sub}`, sub === 'compare' ? { a: images[0]!, b: images[1]! } : { image: images[0]! });
      print(r.body);
      if (r.status !== 200) process.exitCode = 1;
      return;
    }
    const [{ createFaceEngine }, { compareFaces }, { detectFaces }] = await Promise.all([
      import('../engines/face/human-faceapi.ts'), import('../faces/compare-faces.ts'), import('../faces/detect-faces.ts'),
    ]);
    const engine = createFaceEngine();
    await engine.init();
    try {
      print(sub === 'compare' ? await compareFaces(engine, images[0]!, images[1]!) : await detectFaces(engine, images[0]!));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      print({ error: { code: e.code, message: e.message, details: e.details } });
      process.exitCode = 1;
    }
  },
};

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
