import { licensingSuite } from '@/lib/licensing/bench';
import type { Suite } from './harness';

/** Each domain adds its benchmark suite here. */
export const SUITES: Suite[] = [licensingSuite];
