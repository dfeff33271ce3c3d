/**
 * The contract's method and event names, the preload's allowlists. At build time
 * scripts/electron-build.mjs replaces this module with the same lists as literals, so the
 * sandboxed preload does not carry zod and the schemas just to know the names.
 */
export { methodNames } from '../../shared/contract/methods';
export { eventNames } from '../../shared/contract/events';
