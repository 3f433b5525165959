/**
 * Cumulative distinct authors of moby/moby by month, measured from the project's own git log
 * (shared/data/realworld/moby-contributors-monthly.csv; method below). Kept as code so that the server
 * bundle and the scripts load it alike without reading files at run time.
 */

import { monthEndStampNote } from '../time.js';

export const mobyGitLogNote =
	'Measured from moby/moby\'s git log at b985e2313a86 (git log --format=%H%x09%aI%x09%ae%x09%an%x09%P): ' +
	'commits descending from Docker\'s root commit a27b4b8 (2013-01-18), merges included, histories merged in ' +
	'later (libnetwork, libkv, packaging) excluded; authors deduplicated by lower-cased e-mail; each value ' +
	'counts distinct authors whose first commit (author date) is in or before that month. ' +
	monthEndStampNote;

/** [month, cumulative authors] */
export const mobyCumulativeAuthors: [string, number][] = [
	['2013-01', 4],
	['2013-02', 8],
	['2013-03', 48],
	['2013-04', 61],
	['2013-05', 86],
	['2013-06', 109],
	['2013-07', 125],
	['2013-08', 172],
	['2013-09', 197],
	['2013-10', 233],
	['2013-11', 283],
	['2013-12', 326],
	['2014-01', 371],
	['2014-02', 398],
	['2014-03', 445],
	['2014-04', 473],
	['2014-05', 525],
	['2014-06', 590],
	['2014-07', 645],
	['2014-08', 683],
	['2014-09', 737],
	['2014-10', 774],
	['2014-11', 827],
	['2014-12', 855],
	['2015-01', 897],
	['2015-02', 945],
	['2015-03', 1032],
	['2015-04', 1097],
	['2015-05', 1130],
	['2015-06', 1182],
	['2015-07', 1244],
	['2015-08', 1281],
	['2015-09', 1320],
	['2015-10', 1372],
	['2015-11', 1427],
	['2015-12', 1466],
	['2016-01', 1500],
	['2016-02', 1560],
	['2016-03', 1588],
	['2016-04', 1622],
	['2016-05', 1656],
	['2016-06', 1703],
	['2016-07', 1744],
	['2016-08', 1783],
	['2016-09', 1811],
	['2016-10', 1843],
	['2016-11', 1876],
	['2016-12', 1902],
];
