/**
 * The published figures behind Dockpulse's seed document, each with the citation an analyst can quote.
 * Dates are the days the figures were presented. Where a figure is derived (from a published growth
 * percentage), the citation says how.
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
				citation: `derived: 460 x 2.83 from "contributors +183%", ${dockerCon15Growth}; about 1.3K`
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
				citation: `derived: 6,700 x 6.15 from "GitHub projects about Docker +515%", ${dockerCon15Growth}`
			}
		]
	}
];
