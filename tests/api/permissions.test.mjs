// Role × route matrix over the demo users. Each cell is one test, so a policy change shows up as
// the failing row that names the user, the route and the status it expected.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, PASSWORD, startServer, call, expectStatus, expectProblem, tokenFor, createUser, listAll, unique,
} from './harness.mjs';

// Columns of the matrix. `peer` is another user in the head's department (Продажи); `stranger`
// is a user in Кредитный отдел, outside it. Users without department scope see only themselves,
// whatever department they share with the target.
const COLUMNS = [
  'GET /api/v1/users (who is listed)',
  'POST /api/v1/users',
  'GET /api/v1/audit',
  'POST /api/v1/departments',
  'GET /api/v1/users/{peer}',
  'GET /api/v1/users/{stranger}',
  'PATCH /api/v1/users/{peer}',
  'PATCH /api/v1/users/{stranger}',
  'GET /api/v1/users/{self}',
  'PATCH /api/v1/users/{self} full_name',
  'PATCH /api/v1/users/{self} roles=[admin]',
  'GET /api/v1/departments',
];

// Listing: own = only themselves, dept = their department and themselves, all = everybody.
const MATRIX = {
  //        list    POST u  audit  POST d  peer   strngr  PATCH p  PATCH s  self   self-n  promote  depts
  admin: ['all', 201, 200, 201, 200, 200, 200, 200, 200, 200, 200, 200],
  security: ['all', 403, 200, 403, 200, 200, 403, 403, 200, 200, 403, 200],
  head: ['dept', 403, 403, 403, 200, 404, 403, 404, 200, 200, 403, 200],
  operator: ['own', 403, 403, 403, 404, 404, 404, 404, 200, 200, 403, 200],
  sales: ['own', 403, 403, 403, 404, 404, 404, 404, 200, 200, 403, 200],
  client: ['own', 403, 403, 403, 404, 404, 404, 404, 200, 200, 403, 200],
  credit: ['own', 403, 403, 403, 404, 404, 404, 404, 200, 200, 403, 200],
  risk: ['own', 403, 403, 403, 404, 404, 404, 404, 200, 200, 403, 200],
};

describe('permissions: role × route', () => {
  let server;
  let admin;
  const tokens = {};
  const me = {};
  let peer;
  let stranger;
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    for (const login of Object.keys(MATRIX)) {
      tokens[login] = await tokenFor(server, login);
      const res = await call(server, 'GET', '/api/v1/me', { token: tokens[login] });
      expectStatus(res, 200);
      assert.deepEqual(res.body.roles, [DEMO[login].role], `demo user ${login} has unexpected roles`);
      assert.equal(res.body.department, DEMO[login].department, `demo user ${login} is in an unexpected department`);
      me[login] = res.body;
    }
    peer = await createUser(server, admin, { login: 'peer.sales', roles: ['sales_manager'], department: 'Продажи' });
    stranger = await createUser(server, admin, { login: 'stranger.credit', roles: ['credit_manager'], department: 'Кредитный отдел' });
  });
  after(async () => {
    if (server) await server.stop();
  });

  const getUser = async (id) => {
    const res = await call(server, 'GET', `/api/v1/users/${id}`, { token: admin });
    expectStatus(res, 200);
    return res.body;
  };

  // Sends a request as `login` expecting `status`; a refusal must be a problem and must leave
  // the target as it was.
  async function patchCase(login, target, status) {
    const before = await getUser(target.id);
    const name = `Имя от ${login}`;
    const res = await call(server, 'PATCH', `/api/v1/users/${target.id}`, { token: tokens[login], json: { full_name: name } });
    const after = await getUser(target.id);
    if (status === 200) {
      expectStatus(res, 200);
      assert.equal(after.full_name, name);
      assert.equal(after.version, before.version + 1);
    } else {
      expectProblem(res, status);
      assert.deepEqual(after, before, 'a refused PATCH changed the user');
    }
  }

  const CASES = [
    async (login, expected) => {
      const res = await call(server, 'GET', '/api/v1/users?limit=500', { token: tokens[login] });
      expectStatus(res, 200);
      const everyone = await listAll(server, admin, '/api/v1/users', 500);
      const mine = me[login];
      let want;
      if (expected === 'all') want = everyone;
      else if (expected === 'dept') want = everyone.filter((u) => u.department === mine.department || u.id === mine.id);
      else want = everyone.filter((u) => u.id === mine.id);
      assert.deepEqual(res.body.items.map((u) => u.login), want.map((u) => u.login));
    },
    async (login, status) => {
      const newLogin = unique(`made.by.${login}.`);
      const res = await call(server, 'POST', '/api/v1/users', {
        token: tokens[login], json: { login: newLogin, password: PASSWORD, roles: ['operator'] },
      });
      const exists = (await listAll(server, admin, '/api/v1/users', 500)).some((u) => u.login === newLogin);
      if (status === 201) {
        expectStatus(res, 201);
        assert.ok(exists);
      } else {
        expectProblem(res, status);
        assert.ok(!exists, 'a refused POST created the user');
      }
    },
    async (login, status) => {
      const res = await call(server, 'GET', '/api/v1/audit?limit=5', { token: tokens[login] });
      if (status === 200) {
        expectStatus(res, 200);
        assert.ok(res.body.items.length > 0);
      } else {
        expectProblem(res, status);
        assert.equal(res.body.items, undefined);
      }
    },
    async (login, status) => {
      const name = unique(`Отдел ${login} `);
      const res = await call(server, 'POST', '/api/v1/departments', { token: tokens[login], json: { name } });
      const depts = await call(server, 'GET', '/api/v1/departments', { token: admin });
      const exists = depts.body.items.some((d) => d.name === name);
      if (status === 201) {
        expectStatus(res, 201);
        assert.equal(res.body.name, name);
        assert.ok(exists);
      } else {
        expectProblem(res, status);
        assert.ok(!exists, 'a refused POST created the department');
      }
    },
    async (login, status) => readCase(login, peer, status),
    async (login, status) => readCase(login, stranger, status),
    async (login, status) => patchCase(login, peer, status),
    async (login, status) => patchCase(login, stranger, status),
    async (login, status) => readCase(login, me[login], status),
    async (login, status) => patchCase(login, me[login], status),
    async (login, status) => {
      const before = await getUser(me[login].id);
      const res = await call(server, 'PATCH', `/api/v1/users/${me[login].id}`, { token: tokens[login], json: { roles: ['admin'] } });
      const after = await getUser(me[login].id);
      if (status === 200) {
        expectStatus(res, 200);
        assert.deepEqual(after.roles, ['admin']);
      } else {
        expectProblem(res, status);
        assert.deepEqual(after.roles, before.roles, 'a user raised their own roles');
        assert.equal(after.version, before.version);
      }
    },
    async (login, status) => {
      const res = await call(server, 'GET', '/api/v1/departments', { token: tokens[login] });
      expectStatus(res, status);
      assert.ok(res.body.items.some((d) => d.name === 'Продажи'));
    },
  ];

  async function readCase(login, target, status) {
    const res = await call(server, 'GET', `/api/v1/users/${target.id}`, { token: tokens[login] });
    if (status === 200) {
      expectStatus(res, 200);
      assert.equal(res.body.login, target.login);
      assert.equal(res.headers.get('etag'), `"${res.body.version}"`);
    } else {
      expectProblem(res, status);
      assert.ok(!res.text.includes(target.login), 'a refused read leaks the login');
    }
  }

  assert.equal(CASES.length, COLUMNS.length);
  for (const [login, row] of Object.entries(MATRIX)) {
    assert.equal(row.length, COLUMNS.length, `matrix row ${login}`);
    for (let i = 0; i < COLUMNS.length; ++i) {
      test(`${login} (${DEMO[login].role}): ${COLUMNS[i]} → ${row[i]}`, () => CASES[i](login, row[i]));
    }
  }

  test('a disabled user loses API access at once', async () => {
    const login = unique('to.disable');
    const user = await createUser(server, admin, { login, roles: ['operator'] });
    const token = await tokenFor(server, login);
    expectStatus(await call(server, 'GET', '/api/v1/me', { token }), 200);
    const res = await call(server, 'PATCH', `/api/v1/users/${user.id}`, { token: admin, json: { disabled: true } });
    expectStatus(res, 200);
    assert.equal(res.body.disabled, true);
    expectProblem(await call(server, 'GET', '/api/v1/me', { token }), 401);
    const login2 = await call(server, 'POST', '/api/v1/auth/token', { json: { login, password: PASSWORD } });
    expectProblem(login2, 401);
  });
});
