import type { Config } from '../config/config.ts';

/** A capability command of the CLI (faces, mrz, transcribe, settings, lists); registered in commands.ts. */
export interface Command {
  name: string;
  usage: string;
  help: string;
  run(args: string[], config: Config): Promise<void>;
}
