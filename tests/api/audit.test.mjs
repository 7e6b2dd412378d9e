// The audit log over the API: what a user update records, the filters, keyset paging, and who
// may read it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor, createUser, listAll,
} from './harness.mjs';

const NEW_PASSWORD = 'Fresh-Secret-4711';

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

describe('audit log', () => {
  let server;
  let admin;
  let security;
  let user;
  let update; // the audit record of the PATCH below
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    security = await tokenFor(server, 'security');
    user = await createUser(server, admin, { login: 'audited.user', full_name: 'Старое Имя', roles: ['operator'] });
    const res = await call(server, 'PATCH', `/api/v1/users/${user.id}`, {
      token: admin,
      json: { full_name: 'Новое Имя', email: 'new.name@example.com', password: NEW_PASSWORD, department: 'Продажи' },
    });
    expectStatus(res, 200);
  });
  after(async () => {
    if (server) await server.stop();
  });

  const audit = (query, token = security) => call(server, 'GET', `/api/v1/audit${query}`, { token });

  test('a user update is recorded with who, when, what, and before/after of the changed fields only', async () => {
    const res = await audit(`?object_type=user&object_id=${user.id}&limit=50`);
    expectStatus(res, 200);
    const updates = res.body.items.filter((e) => e.action === 'update');
    assert.equal(updates.length, 1, `expected one update record: ${res.text}`);
    update = updates[0];
    assert.equal(update.login, 'admin');
    assert.equal(typeof update.user_id, 'number');
    assert.equal(update.object_type, 'user');
    assert.equal(update.object_id, String(user.id));
    assert.match(update.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(Math.abs(Date.parse(update.at) - Date.now()) < 10 * 60 * 1000, `audit time ${update.at} is not now`);
    const c = update.changes;
    assert.deepEqual(c.full_name, { from: 'Старое Имя', to: 'Новое Имя' });
    assert.deepEqual(c.email, { from: '', to: 'new.name@example.com' });
    assert.deepEqual(c.department, { from: '', to: 'Продажи' });
    assert.ok(c.password, 'a password change is not recorded at all');
    assert.equal(c.password.to, undefined);
    assert.equal(c.password.from, undefined);
    // Unchanged fields are not listed.
    for (const k of ['login', 'lang', 'roles', 'disabled', 'created_at']) assert.equal(c[k], undefined, `unchanged ${k} is in the diff`);
  });

  test('the audit log never holds a password value or hash', async () => {
    const all = await listAll(server, security, '/api/v1/audit', 500);
    const text = JSON.stringify(all);
    assert.ok(!text.includes(NEW_PASSWORD), 'the new password is in the audit log');
    assert.ok(!text.includes(PASSWORD), 'the initial password is in the audit log');
    assert.ok(!/\$argon2/.test(text), 'a password hash is in the audit log');
    assert.ok(!text.includes('password_hash'));
    // And the user record shown over the API carries no hash either.
    const u = await call(server, 'GET', `/api/v1/users/${user.id}`, { token: admin });
    assert.ok(!/argon2|password/.test(u.text), `the user record shows password data: ${u.text}`);
  });

  test('the creation of the user is recorded too, without the password', async () => {
    const res = await audit(`?object_type=user&object_id=${user.id}`);
    const created = res.body.items.find((e) => e.action === 'create');
    assert.ok(created, 'no create record');
    assert.equal(created.changes.login.to, 'audited.user');
    assert.equal(created.changes.password, undefined);
  });

  test('filter by user: login or id', async () => {
    const adminMe = (await call(server, 'GET', '/api/v1/me', { token: admin })).body;
    for (const q of ['admin', String(adminMe.id)]) {
      const res = await audit(`?user=${q}&limit=500`);
      expectStatus(res, 200);
      assert.ok(res.body.items.length > 0);
      for (const e of res.body.items) {
        assert.equal(e.login, 'admin', `user=${q} returned a record of ${e.login}`);
        assert.equal(e.user_id, adminMe.id);
      }
      assert.ok(res.body.items.some((e) => e.id === update.id));
    }
    const none = await audit('?user=nobody-at-all');
    expectStatus(none, 200);
    assert.deepEqual(none.body.items, []);
  });

  test('filter by object_type and object_id', async () => {
    const depts = await audit('?object_type=department&limit=500');
    expectStatus(depts, 200);
    assert.ok(depts.body.items.length >= 4, 'the demo departments were created without audit records');
    for (const e of depts.body.items) assert.equal(e.object_type, 'department');

    const one = await audit(`?object_type=user&object_id=${user.id}&limit=500`);
    for (const e of one.body.items) {
      assert.equal(e.object_type, 'user');
      assert.equal(e.object_id, String(user.id));
    }
    assert.deepEqual(one.body.items.map((e) => e.action).sort(), ['create', 'update']);
  });

  test('filter by from/to dates (inclusive days)', async () => {
    const day = update.at.slice(0, 10);
    const dayMs = Date.parse(`${day}T00:00:00Z`);
    const prev = isoDay(new Date(dayMs - 86400000));
    const next = isoDay(new Date(dayMs + 86400000));
    const q = `&object_type=user&object_id=${user.id}`;

    const same = await audit(`?from=${day}&to=${day}${q}`);
    expectStatus(same, 200);
    assert.ok(same.body.items.some((e) => e.id === update.id), 'from=to=the day leaves the record out');

    const before = await audit(`?to=${prev}${q}`);
    expectStatus(before, 200);
    assert.deepEqual(before.body.items, []);

    const later = await audit(`?from=${next}${q}`);
    expectStatus(later, 200);
    assert.deepEqual(later.body.items, []);

    const span = await audit(`?from=${prev}&to=${next}${q}`);
    assert.equal(span.body.items.length, 2);

    // A full timestamp works as a bound too.
    const exact = await audit(`?from=${encodeURIComponent(update.at)}${q}`);
    assert.ok(exact.body.items.some((e) => e.id === update.id));
  });

  test('bad filter values are 422 naming the parameter', async () => {
    expectProblem(await audit('?from=yesterday'), 422, ['from']);
    expectProblem(await audit('?to=27.11.2026'), 422, ['to']);
    expectProblem(await audit('?limit=0'), 422, ['limit']);
    expectProblem(await audit('?limit=501'), 422, ['limit']);
    expectProblem(await audit('?after=-5'), 422, ['after']);
  });

  test('keyset paging: newest first, pages of 2, no duplicates, same as one page', async () => {
    // A few more records on one object.
    for (let i = 0; i < 4; ++i) {
      expectStatus(await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: admin, json: { full_name: `Имя ${i}` } }), 200);
    }
    const q = `object_type=user&object_id=${user.id}`;
    const whole = await audit(`?${q}&limit=500`);
    assert.equal(whole.body.items.length, 6);
    assert.equal(whole.body.next, null);
    const seen = [];
    let after = null;
    let pages = 0;
    for (;;) {
      const res = await audit(`?${q}&limit=2${after ? `&after=${after}` : ''}`);
      expectStatus(res, 200);
      assert.ok(res.body.items.length <= 2);
      seen.push(...res.body.items.map((e) => e.id));
      ++pages;
      if (res.body.next === null) break;
      assert.equal(typeof res.body.next, 'string');
      after = res.body.next;
      assert.ok(pages < 10);
    }
    assert.equal(new Set(seen).size, seen.length, 'duplicates across pages');
    assert.deepEqual(seen, whole.body.items.map((e) => e.id));
    for (let i = 1; i < seen.length; ++i) assert.ok(seen[i] < seen[i - 1], 'not newest first');
    assert.equal(pages, 3);
    // The newest record is the last rename.
    assert.deepEqual(whole.body.items[0].changes.full_name, { from: 'Имя 2', to: 'Имя 3' });
  });

  test('admin reads the log as well', async () => {
    expectStatus(await audit('?limit=1', admin), 200);
  });

  for (const login of ['operator', 'sales', 'client', 'credit', 'risk', 'head']) {
    test(`${login} gets 403 on GET /api/v1/audit, filtered or not`, async () => {
      const token = await tokenFor(server, login);
      const me = (await call(server, 'GET', '/api/v1/me', { token })).body;
      expectProblem(await audit('', token), 403);
      // Not even the records about themselves.
      const own = await audit(`?object_type=user&object_id=${me.id}`, token);
      expectProblem(own, 403);
      assert.equal(own.body.items, undefined);
    });
  }

  test('without credentials GET /api/v1/audit is 401', async () => {
    expectProblem(await call(server, 'GET', '/api/v1/audit'), 401);
  });
});
