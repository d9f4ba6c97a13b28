/**
 * List broadcasts: the engine and its pacing rules, with the ledger it drives (which the store
 * composes, core/store/broadcastLedger.ts) re-exported. Pure TypeScript, no n8n import.
 */
export type * from '../store/broadcastTypes';
export type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
export {
	DELIVERY_STATES,
	FINAL_DELIVERY_STATES,
	REACHED_DELIVERY_STATES,
} from '../store/broadcastTypes';
export {
	BroadcastError,
	BroadcastLedger,
	DEFAULT_STALE_AFTER_MS,
	MAX_BROADCAST_ID_LENGTH,
	normaliseBroadcastId,
	type BeginResult,
	type BroadcastErrorCode,
} from '../store/broadcastLedger';
export {
	AdaptiveRate,
	backoffMs,
	DEFAULT_RATE,
	defaultConcurrency,
	MAX_RATE,
	TokenBucket,
	validRate,
} from './pacing';
export {
	burstOf,
	decideAnswer,
	INVALID_REQUEST_ABORT_AFTER,
	messageHash,
	PAIR_RATE_RETRY_MS,
	previewBroadcast,
	realClock,
	runBroadcast,
	THROTTLE_RETRY_MS,
	type AnswerAction,
	type BroadcastMessage,
	type BroadcastPreview,
	type BroadcastProgress,
	type BroadcastSummary,
	type Clock,
	type RunBroadcastOptions,
	type SendAnswer,
	type Transport,
} from './engine';
