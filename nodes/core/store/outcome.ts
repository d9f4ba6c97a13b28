/**
 * One word for what a subscription command did, so a workflow can pick the citizen's reply with a
 * Switch on `outcome` instead of reading the change lists.
 */
import type { CommandOperation, CommandOutcome, CommandSummary } from '../shared/commandOutcome';
import type { ChangeResult, SubscriberRecord, SubscriptionState } from './types';

export type { CommandOperation, CommandOutcome, CommandSummary };

function listsIn(subscriber: SubscriberRecord | null, state: SubscriptionState): string[] {
	return (subscriber?.subscriptions ?? []).filter((s) => s.state === state).map((s) => s.list);
}

export function summariseChange(operation: CommandOperation, result: ChangeResult): CommandSummary {
	const outcome = result.duplicate ? 'unchanged' : outcomeOf(operation, result);
	return {
		outcome,
		changedLists: result.changed.map((change) => change.list),
		activeLists: listsIn(result.subscriber, 'active'),
		pendingLists: listsIn(result.subscriber, 'pending'),
	};
}

/** The outcome of a command applied now (a redelivered one is `unchanged` before this). */
function outcomeOf(operation: CommandOperation, result: ChangeResult): CommandOutcome {
	const changedTo = (state: SubscriptionState) =>
		result.changed.some((change) => change.to === state);
	const unchangedBecause = (reason: ChangeResult['unchanged'][number]['reason']) =>
		result.unchanged.some((entry) => entry.reason === reason);
	let outcome: CommandOutcome = 'unchanged';
	switch (operation) {
		case 'requestSubscription':
			if (changedTo('pending')) outcome = 'pending';
			else if (
				result.unchanged.length > 0 &&
				result.unchanged.every((entry) => entry.reason === 'already' && entry.state === 'active')
			)
				outcome = 'alreadyActive';
			else if (
				result.unchanged.some((entry) => entry.reason === 'already' && entry.state === 'pending')
			)
				outcome = 'pending';
			break;
		case 'confirmConsent':
			if (changedTo('active')) outcome = 'activated';
			else if (unchangedBecause('expired')) outcome = 'expired';
			else if (!unchangedBecause('stale')) outcome = 'nothingPending';
			break;
		case 'unsubscribe':
			if (changedTo('cancelled')) outcome = 'cancelled';
			else if (!unchangedBecause('stale')) outcome = 'notSubscribed';
			break;
		case 'importSubscriber':
			outcome = result.changed.length > 0 ? 'imported' : 'unchanged';
			break;
	}
	return outcome;
}
