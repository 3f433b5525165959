/** One projected day: [iso-timestamp, value, lower80, upper80, lower95, upper95]. */
export type ForecastRow = [string, number, number, number, number, number];

/** A counter's projection as the explorer draws it (a dashed line with its shaded bands). */
export interface ForecastBand {
	series: string;
	points: ForecastRow[];
}
