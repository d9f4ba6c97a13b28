/**
 * The subscription-command contract between the store (which carries a command out) and the
 * conversation's reply texts (which name the lists it was about). Pure types.
 */

export type CommandOperation =
	| 'requestSubscription'
	| 'confirmConsent'
	| 'unsubscribe'
	| 'importSubscriber';

export type CommandOutcome =
	/** The lists wait for the policy to be accepted (reply: the policy with the "Accetto" button). */
	| 'pending'
	/** Every list named was already active. */
	| 'alreadyActive'
	/** Policy accepted: the pending lists are active now. */
	| 'activated'
	/** The request was older than the pending time limit: the citizen must ask again. */
	| 'expired'
	/** "ACCETTO" without a pending request. */
	| 'nothingPending'
	/** Lists cancelled. */
	| 'cancelled'
	/** Nothing to cancel: the citizen had no active or pending list among those named. */
	| 'notSubscribed'
	| 'imported'
	/** Nothing changed: a redelivered or repeated command, or one older than the current state. */
	| 'unchanged';

export interface CommandSummary {
	outcome: CommandOutcome;
	/** Lists this command changed. */
	changedLists: string[];
	activeLists: string[];
	pendingLists: string[];
}
