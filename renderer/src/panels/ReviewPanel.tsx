import { useState } from 'react';
import type { ReviewEvent, Track, TrackDecision } from '../../../core/project';
import { PASS_STATE_LABELS, tracksAwaitingApproval } from '../../../core/review';
import { trackSpan } from '../../../core/tracks';
import { useControllerContext } from '../controllerContext';
import { decisionText } from '../decisions';
import { useEditor, useEditorStore } from '../store';
import { ROLE_LABELS } from '../store/reviewSlice';

const NO_TRACKS: Track[] = [];

/** Why the pass cannot be approved now, or null when it can. */
function whyNotApprovable(state: string, waiting: Track[]): string | null {
  if (state === 'draft' || state === 'changes-requested') return 'Start the review first.';
  if (state === 'approved') return 'The pass is approved.';
  if (waiting.length === 0) return null;
  const ids = waiting.slice(0, 4).map((t) => t.id).join(', ');
  return `${waiting.length} track${waiting.length === 1 ? '' : 's'} not approved yet: ${ids}${waiting.length > 4 ? ', …' : ''}.`;
}

/**
 * The review of the pass: its state and counts; for the reviewer, the steps (start, approve or
 * send back the selected track, next undecided, approve the pass or request changes); for the
 * editor, what was sent back to fix. Below, the log of the pass, read-only.
 */
export function ReviewPanel() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const state = useEditor((s) => s.project?.review.state ?? 'draft');
  const decisions = useEditor((s) => s.project?.review.decisions);
  const events = useEditor((s) => s.project?.review.events);
  const tracks = useEditor((s) => s.project?.tracks ?? NO_TRACKS);
  const role = useEditor((s) => s.role);
  const selectedIds = useEditor((s) => s.selectedIds);
  const [comment, setComment] = useState('');
  if (!decisions || !events) return null;

  const approved = tracks.filter((t) => decisions[t.id]?.decision === 'approved').length;
  const sentBack = tracks.filter((t) => decisions[t.id]?.decision === 'sent-back');
  const undecided = tracks.length - approved - sentBack.length;
  const waiting = tracksAwaitingApproval({ tracks, review: { state, decisions, watched: [], events } });
  const whyNot = whyNotApprovable(state, waiting);
  const selected = tracks.find((t) => t.id === selectedIds[0]) ?? null;
  const inReview = state === 'in-review';
  const lastRequest = state === 'changes-requested' ? events.findLast((e) => e.type === 'changes-requested') : undefined;

  const goTo = (track: Track) => {
    store.getState().select([track.id]);
    store.getState().seekTo(trackSpan(track).first);
  };
  const withComment = (step: (text: string) => boolean) => {
    if (step(comment)) setComment('');
  };

  return (
    <div className="panel review-panel" data-testid="review-panel" aria-label="Review">
      <h3>
        Review <span className={`pass-state state-${state}`} data-testid="pass-state" data-state={state}>{PASS_STATE_LABELS[state]}</span>
      </h3>
      <div className="small" data-testid="review-counts">
        {approved} approved · {sentBack.length} sent back · {undecided} undecided
      </div>
      <PossibleFaces tracks={tracks} onNext={() => controller.command('next-possible-face')} />

      {role === 'reviewer' ? (
        <>
          {!inReview && state !== 'approved' && (
            <div className="row">
              <button className="primary" onClick={() => controller.command('start-review')} data-testid="start-review">Start review</button>
              {state === 'changes-requested' && <span className="small">resumes after the editor's changes</span>}
            </div>
          )}
          <div className="small selected-decision" data-testid="selected-decision">
            {selected ? (
              <>
                <b>{selected.id}</b>
                {selected.object && ` (${selected.object.label}, marked by ${selected.object.markedBy}: the leak check cannot see it, only you can)`}:{' '}
                {decisions[selected.id] ? decisionText(decisions[selected.id]) : 'no decision yet'}
              </>
            ) : (
              'Select a track, or press N for the next undecided one.'
            )}
          </div>
          <div className="row wrap">
            <button onClick={() => controller.command('approve-track')} disabled={!inReview || !selected} title="Approve the selected track (A)" data-testid="approve-track">
              ✓ Approve track
            </button>
            <button onClick={() => controller.command('next-undecided')} title="Select the next undecided track and go to its first frame (N)" data-testid="next-undecided">
              Next undecided ›
            </button>
          </div>
          <textarea
            className="comment"
            rows={2}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="What needs changing (required to send back or request changes)"
            aria-label="Review comment"
          />
          <div className="row wrap">
            <button
              onClick={() => selected && withComment((text) => store.getState().decideTrack(selected.id, 'sent-back', text))}
              disabled={!inReview || !selected}
              title="Send the selected track back to the editor with the comment"
              data-testid="send-back"
            >
              ↩ Send back track
            </button>
            <button onClick={() => withComment((text) => store.getState().requestChanges(text))} disabled={!inReview} title="Send the whole pass back to the editor with the comment" data-testid="request-changes">
              Request changes
            </button>
          </div>
          <div className="row">
            <button className="primary" onClick={() => store.getState().approvePass()} disabled={whyNot !== null} data-testid="approve-pass">
              Approve pass
            </button>
            {whyNot && <span className="small" data-testid="approve-why-not">{whyNot}</span>}
          </div>
        </>
      ) : (
        <ToFix lastRequest={lastRequest} sentBack={sentBack} decisions={decisions} goTo={goTo} />
      )}
      <EventLog events={events} open={role === 'reviewer'} />
    </div>
  );
}

/**
 * The person safety net's tracks, for both roles: a person was found whose head no face track
 * covered. Each is blurred until rejected; stepping through them is how they get looked at.
 */
function PossibleFaces({ tracks, onNext }: { tracks: Track[]; onNext(): void }) {
  const possible = tracks.filter((t) => t.origin === 'person');
  if (possible.length === 0) return null;
  const pending = possible.filter((t) => t.status === 'pending').length;
  return (
    <div className="row possible-faces" data-testid="possible-faces">
      <span className="small">
        <span className="possible-face-tag">possible face</span> {possible.length} over persons whose face was not found · {pending} not checked
      </span>
      <button onClick={onNext} title="Select the next possible face (unchecked ones first) and go to its first frame (P)" data-testid="next-possible-face">
        Next possible face ›
      </button>
    </div>
  );
}

/** For the editor: the reviewer's request and the tracks sent back, with their comments. */
function ToFix({ lastRequest, sentBack, decisions, goTo }: { lastRequest?: ReviewEvent; sentBack: Track[]; decisions: Record<string, TrackDecision>; goTo(track: Track): void }) {
  if (!lastRequest && sentBack.length === 0) return null;
  return (
    <div className="to-fix" data-testid="to-fix">
      {lastRequest && (
        <p className="request">
          Changes requested by {lastRequest.actor}: “{lastRequest.comment}”
        </p>
      )}
      {sentBack.length > 0 && (
        <ul>
          {sentBack.map((t) => (
            <li key={t.id}>
              <button className="link" onClick={() => goTo(t)}>{t.id}</button> {decisionText(decisions[t.id])}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The pass's log, latest first; nothing here can change it. */
function EventLog({ events, open }: { events: ReviewEvent[]; /** Open at first (the reviewer's view); the editor opens it when needed. */ open: boolean }) {
  return (
    <details className="event-log" open={open}>
      <summary>Log ({events.length})</summary>
      <ol data-testid="event-log" aria-label="Review log">
        {events.toReversed().map((e) => (
          <li key={e.seq} data-type={e.type}>
            <div className="small">
              <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> · {e.actor} ({ROLE_LABELS[e.role]})
            </div>
            <div className="detail">{e.detail}</div>
            {e.comment && <div className="comment-text">“{e.comment}”</div>}
          </li>
        ))}
        {events.length === 0 && <li className="small">Nothing yet: edits and review steps are logged here.</li>}
      </ol>
    </details>
  );
}
