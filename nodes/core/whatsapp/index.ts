/** The WhatsApp channel's core: pure TypeScript, no n8n imports. */
export type * from './types';
export * from './signature';
export * from './webhook';
export * from './metaJson';
export * from './messages';
export * from './errors';
export * from './api';
