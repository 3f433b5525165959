/**
 * Where the built server listens when the environment does not say: adapter-node listens on every
 * interface (0.0.0.0) when HOST is unset, which `node build` does, and on an inherited socket under
 * systemd socket activation. loadConfig refuses an explicit public HOST, SOCKET_PATH or proxy header
 * without ADMIN_TOKEN for every process; these defaults concern the web server alone, so its init hook
 * checks them before opening the store. (`npm start` sets HOST=127.0.0.1; `vite dev` listens where
 * Vite decides, on localhost unless told otherwise.)
 */

export interface ListenFacts {
	env: Record<string, string | undefined>;
	/** Whether adapter-node serves the app (not `vite dev`). */
	isBuilt: boolean;
	pid: number;
}

const isSet = (value: string | undefined) => value !== undefined && value !== '';

/** Problems with where the server would listen without ADMIN_TOKEN, in ConfigError's "NAME: why" form. */
export function findListenProblems({ env, isBuilt, pid }: ListenFacts): string[] {
	if (!isBuilt || isSet(env.ADMIN_TOKEN)) return [];
	// adapter-node takes over an inherited socket only when LISTEN_PID names this process.
	if (isSet(env.LISTEN_FDS) && Number(env.LISTEN_PID) === pid) {
		return ['LISTEN_FDS: a socket handed over by systemd may be reachable from other machines, so ADMIN_TOKEN must be set to protect writes'];
	}
	if (!isSet(env.HOST) && !isSet(env.SOCKET_PATH)) {
		return [
			'HOST: HOST is not set, so the server listens on every interface (0.0.0.0) and is reachable from other machines; ' +
				'set HOST=127.0.0.1 (npm start does) or ADMIN_TOKEN to protect writes'
		];
	}
	return [];
}
