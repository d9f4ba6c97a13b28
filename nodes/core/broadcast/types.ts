/**
 * Types of the broadcast ledger (core/store/broadcastTypes.ts) and the delivery-status contract
 * (core/shared/deliveryStatus.ts), under the path that imports name. Pure types.
 */
export * from '../store/broadcastTypes';
export type { DeliveryStatusUpdate } from '../shared/deliveryStatus';
