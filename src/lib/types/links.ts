/** Links between Docker Hub images and GitHub repositories, as the API and the targets pages show them. */

export interface LinkView {
	/** The Docker Hub image, dockerhub:<ns>/<image>. */
	image: string;
	imageName: string;
	/** The GitHub repository, github:<owner>/<name>. */
	repository: string;
	repositoryName: string;
	/** suggested: accepted from a suggestion; manual: paired by hand. */
	origin: 'manual' | 'suggested';
	createdAt: string;
	/** The series derived from the pair (derived:<image>:pulls_per_star, ...). */
	derivedSeries: string[];
}

export interface SuggestionView {
	image: string;
	imageName: string;
	repository: string;
	repositoryName: string;
	/** Why: the image's Docker Hub description names the repository, or the repository's homepage names the image. */
	reasons: ('description' | 'homepage')[];
}

export interface TargetLinks {
	links: LinkView[];
	suggestions: SuggestionView[];
}

export interface LatestValue {
	ts: string;
	value: number;
}

/** A linked pair side by side: both targets' latest figures and the derived ratios at the image's latest pulls. */
export interface PairView extends LinkView {
	pulls: LatestValue | null;
	stars: LatestValue | null;
	contributors: LatestValue | null;
	/** The latest pulls over the stars (contributors) on or before them; null where there is none or it is 0. */
	pullsPerStar: number | null;
	pullsPerContributor: number | null;
}

export interface PairsView {
	pairs: PairView[];
	suggestions: SuggestionView[];
}
