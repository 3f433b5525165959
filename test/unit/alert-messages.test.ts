import { describe, expect, it } from 'vitest';
import { buildNotificationText, type NotificationFacts } from '../../src/lib/server/alerts/messages.js';

const facts = (condition: NotificationFacts['condition'], value: number | null): NotificationFacts => ({
	eventId: 1,
	ruleId: 2,
	ruleName: 'nginx 10B ahead',
	scope: 'dockerhub:library/nginx:pulls',
	series: 'dockerhub:library/nginx:pulls',
	targetName: 'nginx',
	condition,
	notify: 'firing',
	state: 'firing',
	value,
	atMs: Date.UTC(2026, 11, 1, 9)
});

describe('what a notification of an eta rule says', () => {
	const eta = { kind: 'eta', value: 10_000_000_000, withinDays: 30 } as const;

	it('names the days to the expected day, and the rule as a forecast', () => {
		const text = buildNotificationText(facts(eta, 12));
		expect(text).toContain('is expected to reach it in 12 days');
		expect(text).toContain('rule: expected to reach 10,000,000,000 within 30 days (forecast)');
		expect(buildNotificationText(facts(eta, 1))).toContain('in 1 day;');
	});

	it('says when the value is reached or due, and when it is not expected within the window', () => {
		expect(buildNotificationText(facts(eta, 0))).toContain('is at or past it');
		expect(buildNotificationText(facts(eta, null))).toContain('is not expected to reach it within 30 days');
	});
});
