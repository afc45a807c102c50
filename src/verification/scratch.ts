// The in-memory hand-over between the stages of one run (decoded frame paths, frame measurements,
// embeddings): never stored, gone when the run ends. Each entry is reached through a typed key
// owned by the module that writes it, so readers get the writer's type without a cast of their own.

/** A key into a run's Scratch; `T` is the type of the value kept under it. */
export class ScratchKey<T> {
  /** Carries T (type only): keys of different value types are not interchangeable. */
  declare readonly valueType?: T;
  constructor(readonly name: string) {}
}

export class Scratch {
  readonly #entries = new Map<ScratchKey<unknown>, unknown>();

  get<T>(key: ScratchKey<T>): T | undefined {
    // set() is the only writer and stores a T under a ScratchKey<T> (keys compare by identity).
    return this.#entries.get(key) as T | undefined;
  }

  set<T>(key: ScratchKey<T>, value: T): void {
    this.#entries.set(key, value);
  }

  /** The entry under `key`, made on first use. */
  getOrSet<T>(key: ScratchKey<T>, make: () => T): T {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const made = make();
    this.set(key, made);
    return made;
  }
}
