// The replay server lives in harness/, shared with the benchmarks; tests keep importing it from here.
export * from '../../harness/replay-server.js';
