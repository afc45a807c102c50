import { FINDING_SEVERITY, type FindingCode, type Severity } from './findings.ts';
import type { Reason, Result } from './session.ts';

// The decision policy: every stage reports findings; the policy maps each finding code to a
// severity. `decline` findings decline, `review` findings send the session to a human, and the
// session is approved only when the evidence it needs is there and positive.

/**
 * A stage's finding (findings.ts StageFinding) with the stage that reported it. `blocking: false`
 * caps it at review; `severity` overrides its code's severity; else the code's severity applies.
 */
export interface Finding extends Reason { code: FindingCode; stage: string; blocking?: boolean; severity?: Severity }

export function decide(findings: Finding[]): { result: Result; reasons: Finding[] } {
  const sev = (f: Finding): Severity => (f.blocking === false ? 'review' : f.severity ?? FINDING_SEVERITY[f.code]);
  if (findings.some((f) => sev(f) === 'decline')) return { result: 'declined', reasons: findings };
  if (findings.length > 0) return { result: 'needs_review', reasons: findings };
  return { result: 'approved', reasons: [] };
}
