import type { Config } from '$lib/server/config';
import type { Database } from '$lib/server/db/client';

declare global {
	namespace App {
		interface Locals {
			config: Config;
			database: Database;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
