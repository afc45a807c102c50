import { z } from 'zod';
import { DOCUMENT_UPLOAD_FALLBACKS } from '../../projects/settings.ts';
import { named, nullableTimestamp, timestamp } from './registry.ts';

// Answers of the capture page's own settings and of the desktop-to-phone hand-off (docs/embed.md).

export const CapturePageSettings = named('CapturePageSettings', z.object({
  object: z.literal('capture_page_settings'),
  embed_origins: z.array(z.string()).describe("The project's allowed_origins: the only parents the embedded page posts its events to"),
  document_upload_fallback: z.enum(DOCUMENT_UPLOAD_FALLBACKS).describe('When the document steps offer a photo file input'),
  branding: z.object({
    name: z.string().nullable().describe('Shown in the top bar instead of "Identity verification"'),
    logo_data_url: z.string().nullable().describe('A data:image/… URL (≤ 200 KB) shown before the name'),
    color: z.string().nullable().describe('#rrggbb accent for buttons; ignored by the page when white text on it would fall below 4.5:1 contrast'),
  }).describe("The project's branding (dashboard Settings → Project); null fields: vkyc's own look"),
}), { example: { object: 'capture_page_settings', embed_origins: ['https://shop.example'], document_upload_fallback: 'on_camera_failure', branding: { name: 'Acme Bank', logo_data_url: null, color: '#0b5cad' } } });

export const HandoffLink = named('HandoffLink', z.object({
  object: z.literal('capture_handoff_link'),
  id: z.string(),
  url: z.string().describe('Single-use link for the phone (/c/{code}); the code is stored hashed and shown only here'),
  expires_at: timestamp,
  qr_svg: z.string().describe('The url as an SVG QR code'),
}), { example: { object: 'capture_handoff_link', id: 'hof_5b1e…', url: 'https://kyc.example/c/7Q2M9XK4T0B8RZ3HJ6WD', expires_at: '2026-01-05T10:25:30.000Z', qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" …</svg>' } });

export const HandoffState = named('HandoffState', z.object({
  object: z.literal('capture_handoff'),
  state: z.enum(['none', 'waiting', 'opened']).describe('none: no live link; waiting: a link is shown, not opened yet; opened: a phone continues the session'),
  can_upload: z.boolean().describe('false on the device that handed off once the phone opened the link: it may only follow progress'),
  is_handoff_device: z.boolean().describe('This token came from a hand-off link'),
  opened_at: nullableTimestamp,
  expires_at: nullableTimestamp.describe('Expiry of the live link while state is waiting'),
}), { example: { object: 'capture_handoff', state: 'opened', can_upload: false, is_handoff_device: false, opened_at: '2026-01-05T10:17:02.000Z', expires_at: null } });
