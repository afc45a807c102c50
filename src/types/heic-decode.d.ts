// heic-decode ships no types: the part of its API engines/image-decode.ts uses.
declare module 'heic-decode' {
  interface Decoded { width: number; height: number; data: Uint8ClampedArray }
  interface Lazy { width: number; height: number; decode(): Promise<Decoded> }
  interface DecodeHeic {
    (input: { buffer: Uint8Array | ArrayBuffer }): Promise<Decoded>;
    all(input: { buffer: Uint8Array | ArrayBuffer }): Promise<Lazy[] & { dispose(): void }>;
  }
  const decode: DecodeHeic;
  export default decode;
}
