import { alertOutbox } from '../alerts/outbox.js';
import { reportOutbox } from '../report-schedules/outbox.js';
import type { Outbox } from './deliver.js';

/** Every outbox the deliverer serves, in the order a pass serves them. */
export function listOutboxes(): readonly Outbox[] {
	return [alertOutbox, reportOutbox];
}
