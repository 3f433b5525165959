import type { Config } from '$lib/server/config';
import type { Database } from '$lib/server/db/client';
import type { Collection } from '$lib/types/collection';

declare global {
	namespace App {
		interface Locals {
			config: Config;
			database: Database;
			collection: Collection;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
