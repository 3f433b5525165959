import type { Db } from '../db/client.js';
import { deleteAlertRule, getAlertRule, updateAlertRule } from '../db/queries/alert-rules.js';

/** Changes to a stored rule from the API: snooze, enable or disable, delete. */

/** Applies the change; false when there is no such rule. A change that sets nothing only checks that. */
export async function updateRule(db: Db, id: number, change: { snoozedUntil?: Date | null; isEnabled?: boolean }): Promise<boolean> {
	if (change.snoozedUntil === undefined && change.isEnabled === undefined) return (await getAlertRule(db, id)) !== undefined;
	return updateAlertRule(db, id, change);
}

/** Deletes the rule with its alerts and history; false when there is no such rule. */
export function deleteRule(db: Db, id: number): Promise<boolean> {
	return deleteAlertRule(db, id);
}
