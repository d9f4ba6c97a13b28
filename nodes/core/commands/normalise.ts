/**
 * The folding of what citizens type now lives in core/shared/normalise.ts: the command grammar and the
 * lists (core/lists) fold text the same way. Re-exported here for the command grammar's own files.
 */
export * from '../shared/normalise';
