import type { Config } from '$lib/server/config';
import type { Database } from '$lib/server/db/client';
import type { TargetActions } from '$lib/types/targets';

declare global {
	namespace App {
		interface Locals {
			config: Config;
			database: Database;
			targetActions: TargetActions;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
