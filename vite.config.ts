import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: { port: 3000 },
	test: {
		include: ['test/**/*.test.ts'],
		environment: 'node',
		// Integration files each open their own PGlite or PostgreSQL database; a fresh PGlite store is
		// memory-hungry while it initialises, so keep the number of files running at once modest.
		maxWorkers: 3,
		testTimeout: 60_000,
		hookTimeout: 120_000
	}
});
