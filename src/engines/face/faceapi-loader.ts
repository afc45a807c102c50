// Loads @vladmandic/face-api's Node WASM build and only its face-recognition network (a port of
// dlib's ResNet-34 face descriptor, 128-d). It shares the process' tfjs-core (and so the WASM
// backend Human initialised) because both builds `require('@tensorflow/tfjs-core')`.

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import type { TensorLike } from './human-loader.ts';
import type { DescriptorParams } from './descriptor-net.ts';

const require = createRequire(import.meta.url);

export interface FaceApiModule {
  version: string;
  /** The tfjs-core instance face-api's build runs on (the process' one WASM backend). */
  tf: typeof tfc;
  nets: {
    faceRecognitionNet: {
      loadFromDisk(dir: string): Promise<void>;
      /** The loaded weights, run by descriptor-net.ts. */
      params: DescriptorParams | undefined;
      computeFaceDescriptor(input: TensorLike | TensorLike[]): Promise<Float32Array | Float32Array[]>;
    };
  };
}

export function faceApiPaths(): { build: string; models: string; version: string } {
  const build = require.resolve('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const root = resolve(dirname(build), '..');
  const version = (require(join(root, 'package.json')) as { version: string }).version;
  return { build, models: join(root, 'model'), version };
}

/** Call after Human has initialised the wasm backend (loadHuman). */
export async function loadFaceApi(): Promise<FaceApiModule> {
  const paths = faceApiPaths();
  const faceapi = require(paths.build) as FaceApiModule;
  if (faceapi.tf.getBackend() !== 'wasm') {
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
  }
  await faceapi.nets.faceRecognitionNet.loadFromDisk(paths.models);
  return faceapi;
}
