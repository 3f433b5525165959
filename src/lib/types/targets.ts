import type { TargetRef } from '../refs.js';

/**
 * Adding and removing targets needs the collectors (jobs/), which routes may not import; the server's
 * hooks wire jobs/targets.ts in through this interface (event.locals.targetActions).
 */
export type AddTargetResult =
	| { outcome: 'added' | 'exists'; target: string }
	| { outcome: 'notFound' | 'unavailable' | 'unsupported'; target: string; message: string };

export interface TargetActions {
	add(ref: TargetRef): Promise<AddTargetResult>;
	remove(ref: TargetRef): Promise<boolean>;
}
