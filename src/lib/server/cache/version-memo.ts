/**
 * Reads that depend on the stored data only, shared by every caller that read the same data version
 * (db/queries/data-version.ts): fifty page views arriving together between two writes make one read,
 * not fifty, and a write makes the next caller read again. One entry per name and database, the one
 * of the newest version asked for, so the memo never grows. A read that fails is not kept.
 */

interface Entry {
	version: string;
	value: Promise<unknown>;
}

const memos = new WeakMap<object, Map<string, Entry>>();

export function memoUnderVersion<T>(db: object, name: string, version: string, read: () => Promise<T>): Promise<T> {
	let memo = memos.get(db);
	if (!memo) {
		memo = new Map();
		memos.set(db, memo);
	}
	const kept = memo.get(name);
	if (kept?.version === version) return kept.value as Promise<T>;
	const value = read();
	const entry: Entry = { version, value };
	memo.set(name, entry);
	value.catch(() => {
		if (memo.get(name) === entry) memo.delete(name);
	});
	return value;
}
