/** What the events table holds: releases (from the sources) and manual notes. */
export const eventKinds = ['release', 'manual'] as const;
export type EventKind = (typeof eventKinds)[number];

/** An event as the charts, the report form and GET /api/events show it. */
export interface EventView {
	id: number;
	ts: string;
	kind: EventKind;
	label: string;
	url: string | null;
	/** The target it belongs to; null for a manual event about the whole ecosystem. */
	target: string | null;
}
