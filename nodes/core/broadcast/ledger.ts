/**
 * The broadcast ledger moved to the store (core/store/broadcastLedger.ts), which composes every table's
 * code; this path keeps the imports that name it working.
 */
export * from '../store/broadcastLedger';
