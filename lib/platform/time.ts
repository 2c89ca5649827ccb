/** Durations in milliseconds, in one place (the license JWT's claims count seconds: see lib/product/licensing/claims.ts). */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
