import type { Config } from '$lib/server/config';
import type { Database } from '$lib/server/db/client';
import type { ExportSlots } from '$lib/server/export/slots';
import type { Collection } from '$lib/types/collection';

declare global {
	namespace App {
		interface Locals {
			config: Config;
			database: Database;
			collection: Collection;
			/** The CSV exports streaming in this process, at most EXPORT_CONCURRENCY. */
			exportSlots: ExportSlots;
			/** Whether this request could write (a token, a session, or a local caller in open mode). */
			canWrite: boolean;
			/** This request's id: the caller's x-request-id when well-formed, else a new UUID. */
			requestId: string;
		}
		interface Platform {
			/** adapter-node's request: its socket is closed when an export passes its deadline. */
			req?: import('node:http').IncomingMessage;
		}
		interface Error {
			message: string;
			/** Set for an unexpected error: the id it was logged under. */
			requestId?: string;
		}
	}
}

export {};
