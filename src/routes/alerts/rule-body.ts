/**
 * The new-rule form's fields as the JSON body of POST /api/alerts and /api/alerts/backtest. Browser
 * code: the server validates the body again and names a bad field.
 */
export interface RuleFormFields {
	name: string;
	scope: string;
	kind: 'threshold' | 'growth' | 'milestone' | 'eta' | 'stale' | 'anomaly';
	op: 'above' | 'below';
	value: string;
	windowDays: string;
	compare: 'ago' | 'previous';
	percent: string;
	minBase: string;
	maxAgeHours: string;
	withinDays: string;
	direction: 'spike' | 'drop' | 'both';
	minScore: string;
	pendingEvaluations: string;
	repeatIntervalMinutes: string;
	noData: 'keep' | 'unmet' | 'met';
	webhookUrl: string;
	webhookFormat: 'json' | 'slack';
	email: string;
}

export const emptyRuleForm: RuleFormFields = {
	name: '',
	scope: '',
	kind: 'threshold',
	op: 'above',
	value: '',
	windowDays: '7',
	compare: 'ago',
	percent: '20',
	minBase: '100',
	maxAgeHours: '48',
	withinDays: '30',
	direction: 'both',
	minScore: '3.5',
	pendingEvaluations: '0',
	repeatIntervalMinutes: '',
	noData: 'keep',
	webhookUrl: '',
	webhookFormat: 'json',
	email: ''
};

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

function buildCondition(f: RuleFormFields): Record<string, unknown> {
	switch (f.kind) {
		case 'threshold':
			return { kind: 'threshold', op: f.op, value: number(f.value) };
		case 'milestone':
			return { kind: 'milestone', value: number(f.value) };
		case 'eta':
			return { kind: 'eta', value: number(f.value), withinDays: number(f.withinDays) };
		case 'stale':
			return { kind: 'stale', maxAgeHours: number(f.maxAgeHours) };
		case 'anomaly':
			return { kind: 'anomaly', direction: f.direction, minScore: number(f.minScore) };
		case 'growth':
			return { kind: 'growth', windowDays: number(f.windowDays), compare: f.compare, op: f.op, percent: number(f.percent), minBase: number(f.minBase || '0') };
	}
}

export function buildRuleBody(f: RuleFormFields): Record<string, unknown> {
	return {
		name: f.name,
		scope: f.scope.trim(),
		condition: buildCondition(f),
		pendingEvaluations: number(f.pendingEvaluations || '0'),
		repeatIntervalMinutes: f.repeatIntervalMinutes.trim() === '' ? null : number(f.repeatIntervalMinutes),
		noData: f.noData,
		channels: {
			webhooks: f.webhookUrl.trim() ? [{ url: f.webhookUrl.trim(), format: f.webhookFormat }] : [],
			emails: f.email.trim() ? [f.email.trim()] : []
		}
	};
}
