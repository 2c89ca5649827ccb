import { gatewaySuite } from '@/lib/gateway/bench';
import { statsSuite } from '@/lib/stats/bench';
import type { Suite } from './harness';

/** Each domain adds its benchmark suite here. */
export const SUITES: Suite[] = [gatewaySuite, statsSuite];
