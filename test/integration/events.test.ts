import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { upsertEvents } from '../../src/lib/server/db/queries/events.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { addManualEvent, listEventViews, manualEventInput } from '../../src/lib/server/events/events.js';
import { testBackends } from '../helpers/databases.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe.each(testBackends)('events on $name', (backend) => {
	let database: Database;

	beforeAll(async () => {
		database = await backend.open();
		const moby = await upsertTarget(database.db, { source: 'github', key: 'moby/moby', displayName: 'Moby' });
		const compose = await upsertTarget(database.db, { source: 'github', key: 'docker/compose', displayName: 'Compose' });
		await upsertEvents(database.db, moby, [{ ts: new Date('2015-06-16T00:00:00Z'), kind: 'release', label: 'v1.7.0' }]);
		await upsertEvents(database.db, compose, [{ ts: new Date('2015-06-17T00:00:00Z'), kind: 'release', label: '1.3.0' }]);
	});
	afterAll(() => database.close());

	const add = (body: unknown) => addManualEvent(database.db, manualEventInput.parse(body));

	it('lists the events of the charted targets and every global event, oldest first', async () => {
		await add({ date: '2015-06-22', label: 'DockerCon 2015' });
		const events = await listEventViews(database.db, { targets: ['github:moby/moby'] });
		expect(events.map((e) => [e.ts.slice(0, 10), e.kind, e.label, e.target])).toEqual([
			['2015-06-16', 'release', 'v1.7.0', 'github:moby/moby'],
			['2015-06-22', 'manual', 'DockerCon 2015', null]
		]);
		const inJune17 = await listEventViews(database.db, {
			targets: ['github:moby/moby', 'github:docker/compose'],
			from: new Date('2015-06-17T00:00:00Z'),
			to: new Date('2015-06-18T00:00:00Z')
		});
		expect(inJune17.map((e) => e.label)).toEqual(['1.3.0']);
	});

	it('shows a stored link that is not http(s) as no link', async () => {
		const target = await upsertTarget(database.db, { source: 'github', key: 'evil/links', displayName: 'Evil' });
		await upsertEvents(database.db, target, [
			{ ts: new Date('2016-01-01T00:00:00Z'), kind: 'release', label: 'v1', url: 'javascript:alert(document.cookie)' },
			{ ts: new Date('2016-01-02T00:00:00Z'), kind: 'release', label: 'v2', url: 'https://github.com/evil/links/releases/tag/v2' }
		]);
		const events = await listEventViews(database.db, { targets: ['github:evil/links'], from: new Date('2016-01-01T00:00:00Z'), to: new Date('2016-01-03T00:00:00Z') });
		expect(events.map((e) => [e.label, e.url])).toEqual([
			['v1', null],
			['v2', 'https://github.com/evil/links/releases/tag/v2']
		]);
	});

	it('stores a manual event once, however often it is added, for a target or for none', async () => {
		const first = await add({ date: '2014-06-09', label: 'DockerCon 14', target: 'github:moby/moby' });
		const again = await add({ date: '2014-06-09', label: 'DockerCon 14', target: 'github:moby/moby' });
		expect(first).toMatchObject({ ok: true, isNew: true });
		expect(again).toMatchObject({ ok: true, isNew: false });
		expect(first.ok && again.ok && first.event.id === again.event.id).toBe(true);
		const globalAgain = await add({ date: '2015-06-22', label: 'DockerCon 2015' });
		expect(globalAgain).toMatchObject({ ok: true, isNew: false });
		const all = await listEventViews(database.db, { targets: ['github:moby/moby'] });
		expect(all.filter((e) => e.label.startsWith('DockerCon'))).toHaveLength(2);
	});

	it('refuses an event for an unknown target and bad input, naming the field', async () => {
		expect(await add({ date: '2015-01-01', label: 'x', target: 'github:no/such' })).toEqual({ ok: false, message: 'no target github:no/such' });
		expect(manualEventInput.safeParse({ date: '2015-02-30', label: 'x' }).error?.issues[0]?.path).toEqual(['date']);
		expect(manualEventInput.safeParse({ date: '2015-02-03', label: '  ' }).error?.issues[0]?.path).toEqual(['label']);
		expect(manualEventInput.safeParse({ date: '2015-02-03', label: 'x', url: 'javascript:alert(1)' }).error?.issues[0]?.path).toEqual(['url']);
	});
});

describe.each(testBackends)('the events API on $name', (backend) => {
	let server: TestServer;
	const token = 'e'.repeat(24);
	const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
		fetch(`${server.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

	beforeAll(async () => {
		server = await startServer(backend.name, { ADMIN_TOKEN: token });
	});
	afterAll(() => server?.stop());

	it('adds, lists and deletes a manual event, and only with authorisation', async () => {
		expect((await post({ date: '2015-06-22', label: 'DockerCon 2015' }, {})).status).toBe(401);
		const created = await post({ date: '2015-06-22', label: 'DockerCon 2015', url: 'https://www.docker.com/dockercon/' });
		expect(created.status).toBe(201);
		const { event } = await created.json();
		expect(event).toMatchObject({ ts: '2015-06-22T00:00:00.000Z', kind: 'manual', label: 'DockerCon 2015', target: null });
		const listed = await (await fetch(`${server.url}/api/events?from=2015-01-01`)).json();
		expect(listed.events.map((e: { id: number }) => e.id)).toEqual([event.id]);
		const remove = (headers: Record<string, string>) => fetch(`${server.url}/api/events/${event.id}`, { method: 'DELETE', headers });
		expect((await remove({})).status).toBe(401);
		expect((await remove({ authorization: `Bearer ${token}` })).status).toBe(204);
		expect((await remove({ authorization: `Bearer ${token}` })).status).toBe(404);
	});

	it('answers 400 naming the bad field or parameter', async () => {
		const bad = await post({ date: 'yesterday', label: 'x' });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ parameter: 'date' });
		expect(await (await post({ date: '2015-01-01', label: 'x', colour: 'red' })).json()).toMatchObject({ parameter: 'colour' });
		const badQuery = await fetch(`${server.url}/api/events?from=soon`);
		expect(badQuery.status).toBe(400);
		expect(await badQuery.json()).toMatchObject({ parameter: 'from' });
		const badId = await fetch(`${server.url}/api/events/abc`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
		expect(badId.status).toBe(400);
	});
});
