/** What adding a target answers (event.locals.collection.addTarget; POST /api/targets and the targets page). */
export type AddTargetResult =
	| { outcome: 'added' | 'exists'; target: string }
	| { outcome: 'notFound' | 'unavailable' | 'unsupported'; target: string; message: string };
