/** Open311 GeoReport v2 client for the city's reporting portal (Segnala): pure TypeScript, no n8n imports. */
export type * from './types';
export * from './errors';
export * from './input';
export * from './requests';
export * from './responses';
export * from './client';
