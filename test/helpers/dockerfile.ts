import { cpSync, mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/**
 * Reads what the Dockerfile's runtime stage (its last stage) does, so that a test can repeat it without
 * Docker: which files it copies, how it installs, its environment and its command. Only the instructions
 * the runtime stage uses are understood; anything else fails loudly rather than being ignored.
 */

export interface RuntimeCopy {
	/** `build` for `COPY --from=build`, undefined for the build context (the repository). */
	fromStage: string | undefined;
	sources: string[];
	destination: string;
}

export interface RuntimeStage {
	env: Record<string, string>;
	copies: RuntimeCopy[];
	/** The `npm ci …` command of its RUN instructions, as arguments to npm. */
	installArgs: string[];
	/** Its CMD, exec form. */
	command: string[];
	/** The build stage's WORKDIR, against which `COPY --from=build` paths are read. */
	buildWorkdir: string;
}

/** The instructions, with continuation lines joined and comments dropped. */
function listInstructions(text: string): { keyword: string; rest: string }[] {
	const logical = text
		.split('\n')
		.filter((line) => !line.trim().startsWith('#'))
		.join('\n')
		.replace(/\\\n/g, ' ');
	return logical
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.length > 0)
		.map((line) => {
			const [keyword = '', ...rest] = line.split(/\s+/);
			return { keyword: keyword.toUpperCase(), rest: rest.join(' ') };
		});
}

function parseEnv(rest: string): Record<string, string> {
	const env: Record<string, string> = {};
	for (const pair of rest.split(/\s+/)) {
		const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(pair);
		if (!match) throw new Error(`ENV not in KEY=value form: ${pair}`);
		env[match[1]!] = match[2]!;
	}
	return env;
}

function parseCopy(rest: string): RuntimeCopy {
	const words = rest.split(/\s+/);
	const flags = words.filter((w) => w.startsWith('--'));
	const paths = words.filter((w) => !w.startsWith('--'));
	const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
	if (paths.length < 2) throw new Error(`COPY without source and destination: ${rest}`);
	return { fromStage: from, sources: paths.slice(0, -1), destination: paths[paths.length - 1]! };
}

export function readRuntimeStage(dockerfile: string): RuntimeStage {
	const instructions = listInstructions(dockerfile);
	const stageStarts = instructions.flatMap((instruction, index) => (instruction.keyword === 'FROM' ? [index] : []));
	const runtimeStart = stageStarts[stageStarts.length - 1];
	if (runtimeStart === undefined || stageStarts.length < 2) throw new Error('expected a build stage and a runtime stage');
	const buildWorkdir = instructions.slice(stageStarts[0], runtimeStart).find((i) => i.keyword === 'WORKDIR')?.rest;
	if (!buildWorkdir) throw new Error('the build stage has no WORKDIR');
	const stage: RuntimeStage = { env: {}, copies: [], installArgs: [], command: [], buildWorkdir };
	for (const { keyword, rest } of instructions.slice(runtimeStart + 1)) {
		if (keyword === 'ENV') Object.assign(stage.env, parseEnv(rest));
		else if (keyword === 'COPY') stage.copies.push(parseCopy(rest));
		else if (keyword === 'CMD') stage.command = JSON.parse(rest) as string[];
		else if (keyword === 'RUN') {
			const install = rest.split('&&').map((part) => part.trim()).find((part) => part.startsWith('npm ci'));
			if (install) stage.installArgs = install.split(/\s+/).slice(1);
		}
	}
	if (stage.installArgs.length === 0) throw new Error('the runtime stage runs no `npm ci`');
	if (stage.command.length === 0) throw new Error('the runtime stage has no CMD in exec form');
	return stage;
}

/**
 * Copies what the runtime stage copies into `target`: build-context paths from `repository`, build-stage
 * paths from the same repository (where `npm run build` left them).
 */
export function copyRuntimeFiles(stage: RuntimeStage, repository: string, target: string): void {
	for (const copy of stage.copies) {
		const isIntoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
		for (const source of copy.sources) {
			const from = copy.fromStage ? join(repository, relative(stage.buildWorkdir, source)) : join(repository, source);
			const to = isIntoFolder ? join(target, copy.destination, basename(source)) : join(target, copy.destination);
			mkdirSync(join(to, '..'), { recursive: true });
			cpSync(from, to, { recursive: true });
		}
	}
}

/** The `command:` of one service in compose.yaml, in its exec (JSON array) form. */
export function readComposeCommand(compose: string, service: string): string[] {
	const start = compose.indexOf(`\n  ${service}:\n`);
	if (start < 0) throw new Error(`compose.yaml has no service ${service}`);
	const next = compose.slice(start + 1).search(/\n {2}[a-z][\w-]*:\n/);
	const block = next < 0 ? compose.slice(start) : compose.slice(start, start + 1 + next);
	const match = /\n {4}command: (\[.*\])\n/.exec(block);
	if (!match) throw new Error(`service ${service} has no command in exec form`);
	return JSON.parse(match[1]!) as string[];
}
