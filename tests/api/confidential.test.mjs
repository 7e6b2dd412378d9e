// Confidential records: a job description marked confidential is hidden from everyone not on its
// access list, and every read of it is written to the audit log.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, call, expectStatus, expectProblem, tokenFor, listAll, auditHead,
} from './harness.mjs';

const SECRET = 'Премия руководителя: 17 окладов, не разглашать';

describe('confidential job description', () => {
  let server;
  let admin;
  let sales;
  let security;
  let job;
  let open; // a non-confidential one, visible to all
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    sales = await tokenFor(server, 'sales');
    security = await tokenFor(server, 'security');
  });
  after(async () => {
    if (server) await server.stop();
  });

  const acl = (id, logins, token = admin) =>
    call(server, 'PUT', `/api/v1/job-descriptions/${id}/access-list`, { token, json: { logins } });
  const ids = (items) => items.map((j) => j.id);

  test('admin creates a confidential job description', async () => {
    const res = await call(server, 'POST', '/api/v1/job-descriptions', {
      token: admin, json: { title: 'Инструкция руководителя (секретно)', body: SECRET, confidential: true },
    });
    expectStatus(res, 201);
    job = res.body;
    assert.equal(job.confidential, true);
    assert.equal(job.body, SECRET);
    assert.equal(res.headers.get('location'), `/api/v1/job-descriptions/${job.id}`);
    assert.equal(res.headers.get('etag'), `"${job.version}"`);
    const o = await call(server, 'POST', '/api/v1/job-descriptions', { token: admin, json: { title: 'Открытая инструкция', body: 'всем' } });
    expectStatus(o, 201);
    open = o.body;
  });

  test('a sales user gets 404 on it and does not see it in the list', async () => {
    const res = await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token: sales });
    expectProblem(res, 404);
    assert.ok(!res.text.includes(SECRET));
    // Same answer as for an id that does not exist: nothing tells the record is there.
    const missing = await call(server, 'GET', '/api/v1/job-descriptions/987654', { token: sales });
    expectProblem(missing, 404);
    assert.equal(res.body.title, missing.body.title);
    assert.equal(res.body.detail, missing.body.detail);

    const list = await listAll(server, sales, '/api/v1/job-descriptions', 1);
    assert.ok(!ids(list).includes(job.id), 'the confidential record is in the sales user\'s list');
    assert.ok(ids(list).includes(open.id), 'the open record is missing from the list');
  });

  test('hidden rows do not shorten or reveal pages of the list', async () => {
    const res = await call(server, 'GET', '/api/v1/job-descriptions?limit=1', { token: sales });
    expectStatus(res, 200);
    assert.equal(res.body.items.length, 1);
    assert.ok(!JSON.stringify(res.body).includes(SECRET));
  });

  test('a sales user can neither read its acknowledgements, sign it, change it nor its access list', async () => {
    const auditBefore = await auditHead(server, security);
    expectProblem(await call(server, 'GET', `/api/v1/job-descriptions/${job.id}/acknowledgements`, { token: sales }), 404);
    expectProblem(await call(server, 'POST', `/api/v1/job-descriptions/${job.id}/acknowledgements`, { token: sales }), 404);
    expectProblem(await call(server, 'PATCH', `/api/v1/job-descriptions/${job.id}`, { token: sales, json: { title: 'x' } }), 404);
    expectProblem(await acl(job.id, ['sales'], sales), 404);
    assert.equal(await auditHead(server, security), auditBefore, 'refused requests wrote to the audit log');
    const still = await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token: sales });
    expectProblem(still, 404);
  });

  test('the audit log never holds the confidential text', async () => {
    const all = await listAll(server, security, '/api/v1/audit?object_type=job_description', 500);
    assert.ok(all.some((e) => e.action === 'create' && e.object_id === String(job.id)));
    assert.ok(!JSON.stringify(all).includes(SECRET));
  });

  test('an unknown login on the access list is 422 naming logins and changes nothing', async () => {
    const auditBefore = await auditHead(server, security);
    expectProblem(await acl(job.id, ['sales', 'no.such.user']), 422, ['logins']);
    expectProblem(await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token: sales }), 404);
    assert.equal(await auditHead(server, security), auditBefore);
  });

  test('after PUT access-list ["sales"] the sales user reads it, and the read is audited', async () => {
    const put = await acl(job.id, ['sales']);
    expectStatus(put, 200);
    assert.deepEqual(put.body.access_list, ['sales']);
    const salesMe = (await call(server, 'GET', '/api/v1/me', { token: sales })).body;

    const before = await auditHead(server, security);
    const res = await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token: sales });
    expectStatus(res, 200);
    assert.equal(res.body.body, SECRET);
    assert.equal(res.body.confidential, true);

    const log = await call(server, 'GET', `/api/v1/audit?object_type=job_description&object_id=${job.id}&user=sales`, { token: security });
    expectStatus(log, 200);
    const reads = log.body.items.filter((e) => e.action === 'read_confidential' && e.id > before);
    assert.equal(reads.length, 1, `expected one read_confidential record: ${log.text}`);
    assert.equal(reads[0].login, 'sales');
    assert.equal(reads[0].user_id, salesMe.id);
    assert.equal(reads[0].object_type, 'job_description');
    assert.equal(reads[0].object_id, String(job.id));
    assert.ok(!JSON.stringify(reads[0]).includes(SECRET));

    // The access list change itself is audited.
    const aclLog = await call(server, 'GET', `/api/v1/audit?object_type=job_description&object_id=${job.id}&user=admin`, { token: security });
    assert.ok(aclLog.body.items.some((e) => e.action === 'acl' && JSON.stringify(e.changes).includes('sales')));

    const list = await listAll(server, sales, '/api/v1/job-descriptions', 50);
    assert.ok(ids(list).includes(job.id), 'the record is still missing from the sales user\'s list');
  });

  test('every read is audited, not only the first', async () => {
    const before = await auditHead(server, security);
    for (let i = 0; i < 2; ++i) expectStatus(await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token: sales }), 200);
    const log = await call(server, 'GET', `/api/v1/audit?object_type=job_description&object_id=${job.id}`, { token: security });
    assert.equal(log.body.items.filter((e) => e.action === 'read_confidential' && e.id > before).length, 2);
  });

  test('reads of a non-confidential record are not audited as confidential', async () => {
    const before = await auditHead(server, security);
    expectStatus(await call(server, 'GET', `/api/v1/job-descriptions/${open.id}`, { token: sales }), 200);
    assert.equal(await auditHead(server, security), before);
  });

  test('taking sales off the list hides the record again', async () => {
    expectStatus(await acl(job.id, []), 200);
    expectProblem(await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token: sales }), 404);
    const list = await listAll(server, sales, '/api/v1/job-descriptions', 50);
    assert.ok(!ids(list).includes(job.id));
  });

  test('other roles outside the list get 404 as well (head, security, client)', async () => {
    for (const login of ['head', 'security', 'client']) {
      const token = login === 'security' ? security : await tokenFor(server, login);
      const res = await call(server, 'GET', `/api/v1/job-descriptions/${job.id}`, { token });
      expectProblem(res, 404);
    }
  });
});
