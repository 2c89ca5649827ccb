import { auditSuite } from '@/lib/audit/audit.bench';
import type { Suite } from './harness';

/** Each domain adds its benchmark suite here. */
export const SUITES: Suite[] = [auditSuite];
