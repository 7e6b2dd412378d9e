// HTTP semantics found missing by the first API review: WWW-Authenticate on every 401, Allow on
// 405, idempotent replay, draining on SIGTERM, 409 for a taken department name, strict JSON
// media types. (Bodies over the parser's 64 MiB cap are dropped without a response: see README.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor, createUser, auditHead, listAll, sleep } from './harness.mjs';

describe('auth API: HTTP semantics of 401', () => {
  let server;
  before(async () => {
    server = await startServer({ demo: false });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('a 401 from POST /api/v1/auth/token carries a WWW-Authenticate challenge (RFC 9110 §15.5.2)', async () => {
    const res = await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'admin', password: 'not the password' } });
    expectProblem(res, 401);
    assert.ok(res.headers.get('www-authenticate'), 'no WWW-Authenticate on a 401');
  });
});

describe('bad input: HTTP semantics', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ demo: false });
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('405 lists the allowed methods in Allow (RFC 9110 §15.5.6)', async () => {
    const res = await call(server, 'DELETE', '/api/v1/users', { token: admin });
    expectProblem(res, 405);
    const allow = (res.headers.get('allow') || '').split(/\s*,\s*/).sort();
    assert.deepEqual(allow, ['GET', 'HEAD', 'POST']);
  });

});

describe('Idempotency-Key replay', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ demo: false });
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });
  const unique = (p) => `${p}${Date.now().toString(36)}`;

  test('same key and body: the same response, Idempotent-Replayed: true, one user', async () => {
    const login = unique('idem.user');
    const json = { login, password: PASSWORD, roles: ['operator'], full_name: 'Повтор' };
    const headers = { 'idempotency-key': `key-${login}` };
    const first = await call(server, 'POST', '/api/v1/users', { token: admin, json, headers });
    expectStatus(first, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const auditAfterFirst = await auditHead(server, admin);

    const second = await call(server, 'POST', '/api/v1/users', { token: admin, json, headers });
    expectStatus(second, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get('location'), first.headers.get('location'));
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    assert.match(second.headers.get('content-type'), /^application\/json/);

    const users = await listAll(server, admin, '/api/v1/users', 500);
    assert.equal(users.filter((u) => u.login === login).length, 1);
    assert.equal(await auditHead(server, admin), auditAfterFirst, 'the replay wrote to the audit log');
  });
});

describe('graceful shutdown: accepted but queued requests', () => {
  let server;
  after(async () => {
    if (server) await server.stop();
  });

  test('SIGTERM while token requests wait for a worker: all of them still get 200', async () => {
    server = await startServer({ demo: false, args: ['--workers', '1'] });
    const reqs = [0, 1, 2].map(() => call(server, 'POST', '/api/v1/auth/token', { json: { login: 'admin', password: PASSWORD } }));
    await sleep(60);
    server.signal('SIGTERM');
    const results = await Promise.all(reqs);
    const line = (/^.*"event":"shutdown".*$/m.exec(server.log()) || [''])[0];
    assert.match(line, /"in_flight":3/, 'the three requests were not all accepted before the signal');
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200], `server: ${line}; bodies: ${results.map((r) => r.text.trim()).join(' | ')}`);
    assert.deepEqual(await server.exit, { code: 0, signal: null });
  });
});

describe('departments and content types', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer({ demo: false });
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('POST /api/v1/departments with a name that exists is 409 naming name, like a taken login', async () => {
    expectStatus(await call(server, 'POST', '/api/v1/departments', { token: admin, json: { name: 'Дубль' } }), 201);
    const again = await call(server, 'POST', '/api/v1/departments', { token: admin, json: { name: 'Дубль' } });
    expectProblem(again, 409, ['name']);
  });

  test('a text/plain body whose parameters mention json is 415', async () => {
    const res = await call(server, 'POST', '/api/v1/departments', {
      token: admin, body: JSON.stringify({ name: 'Не JSON' }), headers: { 'content-type': 'text/plain; profile=json' },
    });
    expectProblem(res, 415);
  });
});
