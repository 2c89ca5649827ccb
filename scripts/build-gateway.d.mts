// Types for scripts/build-gateway.mjs (plain JS so `npm run gateway` needs no TypeScript loader).
export declare const GATEWAY_BUNDLE: string;
export declare const GATEWAY_ENV: Record<string, string>;
export declare function buildGateway(): Promise<string>;
