import { z } from 'zod';
import { named, timestamp } from './registry.ts';

// ZOLOZ VideoVerify wire format: HTTP 200 (401 without a key) with { result: { resultStatus, resultCode, resultMessage } }.

const result = z.object({
  resultStatus: z.enum(['S', 'F']),
  resultCode: z.string().describe('SUCCESS, PROCESSING, UNUSABLE, LIMIT_EXCEEDED, INVALID_ARGUMENT, NO_INTERFACE_DEF, SYSTEM_ERROR'),
  resultMessage: z.string(),
});

export const ZolozInitialize = named('ZolozInitialize', z.object({
  result,
  transactionId: z.string().optional().describe('The vkyc session id'),
  clientCfg: z.string().optional().describe('The capture URL (ZOLOZ clients open clientCfg)'),
  captureUrl: z.string().optional(),
}), { example: { result: { resultStatus: 'S', resultCode: 'SUCCESS', resultMessage: 'Success' }, transactionId: 'ses_0d7c…', clientCfg: 'https://kyc.example.com/capture/cap_…', captureUrl: 'https://kyc.example.com/capture/cap_…' } });

export const ZolozCheckResult = named('ZolozCheckResult', z.object({
  result,
  videoVerifyResult: z.enum(['Success', 'Failure', 'Pending']),
  extInfo: z.object({
    quality: z.string().optional(),
    qualityPassed: z.boolean(),
    willingRetryRecords: z.string().describe('JSON text: { retryRecords: [{ status, userInput, attemptNumber }] }'),
    imageContent: z.string().optional().describe('Base64 face crop (isReturnImage Y)'),
    willingVerifyVideo: z.string().optional().describe('Base64 video up to 20 MB (isReturnImage Y)'),
  }).optional(),
}), { example: { result: { resultStatus: 'S', resultCode: 'PROCESSING', resultMessage: 'Still being collected or processed' }, videoVerifyResult: 'Pending' } });

export const AmlkycLivenessStarted = named('AmlkycLivenessStarted', z.object({
  success: z.literal(true),
  challengeToken: z.string(),
  session_id: z.string(),
  challenges: z.array(z.object({ index: z.number().int(), type: z.string(), instruction: z.string() })),
  timeoutSeconds: z.number().int(),
  expiresAt: z.string(),
  language: z.string(),
}), { example: { success: true, challengeToken: 'lvt_eyJ…', session_id: 'ses_0d7c…', challenges: [{ index: 0, type: 'smile', instruction: 'Smile' }], timeoutSeconds: 60, expiresAt: '2026-01-05T10:16:30.000Z', language: 'en' } });

// Verisoul verify-face (POST /liveness/verify-face): the seed sample's fields; null where vkyc has no
// value (zip_code: the shipped IP database has none).

const t = z.string().nullable();
const n = z.number().nullable();
const score = z.number().min(0).max(1);

export const VerisoulVerifyFace = named('VerisoulVerifyFace', z.object({
  metadata: z.object({ project_id: z.string(), session_id: z.string(), account_id: t, referring_session_id: t, request_id: z.string(), timestamp }),
  decision: z.enum(['Real', 'Suspicious', 'Fake']).describe('approved → Real, needs_review → Suspicious, declined → Fake'),
  risk_score: score,
  risk_flags: z.array(z.string()).describe('The risk stage\'s raised flags plus duplicate-face findings (repeat_face, blocked_*), strongest first'),
  device_network_signals: z.object({ device_risk: score, proxy: score, vpn: score, datacenter: score, tor: score, spoofed_ip: score, recent_fraud_ip: score, device_network_mismatch: score }),
  referring_session_signals: z.object({ impossible_travel: score, ip_mismatch: score, user_agent_mismatch: score }),
  photo_urls: z.object({ face: t.describe('Signed, expiring link to the face image the template came from') }),
  session_data: z.object({
    network: z.object({ ip_address: t, service_provider: t, connection_type: t }),
    location: z.object({ continent: t, country_code: t, state: t, city: t, zip_code: t, timezone: t, latitude: n, longitude: n }),
    browser: z.object({ type: t, version: t, language: t, user_agent: t, timezone: t }),
    device: z.object({ category: t, type: t, os: t, cpu_cores: n, memory: n, gpu: t }),
  }),
  matches: z.object({ num_accounts_linked: z.number().int(), accounts_linked: z.array(z.object({ account_id: z.string(), match_types: z.array(z.string()) })) }),
}), { description: 'The Verisoul verify-face answer, built from what the pipeline stored for the session' });
