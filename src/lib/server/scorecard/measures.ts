import { formatPercent } from '../../format.js';
import type { ScorecardPublished } from '../../types/scorecard.js';
import { computeGrowth } from '../metrics/growth.js';
import { publishedGrowthFigures, referenceSeries } from '../reference/figures.js';

/**
 * The ecosystem scorecard's measures: one per line of the table Docker showed for 2014-2015
 * (DockerCon 2015), in its order. Each says what was published (computed from the reference figures
 * in reference/figures.ts, never retyped), how Dockpulse measures the same thing now, if it can, and
 * what the measured figure does not say. Growth is measured by report rules (value on or before each
 * end), summed over a measure's series (sum.ts).
 */

/** The published comparison's days: DockerCon 2014 -> DockerCon 2015 (the window is our inference). */
export const publishedPeriod = { from: '2014-06-09', to: '2015-06-22' } as const;

export type MeasureSource =
	/** The first of these series that exists is the measure (a rebuilt history may stand in for a collected one). */
	| { kind: 'series'; candidates: string[] }
	/** The sum over every series these selectors (series or patterns with *) match. */
	| { kind: 'sum'; selectors: string[] }
	/**
	 * Distinct contributors across these GitHub repositories (github:<owner>/<name>): the union of the
	 * identities their contributor-history backfills kept (distinct-contributors.ts). A configured option.
	 */
	| { kind: 'distinctContributors'; repositories: string[] }
	/** Nothing public counts it: the published figure only. */
	| { kind: 'published' };

/** What the distinct-contributors option does not say (distinct-contributors.ts). */
export const distinctContributorsCaveats = [
	'An identity is a GitHub account, or a lower-cased e-mail for commits no account matches: one person with both, or with several e-mails, counts more than once',
	"Default branches' commit authors only; co-authors and bots are not counted",
	'Rebuilt from each repository\'s commit history when its backfill completed: the count ends at the last month anyone new appeared then'
];

/** A source in words, for a row's coverage and a configuration plan's line. */
export function describeMeasureSource(source: MeasureSource): string {
	switch (source.kind) {
		case 'series':
			return source.candidates.join(' or ');
		case 'sum':
			return `the sum of ${source.selectors.join(', ')}`;
		case 'distinctContributors':
			return `distinct contributors across ${source.repositories.join(', ')}`;
		case 'published':
			return 'no public source';
	}
}

export interface Measure {
	id: string;
	label: string;
	published: ScorecardPublished;
	source: MeasureSource;
	/** growth: compared on the growth %; level: compared on the value at the period's end. */
	reading: 'growth' | 'level';
	method: string;
	caveats: string[];
	/** Why the published figure and the measured one differ, for the verification view. */
	explanation: string;
	/** The source came from the configuration file's scorecard section (overrides.ts): this was the default. */
	defaultSource?: MeasureSource;
}

function findReference(key: string, metric: string) {
	const series = referenceSeries.find((s) => s.key === key && s.metric === metric);
	if (!series) throw new Error(`no reference series ${key}:${metric} in reference/figures.ts`);
	return series;
}

/** A published growth from the first and last reference figures of a series, with their citations. */
function publishedGrowth(key: string, metric: string): { percent: number; citations: string[] } {
	const { figures } = findReference(key, metric);
	const [first, last] = [figures[0]!, figures[figures.length - 1]!];
	const percent = computeGrowth({ ts: new Date(first.date), value: first.value }, { ts: new Date(last.date), value: last.value }).percent!;
	return { percent, citations: figures.map((f) => f.citation) };
}

/** A published level: the reference figure of the published period's end. */
function publishedLevel(key: string, metric: string): { value: number; citation: string } {
	const figure = findReference(key, metric).figures.find((f) => f.date === publishedPeriod.to);
	if (!figure) throw new Error(`no ${publishedPeriod.to} figure for ${key}:${metric}`);
	return { value: figure.value, citation: figure.citation };
}

function publishedPercentOnly(key: string) {
	const figure = publishedGrowthFigures.find((f) => f.key === key);
	if (!figure) throw new Error(`no published growth figure ${key} in reference/figures.ts`);
	return figure;
}

function growthFigure(key: string, metric: string): ScorecardPublished {
	const { percent, citations } = publishedGrowth(key, metric);
	return { text: formatPercent(percent), percent, value: null, citations };
}

function levelFigure(key: string, metric: string, text: string): ScorecardPublished {
	const { value, citation } = publishedLevel(key, metric);
	return { text, percent: null, value, citations: [citation] };
}

const jobs = publishedPercentOnly('docker-jobs');
const boot2docker = publishedPercentOnly('boot2docker');
const dockerizedApps = publishedGrowth('dockerhub', 'repositories');

export const measures: readonly Measure[] = [
	{
		id: 'contributors',
		label: 'Contributors',
		published: growthFigure('docker-project', 'contributors'),
		source: { kind: 'series', candidates: ['github:moby/moby:contributors', 'import:moby-git-log:contributors'] },
		reading: 'growth',
		method: "Distinct authors of moby/moby's commits, cumulative, rebuilt month by month from its commit history (or from its git log)",
		caveats: ['One core repository, not every Docker project', 'Monthly values are counts at the end of each month: an end date falls on the month end before it'],
		explanation: "Definition: Docker counted contributors across its projects; this counts moby/moby's own commit authors only"
	},
	{
		id: 'github-projects',
		label: 'GitHub projects about Docker',
		published: growthFigure('github', 'projects'),
		source: { kind: 'series', candidates: ['ecosystem:github-repos:docker:repositories'] },
		reading: 'growth',
		method: 'GitHub repository search count for "docker", rebuilt monthly from created:< windows, then observed',
		caveats: ['Repositories deleted since are missing: early months are undercounted (survivorship)', 'Search matches names, descriptions and topics; Docker\'s own definition is not published'],
		explanation: 'Survivorship: a search today sees only the projects that still exist, so the old base is too low and growth differs'
	},
	{
		id: 'job-offers',
		label: 'Job offers involving Docker',
		published: { text: formatPercent(jobs.percent), percent: jobs.percent, value: null, citations: [jobs.citation] },
		source: { kind: 'published' },
		reading: 'growth',
		method: 'Published figure only',
		caveats: [jobs.caveat],
		explanation: 'No public source counts job offers over time: nothing to measure'
	},
	{
		id: 'dockerized-applications',
		label: 'Dockerized applications (Boot2Docker downloads)',
		published: {
			text: `${formatPercent(dockerizedApps.percent)} (Boot2Docker downloads ${formatPercent(boot2docker.percent)})`,
			percent: boot2docker.percent,
			value: null,
			citations: [...dockerizedApps.citations, boot2docker.citation]
		},
		source: { kind: 'sum', selectors: ['github:boot2docker/boot2docker:downloads', 'github:docker/toolbox:downloads'] },
		reading: 'growth',
		method: 'Sum of the release asset downloads of boot2docker/boot2docker and docker/toolbox (GitHub releases), observed daily',
		caveats: [
			'A proxy: files downloaded from GitHub releases only; Boot2Docker was also installed in other ways',
			'Observed only: measured from the day Dockpulse started watching these repositories',
			boot2docker.caveat
		],
		explanation: 'Proxy vs total: GitHub release downloads of the Boot2Docker successors, compared with the published Boot2Docker growth'
	},
	{
		id: 'container-downloads',
		label: 'Container downloads (Docker Hub pulls)',
		published: growthFigure('dockerhub', 'pulls'),
		source: { kind: 'sum', selectors: ['dockerhub:library/*:pulls'] },
		reading: 'growth',
		method: 'Sum of the lifetime pull counters of the watched official images (dockerhub:library/*)',
		caveats: ['Observed only: measured from the day Dockpulse started watching each image', 'The watched official images, not all of Docker Hub', "Docker Hub's pull counter has stalled and frozen at times, and counts update checks"],
		explanation: 'Coverage: a set of official images observed since Dockpulse started, against all of Docker Hub in 2014-2015'
	},
	{
		id: 'hub-users',
		label: 'Docker Hub users',
		published: levelFigure('dockerhub', 'users', '240,000'),
		source: { kind: 'published' },
		reading: 'level',
		method: 'Published figure only',
		caveats: ['Docker Hub publishes no user count'],
		explanation: 'No public source counts Docker Hub users: nothing to measure'
	},
	{
		id: 'hub-repositories',
		label: 'Docker Hub repositories',
		published: levelFigure('dockerhub', 'repositories', '150,000'),
		source: { kind: 'sum', selectors: ['ecosystem:dockerhub-repos:*:repositories'] },
		reading: 'level',
		method: "Docker Hub's search count for the declared queries (ecosystem:dockerhub-repos:<query>), from the day each was first observed",
		caveats: ['Search counts are capped at 10,000: a capped count is a floor', 'Observed only: no history before the first observation', 'A query\'s matches, not every repository'],
		explanation: 'Definition: search matches for a query, capped, against every repository in 2015'
	},
	{
		id: 'hub-pulls-total',
		label: 'Docker Hub pulls, total',
		published: levelFigure('dockerhub', 'pulls', 'more than 500 million'),
		source: { kind: 'sum', selectors: ['dockerhub:*/*:pulls'] },
		reading: 'level',
		method: 'Sum of the lifetime pull counters of every watched Docker Hub image (image targets only: a namespace total would count its images twice)',
		caveats: ['The watched images only: a floor for all of Docker Hub', 'Observed only: measured from the day Dockpulse started watching each image'],
		explanation: 'Coverage: the watched images today, against every image in 2015'
	}
];
