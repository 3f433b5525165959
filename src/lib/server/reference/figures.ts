/**
 * The published figures behind Dockpulse's seed document, each with the citation an analyst can quote.
 * Dates are the days the figures were presented. Where a figure is derived (from a published growth
 * percentage), the citation says how, and that the window it spans is our inference: no source we
 * hold states the growth figures' dates, and DockerCon 2014 -> 2015 is our reading of them.
 * Growth figures published without any base value are `publishedGrowthFigures`, kept apart: they
 * have no value to store as a sample.
 */

export interface ReferenceFigure {
	date: string;
	value: number;
	citation: string;
}

export interface ReferenceSeries {
	key: string;
	targetName: string;
	metric: string;
	unit: string;
	note: string;
	figures: ReferenceFigure[];
}

const dockerCon14Slides =
	'DockerCon 14 keynote (Ben Golub, Solomon Hykes), 2014-06-09, slides "docker-con-keynote-v11-1": ' +
	'https://www.slideshare.net/slideshow/docker-con-keynote-v11-1/35805816';
const dockerCon14Blog =
	"Docker's blog, \"Dockercon Day 1: Keynote Highlights\" (2014-06): https://blog.docker.com/2014/06/dockercon-day-1-keynote-highlights/";
const hubPastPresentFuture =
	'"Docker Hub: Past, present and future" (Ken Cochrane, bc Wong), DockerCon 2015, 2015-06-22, ' +
	'slide "Hub by the Numbers": https://www.slideshare.net/Docker/docker-hub';
const dockerCon15Growth = 'growth figures Docker published at DockerCon 2015 (2015-06-22)';
const inferredWindow = 'that it spans DockerCon 2014 -> 2015 (2014-06-09 -> 2015-06-22) is our inference, not published';

export const referenceSeries: ReferenceSeries[] = [
	{
		key: 'dockerhub',
		targetName: 'Docker Hub (published figures)',
		metric: 'pulls',
		unit: 'pulls',
		note: 'Lifetime image pulls (called "downloads" in 2014) as Docker announced them.',
		figures: [
			{ date: '2014-06-09', value: 2_750_000, citation: `"2.75M Downloads": ${dockerCon14Slides}` },
			{ date: '2015-06-22', value: 500_000_000, citation: `"500,000,000 Pulls": ${hubPastPresentFuture}` }
		]
	},
	{
		key: 'dockerhub',
		targetName: 'Docker Hub (published figures)',
		metric: 'repositories',
		unit: 'repositories',
		note: 'Dockerized applications (2014) and Docker Hub repositories (2015), as Docker announced them.',
		figures: [
			{
				date: '2014-06-09',
				value: 14_500,
				citation: `"Official Repos & 14K+ Dockerized Apps" (14.5K taken for "14K+"): ${dockerCon14Slides}; "14,000 Dockerized applications": ${dockerCon14Blog}`
			},
			{ date: '2015-06-22', value: 150_000, citation: `"150,000 Repositories": ${hubPastPresentFuture}` }
		]
	},
	{
		key: 'dockerhub',
		targetName: 'Docker Hub (published figures)',
		metric: 'users',
		unit: 'users',
		note: 'Registered Docker Hub users as Docker announced them.',
		figures: [{ date: '2015-06-22', value: 240_000, citation: `"240,000 Users": ${hubPastPresentFuture}` }]
	},
	{
		key: 'docker-project',
		targetName: 'Docker open-source project (published figures)',
		metric: 'contributors',
		unit: 'contributors',
		note: 'Contributors to the Docker project as Docker announced them; compare import:moby-git-log:contributors.',
		figures: [
			{ date: '2014-06-09', value: 460, citation: `"460+ Contributors": ${dockerCon14Slides}` },
			{
				date: '2015-06-22',
				value: 1_302,
				citation: `derived from the published +183%, window inferred: 460 x 2.83 from "contributors +183%", ${dockerCon15Growth}; ${inferredWindow}; about 1.3K`
			}
		]
	},
	{
		key: 'github',
		targetName: 'GitHub projects about Docker (published figures)',
		metric: 'projects',
		unit: 'projects',
		note: 'GitHub projects about Docker as Docker announced them.',
		figures: [
			{ date: '2014-06-09', value: 6_700, citation: `"6.7K Projects on GitHub": ${dockerCon14Slides}` },
			{
				date: '2015-06-22',
				value: 41_205,
				citation: `derived from the published +515%, window inferred: 6,700 x 6.15 from "GitHub projects about Docker +515%", ${dockerCon15Growth}; ${inferredWindow}`
			}
		]
	}
];

/**
 * A growth figure published as a percentage only: no base value was found, so nothing is stored as a
 * sample and no absolute value is derived. Reports and the overview show it beside the computed ones,
 * marked as published-percent-only.
 */
export interface PublishedGrowthFigure {
	/** The reference target it belongs to, `reference:<key>`, and what it measures. */
	key: string;
	targetName: string;
	metric: string;
	percent: number;
	/** Months, YYYY-MM: the published 2014 -> 2015 comparison, its exact days unknown. */
	period: { from: string; to: string };
	citation: string;
	/** What the figure does not say. */
	caveat: string;
}

// The project's reference material holds no primary source for these two (searched for "1,456" and
// "1,720"): the citation says where the figures come from and claims no more.
const seedGrowthFigures =
	"Docker's 2014 -> 2015 ecosystem growth figures (DockerCon 2015), as quoted in Dockpulse's seed document beside " +
	'contributors +183% and GitHub projects +515%; the original slide was not located';
const percentOnly = 'Published as a percentage only: no base value found, so no absolute figure is stored or derived';

export const publishedGrowthFigures: PublishedGrowthFigure[] = [
	{
		key: 'docker-jobs',
		targetName: 'Job offers involving Docker (published growth)',
		metric: 'job_offers',
		percent: 1_720,
		period: { from: '2014-06', to: '2015-06' },
		citation: `"job offers involving Docker +1,720%": ${seedGrowthFigures}`,
		caveat: `${percentOnly}; Dockpulse has no source that counts these offers; the 2014-06 -> 2015-06 window is inferred.`
	},
	{
		key: 'boot2docker',
		targetName: 'Boot2Docker (published growth)',
		metric: 'downloads',
		percent: 1_456,
		period: { from: '2014-06', to: '2015-06' },
		citation: `"Boot2Docker downloads +1,456%": ${seedGrowthFigures}`,
		caveat:
			`${percentOnly}; one secondary source puts Boot2Docker at about 500,000 downloads in mid-2014 (unverified, ` +
			'so not used as a base); the 2014-06 -> 2015-06 window is inferred.'
	}
];

/** A published-percent-only figure as a series reference, `reference:<key>:<metric>` (nothing is stored under it). */
export const formatPublishedGrowthRef = (figure: PublishedGrowthFigure) => `reference:${figure.key}:${figure.metric}`;
