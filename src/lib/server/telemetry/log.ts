import { format } from 'node:util';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * The process's log, with pino: one JSON object per line when NODE_ENV=production (for a log
 * collector), readable lines otherwise (pino-pretty, written synchronously so that a line printed just
 * before exit is not lost). LOG_LEVEL sets the level once the configuration is read (configureLogging);
 * until then it is info.
 *
 * Secrets never reach the log: values at the paths below are replaced whatever logs them, and code
 * logs URLs of databases and webhooks only through redactUrl / their origin.
 */

export const redactedPaths = [
	'token',
	'password',
	'authorization',
	'cookie',
	'adminToken',
	'databaseUrl',
	'smtpUrl',
	'webhookUrl',
	'*.token',
	'*.password',
	'*.authorization',
	'*.cookie',
	'*.adminToken',
	'*.databaseUrl',
	'*.smtpUrl',
	'*.webhookUrl',
	'headers.authorization',
	'headers.cookie',
	'*.headers.authorization',
	'*.headers.cookie',
	'config.github.token',
	'config.dockerhub.token',
	'config.alerts.smtpUrl'
];

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
	level: LogLevel;
	/** JSON lines (default: when NODE_ENV=production). */
	isJson?: boolean;
	/** 1 (stdout, default) or 2 (stderr: the CLIs, whose stdout is their output, a CSV for one). */
	fd?: 1 | 2;
	/**
	 * In JSON mode, what libraries print with console (adapter-node's "Listening on ...") becomes log
	 * lines too, so that every line is JSON. Servers and the worker only: a CLI's console is its output.
	 */
	capturesConsole?: boolean;
}

export function createLogger(options: LogOptions): Logger {
	const isJson = options.isJson ?? process.env.NODE_ENV === 'production';
	const fd = options.fd ?? 1;
	const settings = { level: options.level, redact: { paths: redactedPaths, censor: '[redacted]' } };
	if (isJson) return pino(settings, pino.destination({ fd, sync: true }));
	const stream = pretty({ destination: fd, sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
	return pino(settings, stream);
}

let current: Logger = createLogger({ level: 'info' });

/** Sets the level (LOG_LEVEL) and the output once the configuration is known. */
export function configureLogging(options: LogOptions): void {
	current = createLogger(options);
	const isJson = options.isJson ?? process.env.NODE_ENV === 'production';
	if (options.capturesConsole && isJson) {
		console.log = console.info = (...args: unknown[]) => current.info(format(...args));
		console.warn = (...args: unknown[]) => current.warn(format(...args));
		console.error = (...args: unknown[]) => current.error(format(...args));
	}
}

type LogMethod = (fieldsOrMessage: object | string, message?: string) => void;

function forward(level: LogLevel): LogMethod {
	return (fieldsOrMessage, message) => {
		if (typeof fieldsOrMessage === 'string') current[level](fieldsOrMessage);
		else current[level](fieldsOrMessage, message);
	};
}

/** The log every module writes to; `log.error({ err, requestId }, 'what failed')`. */
export const log = { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
