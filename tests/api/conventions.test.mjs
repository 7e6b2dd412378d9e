// API conventions: keyset pagination, ETag / If-Match optimistic concurrency, Idempotency-Key.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor, createUser, listAll, auditHead, unique,
} from './harness.mjs';

describe('API conventions', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ demo: false });
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('keyset pagination over /api/v1/users: limit=3, follow next as after, no duplicates, all seen', async () => {
    const created = [];
    for (let i = 0; i < 7; ++i) created.push(await createUser(server, admin, { login: unique('page.user') }));
    const all = await listAll(server, admin, '/api/v1/users', 500);

    const seen = [];
    const pages = [];
    let after = null;
    for (let i = 0; i < 100; ++i) {
      const url = `/api/v1/users?limit=3${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
      const res = await call(server, 'GET', url, { token: admin });
      expectStatus(res, 200);
      assert.ok(Array.isArray(res.body.items));
      assert.ok('next' in res.body, 'the page has no `next` member');
      assert.ok(res.body.items.length <= 3, `page of ${res.body.items.length} items with limit=3`);
      pages.push(res.body.items.length);
      seen.push(...res.body.items.map((u) => u.id));
      if (res.body.next === null) break;
      assert.equal(typeof res.body.next, 'string');
      assert.equal(res.body.items.length, 3, 'a page before the last one is not full');
      after = res.body.next;
    }
    assert.equal(new Set(seen).size, seen.length, `duplicates across pages: ${seen}`);
    assert.deepEqual(seen, all.map((u) => u.id), 'paging does not give the same users in the same order as one big page');
    for (const u of created) assert.ok(seen.includes(u.id), `user ${u.login} never shows up`);
    assert.ok(all.length >= 8, `expected admin plus 7, got ${all.length}`);
    assert.equal(pages.length, Math.ceil(all.length / 3));
    // Ascending ids: the keyset order.
    for (let i = 1; i < seen.length; ++i) assert.ok(seen[i] > seen[i - 1]);
  });

  test('a page past the end is empty with next null', async () => {
    const all = await listAll(server, admin, '/api/v1/users', 500);
    const last = all[all.length - 1].id;
    const res = await call(server, 'GET', `/api/v1/users?limit=3&after=${last}`, { token: admin });
    expectStatus(res, 200);
    assert.deepEqual(res.body.items, []);
    assert.equal(res.body.next, null);
  });

  describe('ETag and If-Match on /api/v1/users/{id}', () => {
    let user;
    let etag;
    before(async () => {
      user = await createUser(server, admin, { login: unique('etag.user'), full_name: 'Первое Имя' });
    });

    async function current() {
      const res = await call(server, 'GET', `/api/v1/users/${user.id}`, { token: admin });
      expectStatus(res, 200);
      return res;
    }

    test('GET returns an ETag that is the quoted version', async () => {
      const res = await current();
      etag = res.headers.get('etag');
      assert.equal(etag, `"${res.body.version}"`);
    });

    test('PATCH with a stale If-Match is 412 and changes nothing', async () => {
      const before = await current();
      const stale = `"${before.body.version - 1}"`;
      const auditBefore = await auditHead(server, admin);
      const res = await call(server, 'PATCH', `/api/v1/users/${user.id}`, {
        token: admin, json: { full_name: 'Чужое Имя' }, headers: { 'if-match': stale },
      });
      expectProblem(res, 412);
      const after = await current();
      assert.equal(after.body.full_name, 'Первое Имя');
      assert.equal(after.body.version, before.body.version);
      assert.equal(after.headers.get('etag'), before.headers.get('etag'));
      assert.equal(await auditHead(server, admin), auditBefore, 'a rejected PATCH wrote to the audit log');
    });

    test('PATCH with a future If-Match is 412 too', async () => {
      const before = await current();
      const res = await call(server, 'PATCH', `/api/v1/users/${user.id}`, {
        token: admin, json: { full_name: 'Чужое Имя' }, headers: { 'if-match': `"${before.body.version + 5}"` },
      });
      expectProblem(res, 412);
      assert.equal((await current()).body.full_name, 'Первое Имя');
    });

    test('malformed If-Match is 400 naming the header and changes nothing', async () => {
      const before = await current();
      for (const bad of ['abc', '"1', '"1x"', '']) {
        const res = await call(server, 'PATCH', `/api/v1/users/${user.id}`, {
          token: admin, json: { full_name: 'Чужое Имя' }, headers: { 'if-match': bad },
        });
        expectProblem(res, 400, ['If-Match']);
      }
      const after = await current();
      assert.equal(after.body.version, before.body.version);
      assert.equal(after.body.full_name, 'Первое Имя');
    });

    test('PATCH with the current ETag is 200, version + 1 and a new ETag', async () => {
      const before = await current();
      const res = await call(server, 'PATCH', `/api/v1/users/${user.id}`, {
        token: admin, json: { full_name: 'Второе Имя' }, headers: { 'if-match': before.headers.get('etag') },
      });
      expectStatus(res, 200);
      assert.equal(res.body.version, before.body.version + 1);
      assert.equal(res.body.full_name, 'Второе Имя');
      assert.equal(res.headers.get('etag'), `"${before.body.version + 1}"`);
      const after = await current();
      assert.equal(after.body.version, before.body.version + 1);
      assert.equal(after.body.full_name, 'Второе Имя');
      // The old ETag is now stale.
      const again = await call(server, 'PATCH', `/api/v1/users/${user.id}`, {
        token: admin, json: { full_name: 'Третье Имя' }, headers: { 'if-match': before.headers.get('etag') },
      });
      expectProblem(again, 412);
      assert.equal((await current()).body.full_name, 'Второе Имя');
    });
  });

  test('concurrent PATCHes with the same If-Match: exactly one wins, the others get 412', async () => {
    const user = await createUser(server, admin, { login: unique('race.user'), full_name: 'До гонки' });
    const etag = `"${user.version}"`;
    const names = [0, 1, 2, 3, 4].map((i) => `Гонка ${i}`);
    const results = await Promise.all(names.map((full_name) => call(server, 'PATCH', `/api/v1/users/${user.id}`, {
      token: admin, json: { full_name }, headers: { 'if-match': etag },
    })));
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 1, `statuses: ${results.map((r) => r.status)}`);
    for (const r of results) if (r.status !== 200) expectProblem(r, 412);
    const now = await call(server, 'GET', `/api/v1/users/${user.id}`, { token: admin });
    assert.equal(now.body.version, user.version + 1);
    assert.equal(now.body.full_name, won[0].body.full_name);
  });

  test('job descriptions: ETag on create and read, stale If-Match 412, current one 200 with version + 1', async () => {
    const created = await call(server, 'POST', '/api/v1/job-descriptions', { token: admin, json: { title: 'Версия 1', body: 'текст' } });
    expectStatus(created, 201);
    const url = `/api/v1/job-descriptions/${created.body.id}`;
    assert.equal(created.headers.get('etag'), `"${created.body.version}"`);
    const read = await call(server, 'GET', url, { token: admin });
    expectStatus(read, 200);
    assert.equal(read.headers.get('etag'), created.headers.get('etag'));

    const ok = await call(server, 'PATCH', url, { token: admin, json: { title: 'Версия 2' }, headers: { 'if-match': read.headers.get('etag') } });
    expectStatus(ok, 200);
    assert.equal(ok.body.version, read.body.version + 1);
    assert.equal(ok.headers.get('etag'), `"${read.body.version + 1}"`);

    const stale = await call(server, 'PATCH', url, { token: admin, json: { title: 'Версия 3' }, headers: { 'if-match': read.headers.get('etag') } });
    expectProblem(stale, 412);
    const now = await call(server, 'GET', url, { token: admin });
    assert.equal(now.body.title, 'Версия 2');
    assert.equal(now.body.version, ok.body.version);
  });

  describe('Idempotency-Key on POST /api/v1/users', () => {
    test('same key, different body: 422 naming Idempotency-Key, nothing created', async () => {
      const login = unique('idem.user');
      const headers = { 'idempotency-key': `key-${login}` };
      const first = await call(server, 'POST', '/api/v1/users', {
        token: admin, json: { login, password: PASSWORD, roles: ['operator'] }, headers,
      });
      expectStatus(first, 201);
      const before = await listAll(server, admin, '/api/v1/users', 500);
      const auditBefore = await auditHead(server, admin);
      const other = `${login}x`;
      const res = await call(server, 'POST', '/api/v1/users', {
        token: admin, json: { login: other, password: PASSWORD, roles: ['operator'] }, headers,
      });
      expectProblem(res, 422, ['Idempotency-Key']);
      const after = await listAll(server, admin, '/api/v1/users', 500);
      assert.deepEqual(after, before);
      assert.ok(!after.some((u) => u.login === other));
      assert.equal(await auditHead(server, admin), auditBefore);
    });

    test('a different key is a different request', async () => {
      const login = unique('idem.user');
      const json = { login, password: PASSWORD, roles: ['operator'] };
      expectStatus(await call(server, 'POST', '/api/v1/users', { token: admin, json, headers: { 'idempotency-key': `a-${login}` } }), 201);
      const res = await call(server, 'POST', '/api/v1/users', { token: admin, json, headers: { 'idempotency-key': `b-${login}` } });
      expectProblem(res, 409, ['login']);
      assert.equal(res.headers.get('idempotent-replayed'), null);
    });

    test('an over-long Idempotency-Key is 400 naming the header', async () => {
      const login = unique('idem.user');
      const res = await call(server, 'POST', '/api/v1/users', {
        token: admin, json: { login, password: PASSWORD, roles: ['operator'] }, headers: { 'idempotency-key': 'k'.repeat(256) },
      });
      expectProblem(res, 400, ['Idempotency-Key']);
      const users = await listAll(server, admin, '/api/v1/users', 500);
      assert.ok(!users.some((u) => u.login === login));
    });
  });
});
