import { z } from 'zod';
import { named } from './registry.ts';

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
