import type { TrackDecision } from '../../core/project';

/** A reviewer's decision in words, for the panels and for tooltips on the timeline. */
export function decisionText(decision: TrackDecision): string {
  const verb = decision.decision === 'approved' ? 'Approved' : 'Sent back';
  return `${verb} by ${decision.by}${decision.comment ? `: “${decision.comment}”` : ''}`;
}

/** The mark a decided track carries on its lane and in the list. */
export const DECISION_MARKS: Record<TrackDecision['decision'], string> = { approved: '✓', 'sent-back': '↩' };
