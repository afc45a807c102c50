import type { Config } from '../config/config.ts';
import { facesCommand } from './faces.ts';
import { mrzCommand } from './mrz.ts';
import { transcribeCommand } from './transcribe.ts';
import { settingsCommand } from './settings.ts';
import { listsCommand } from './lists.ts';
import { keysCommand } from './keys.ts';
import { sessionsCommand } from './sessions.ts';

// Capability commands (faces compare, mrz read, transcribe) register here so main.ts stays small.
export interface Command {
  name: string;
  usage: string;
  help: string;
  run(args: string[], config: Config): Promise<void>;
}

export const extraCommands: Command[] = [facesCommand, mrzCommand, transcribeCommand, settingsCommand, listsCommand, keysCommand, sessionsCommand];
