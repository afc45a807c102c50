import { randomUUID, randomBytes } from 'node:crypto';

// Public ids carry a type prefix so a mistaken id is obvious in logs and support tickets.
export const newSessionId = () => `ses_${randomUUID()}`;
export const newProjectId = () => `prj_${randomUUID()}`;
export const newWebhookId = () => `wh_${randomUUID()}`;
export const newEventId = () => `wh_evt_${randomBytes(12).toString('hex')}`;
export const newJobId = () => `job_${randomUUID()}`;
export const newDeliveryId = () => `dlv_${randomUUID()}`;
export const newAuditId = () => `aud_${randomUUID()}`;
export const newUploadId = () => `upl_${randomBytes(12).toString('hex')}`;
