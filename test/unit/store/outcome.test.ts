/** summariseChange: the one word a workflow switches on to pick the citizen's reply. */
import { summariseChange, type CommandOperation } from '../../../nodes/core/store/outcome';
import type { ChangeResult, SubscriberRecord, Subscription } from '../../../nodes/core/store/types';

function subscription(list: string, state: Subscription['state']): Subscription {
	const at = '2026-03-03T09:00:00.000Z';
	return {
		list,
		state,
		policyVersion: 'v1',
		requestedAt: at,
		consentAt: null,
		cancelledAt: null,
		commandAt: at,
		updatedAt: at,
	};
}

function result(partial: Partial<ChangeResult>, subscriptions: Subscription[] = []): ChangeResult {
	const subscriber: SubscriberRecord = {
		key: 'wa:393331234567',
		waId: '393331234567',
		userId: null,
		displayName: null,
		createdAt: '2026-03-03T09:00:00.000Z',
		updatedAt: '2026-03-03T09:00:00.000Z',
		subscriptions,
	};
	return { subscriber, changed: [], unchanged: [], ...partial };
}

const cases: Array<{
	label: string;
	operation: CommandOperation;
	result: ChangeResult;
	outcome: string;
}> = [
	{
		label: 'request of a new list',
		operation: 'requestSubscription',
		result: result({ changed: [{ list: 'EMERGENZE', from: null, to: 'pending' }] }),
		outcome: 'pending',
	},
	{
		label: 'request of an active list',
		operation: 'requestSubscription',
		result: result({ unchanged: [{ list: 'EMERGENZE', state: 'active', reason: 'already' }] }),
		outcome: 'alreadyActive',
	},
	{
		label: 'request again while pending (policy sent again)',
		operation: 'requestSubscription',
		result: result({ unchanged: [{ list: 'EMERGENZE', state: 'pending', reason: 'already' }] }),
		outcome: 'pending',
	},
	{
		label: 'request, one new and one active',
		operation: 'requestSubscription',
		result: result({
			changed: [{ list: 'A', from: null, to: 'pending' }],
			unchanged: [{ list: 'B', state: 'active', reason: 'already' }],
		}),
		outcome: 'pending',
	},
	{
		label: 'request older than the current state',
		operation: 'requestSubscription',
		result: result({ unchanged: [{ list: 'A', state: 'cancelled', reason: 'stale' }] }),
		outcome: 'unchanged',
	},
	{
		label: 'consent activates',
		operation: 'confirmConsent',
		result: result({ changed: [{ list: 'A', from: 'pending', to: 'active' }] }),
		outcome: 'activated',
	},
	{
		label: 'consent too late',
		operation: 'confirmConsent',
		result: result({ unchanged: [{ list: 'A', state: 'cancelled', reason: 'expired' }] }),
		outcome: 'expired',
	},
	{
		label: 'consent with nothing pending',
		operation: 'confirmConsent',
		result: result({ unchanged: [{ list: 'A', state: 'active', reason: 'notPending' }] }),
		outcome: 'nothingPending',
	},
	{
		label: 'consent from a stranger',
		operation: 'confirmConsent',
		result: result({}),
		outcome: 'nothingPending',
	},
	{
		label: 'unsubscribe cancels',
		operation: 'unsubscribe',
		result: result({ changed: [{ list: 'A', from: 'active', to: 'cancelled' }] }),
		outcome: 'cancelled',
	},
	{
		label: 'unsubscribe of nothing',
		operation: 'unsubscribe',
		result: result({ unchanged: [{ list: 'A', state: null, reason: 'already' }] }),
		outcome: 'notSubscribed',
	},
	{
		label: 'unsubscribe older than a later ON',
		operation: 'unsubscribe',
		result: result({ unchanged: [{ list: 'A', state: 'active', reason: 'stale' }] }),
		outcome: 'unchanged',
	},
	{
		label: 'import',
		operation: 'importSubscriber',
		result: result({ changed: [{ list: 'A', from: null, to: 'active' }] }),
		outcome: 'imported',
	},
	{
		label: 'import repeated',
		operation: 'importSubscriber',
		result: result({}),
		outcome: 'unchanged',
	},
	{
		label: 'a redelivered consent',
		operation: 'confirmConsent',
		result: result({ duplicate: true }),
		outcome: 'unchanged',
	},
	{
		label: 'a redelivered OFF',
		operation: 'unsubscribe',
		result: result({ duplicate: true }),
		outcome: 'unchanged',
	},
];

describe('summariseChange', () => {
	test.each(cases)('$label → $outcome', ({ operation, result: change, outcome }) => {
		expect(summariseChange(operation, change).outcome).toBe(outcome);
	});

	test('lists: what changed, what is active, what is pending', () => {
		const summary = summariseChange(
			'confirmConsent',
			result({ changed: [{ list: 'EMERGENZE', from: 'pending', to: 'active' }] }, [
				subscription('EMERGENZE', 'active'),
				subscription('PUBBLICAUTILITA', 'pending'),
				subscription('ALTRA', 'cancelled'),
			]),
		);
		expect(summary).toEqual({
			outcome: 'activated',
			changedLists: ['EMERGENZE'],
			activeLists: ['EMERGENZE'],
			pendingLists: ['PUBBLICAUTILITA'],
		});
	});
});
