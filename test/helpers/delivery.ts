import type { DeliveryDeps } from '../../src/lib/server/outbox/deliver.js';

/** Delivery settings for tests: local receivers allowed, a fixed jitter, no mailer unless given. */
export function createTestDeliveryDeps(overrides: Partial<DeliveryDeps> = {}): DeliveryDeps {
	return { webhookTimeoutMs: 5_000, allowPrivateWebhooks: true, mailer: undefined, random: () => 0.5, ...overrides };
}
