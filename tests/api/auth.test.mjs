// Authentication over the API: tokens for login+password, Bearer on /api/v1/me, invalid and
// revoked tokens, and the per-login rate limit.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor, createUser, auditHead,
} from './harness.mjs';

describe('auth API', () => {
  let server;
  let admin;
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('POST /api/v1/auth/token with the right password gives a Bearer token', async () => {
    const res = await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'sales', password: PASSWORD } });
    expectStatus(res, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(typeof res.body.token, 'string');
    assert.ok(res.body.token.length >= 20, 'token too short to be a secret');
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.user.login, 'sales');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('wrong password and unknown login both get the same 401 problem and no token', async () => {
    const wrong = await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'client', password: 'not the password' } });
    const p1 = expectProblem(wrong, 401);
    assert.equal(p1.token, undefined);
    const unknown = await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'nobody-here', password: 'whatever1' } });
    const p2 = expectProblem(unknown, 401);
    // Nothing tells an attacker whether the login exists.
    assert.equal(p2.title, p1.title);
    assert.equal(p2.detail, p1.detail);
  });

  test('a token request without a password is 422 naming the field', async () => {
    const res = await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'client' } });
    expectProblem(res, 422, ['password']);
  });

  test('GET /api/v1/me with a Bearer token returns login, roles and department', async () => {
    const me = await call(server, 'GET', '/api/v1/me', { token: admin });
    expectStatus(me, 200);
    assert.equal(me.body.login, 'admin');
    assert.deepEqual(me.body.roles, ['admin']);

    const sales = await tokenFor(server, 'sales');
    const res = await call(server, 'GET', '/api/v1/me', { token: sales });
    expectStatus(res, 200);
    assert.equal(res.body.login, 'sales');
    assert.deepEqual(res.body.roles, ['sales_manager']);
    assert.equal(res.body.department, 'Продажи');
    assert.equal(typeof res.body.id, 'number');
  });

  test('GET /api/v1/me without credentials is 401 with a Bearer challenge', async () => {
    const res = await call(server, 'GET', '/api/v1/me');
    expectProblem(res, 401);
    assert.match(res.headers.get('www-authenticate') || '', /^Bearer\b/);
  });

  test('an invalid token is 401 with WWW-Authenticate: Bearer error="invalid_token"', async () => {
    const res = await call(server, 'GET', '/api/v1/me', { token: 'x'.repeat(43) });
    expectProblem(res, 401);
    const challenge = res.headers.get('www-authenticate') || '';
    assert.match(challenge, /^Bearer\b/);
    assert.match(challenge, /error="invalid_token"/);
  });

  test('DELETE /api/v1/auth/token revokes that token only', async () => {
    const t1 = await tokenFor(server, 'credit');
    const t2 = await tokenFor(server, 'credit');
    expectStatus(await call(server, 'GET', '/api/v1/me', { token: t1 }), 200);
    const del = await call(server, 'DELETE', '/api/v1/auth/token', { token: t1 });
    expectStatus(del, 204);
    assert.equal(del.text, '');
    const after = await call(server, 'GET', '/api/v1/me', { token: t1 });
    expectProblem(after, 401);
    assert.match(after.headers.get('www-authenticate') || '', /error="invalid_token"/);
    // The user's other token still works.
    const other = await call(server, 'GET', '/api/v1/me', { token: t2 });
    expectStatus(other, 200);
    assert.equal(other.body.login, 'credit');
    // Revoking again with the dead token is an authentication failure, not a success.
    expectProblem(await call(server, 'DELETE', '/api/v1/auth/token', { token: t1 }), 401);
  });

  test('DELETE /api/v1/auth/token without credentials is 401', async () => {
    expectProblem(await call(server, 'DELETE', '/api/v1/auth/token'), 401);
  });

  test('repeated failures for one login give 429 with Retry-After, other logins unaffected', async () => {
    const login = 'rate.limited';
    const user = await createUser(server, admin, { login, roles: ['operator'] });
    const auditBefore = await auditHead(server, admin);
    let limited = null;
    const failures = [];
    for (let i = 0; i < 12; ++i) {
      const res = await call(server, 'POST', '/api/v1/auth/token', { json: { login, password: `wrong password ${i}` } });
      if (res.status === 429) {
        limited = res;
        break;
      }
      expectProblem(res, 401);
      failures.push(res);
    }
    assert.ok(limited, `no 429 after ${failures.length} wrong passwords for one login`);
    assert.ok(failures.length >= 3, `429 after only ${failures.length} failures`);
    expectProblem(limited, 429);
    const retry = limited.headers.get('retry-after');
    assert.match(retry || '', /^\d+$/, `Retry-After is not delta-seconds: ${retry}`);
    assert.ok(Number(retry) > 0);

    // Locked even with the right password, and no token comes out.
    const right = await call(server, 'POST', '/api/v1/auth/token', { json: { login, password: PASSWORD } });
    expectProblem(right, 429);
    assert.equal(right.body.token, undefined);

    // Another login from the same address still gets in.
    expectStatus(await call(server, 'POST', '/api/v1/auth/token', { json: { login: 'risk', password: PASSWORD } }), 200);

    // The failed attempts are in the audit log, without the passwords tried.
    const audit = await call(server, 'GET', `/api/v1/audit?object_type=user&object_id=${user.id}&limit=100`, { token: admin });
    expectStatus(audit, 200);
    const failed = audit.body.items.filter((e) => e.action === 'login_failed' && e.id > auditBefore);
    assert.equal(failed.length, failures.length);
    assert.ok(!audit.text.includes('wrong password'), 'a tried password is in the audit log');
  });
});
