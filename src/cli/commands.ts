import type { Command } from './command.ts';
import { facesCommand } from './faces.ts';
import { mrzCommand } from './mrz.ts';
import { transcribeCommand } from './transcribe.ts';
import { settingsCommand } from './settings.ts';
import { listsCommand } from './lists.ts';
import { usersCommand } from './users.ts';
import { keysCommand } from './keys.ts';
import { sessionsCommand } from './sessions.ts';
import { evidenceCommand } from './evidence.ts';

// Capability commands (faces compare, mrz read, transcribe) register here so main.ts stays small.

export const extraCommands: Command[] = [facesCommand, mrzCommand, transcribeCommand, settingsCommand, listsCommand, usersCommand, keysCommand, sessionsCommand, evidenceCommand];
