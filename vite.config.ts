import { existsSync } from 'node:fs';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// Browser tests need Debian's Chromium (apt-get install -y chromium). Where it is missing they are left
// out with a warning, so that `npm test` still runs on a machine with only Node; CI sets E2E_REQUIRED=1,
// which turns a missing browser into a failure instead.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium && process.env.VITEST) {
	const message = `no Chromium at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;
	if (process.env.E2E_REQUIRED === '1') throw new Error(`E2E_REQUIRED=1 but ${message}`);
	console.warn(`\n!! Browser tests (test/e2e) not run: ${message}\n`);
}

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 3000 },
	test: {
		include: ['test/**/*.test.ts'],
		exclude: hasChromium ? [] : ['test/e2e/**'],
		environment: 'node',
		// Integration files each open their own PGlite or PostgreSQL database; a fresh PGlite store is
		// memory-hungry while it initialises, so keep the number of files running at once modest.
		maxWorkers: 3,
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
