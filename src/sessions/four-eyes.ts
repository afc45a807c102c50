import type { Deps } from '../deps.ts';
import { getProjectSettings } from '../projects/settings.ts';
import { readStoredResults } from '../verification/results/read.ts';
import type { HumanDecisionInput } from './aggregate-kernel.ts';
import type { SessionRecord } from './rows.ts';

// Four-eyes is a project setting and "high risk" is the risk stage's score: neither is in the
// session row the aggregate sees, so every route that lets a person decide asks here first and
// passes the answer in the command (sessions/aggregate-review.ts applies it).

/** Four-eyes input for the aggregate: absent when the project does not require it. */
export async function fourEyesOf(deps: Pick<Deps, 'db'>, s: SessionRecord): Promise<HumanDecisionInput['four_eyes']> {
  const settings = await getProjectSettings(deps.db, s.project_id);
  if (!settings.four_eyes) return undefined;
  const rows = await deps.db.selectFrom('stage_runs').select(['stage', 'result']).where('session_id', '=', s.id).where('stage', '=', 'risk').where('status', '=', 'completed').execute();
  const risk = readStoredResults(rows).results.risk;
  const score = risk && !risk.skipped ? risk.risk_score : null;
  return { high_risk: typeof score === 'number' && score >= settings.four_eyes_risk_score };
}

