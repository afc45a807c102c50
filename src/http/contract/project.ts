import { z } from 'zod';
import { LIST_KINDS, LIST_NAMES } from '../../duplicates/lists.ts';
import { projectSettingsSchema, parseSettings } from '../../projects/settings.ts';
import { named, timestamp } from './registry.ts';

// Project-level answers: block/allow lists and settings.

export const ListEntry = named('ListEntry', z.object({
  object: z.literal('list_entry'),
  list: z.enum(LIST_NAMES),
  kind: z.enum(LIST_KINDS),
  value: z.string().describe('Normalised (trimmed; upper case except accounts); faces: session:<id> or template:<hash>'),
  note: z.string().nullable(),
  created_at: timestamp,
}), { example: { object: 'list_entry', list: 'block', kind: 'document_number', value: 'L898902C3', note: 'chargeback 2025-12', created_at: '2026-01-05T10:00:00.000Z' } });

export const ListEntries = named('ListEntries', z.object({ object: z.literal('list'), data: z.array(ListEntry) }),
  { example: { object: 'list', data: [{ object: 'list_entry', list: 'allow', kind: 'account', value: 'acct_77', note: null, created_at: '2026-01-05T10:00:00.000Z' }] } });

export const ListEntryDeleted = named('ListEntryDeleted', z.object({
  object: z.literal('list_entry'), list: z.enum(LIST_NAMES), kind: z.enum(LIST_KINDS), value: z.string(), deleted: z.literal(true),
}), { example: { object: 'list_entry', list: 'block', kind: 'ip', value: '203.0.113.7', deleted: true } });

export const ProjectSettings = named('ProjectSettings', projectSettingsSchema.extend({ object: z.literal('project_settings') }),
  { example: { object: 'project_settings', ...parseSettings(null) } });

export const Health = named('Health', z.object({ ok: z.boolean(), reason: z.string().optional().describe('When not ready: engines loading, database unreachable') }),
  { example: { ok: true } });
