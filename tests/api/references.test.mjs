// Issue 11, defect 3: every field that references another record goes through one check — the
// referenced record must exist and be visible to the principal; "does not exist" and "may not see"
// answer alike (422 naming the field), nothing is written, and nothing shown to the principal (card,
// list, history, export) names a company they may not see.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, expectStatus, expectProblem, tokenFor, validInn10 } from './harness.mjs';

describe('references between records', () => {
  let server;
  const tok = {};
  let hidden; // credit's company: sales may not see it
  let mine; // sales's company
  let shared; // a person of sales linked (by admin) to the hidden company
  before(async () => {
    server = await startServer();
    for (const r of ['admin', 'sales', 'credit']) tok[r] = await tokenFor(server, r);
    const mk = async (token, json) => {
      const res = await call(server, 'POST', '/api/v1/companies', { token, json });
      expectStatus(res, 201);
      return res.body;
    };
    hidden = await mk(tok.credit, { name: 'Тайная организация Альфа', inn: validInn10(701) });
    mine = await mk(tok.sales, { name: 'Открытая организация Бета', inn: validInn10(702) });
    const p = await call(server, 'POST', '/api/v1/persons', {
      token: tok.sales, json: { name: 'Связной Пётр Ильич', phones: ['+7 916 701-00-01'], companies: [{ company_id: mine.id }] },
    });
    expectStatus(p, 201);
    shared = p.body;
    // Admin (who sees everything) links sales's person to credit's company too.
    const link = await call(server, 'PATCH', `/api/v1/persons/${shared.id}`, {
      token: tok.admin, json: { companies: [{ company_id: mine.id }, { company_id: hidden.id, position: 'Консультант' }] },
    });
    expectStatus(link, 200);
    assert.equal(link.body.companies.length, 2);
  });
  after(async () => {
    if (server) await server.stop();
  });

  // Every referencing field: how to send it on create and on update, and the field it is named by.
  const FIELDS = [
    { what: 'person.companies[].company_id on create', field: 'companies[0].company_id',
      send: (id) => ['POST', '/api/v1/persons', { name: 'Новиков Олег', companies: [{ company_id: id }] }] },
    { what: 'person.companies[].company_id on update', field: 'companies[1].company_id',
      send: (id) => ['PATCH', `/api/v1/persons/${shared.id}`, { companies: [{ company_id: mine.id }, { company_id: id }] }] },
    { what: 'company.referrer_company_id on create', field: 'referrer_company_id',
      send: (id) => ['POST', '/api/v1/companies', { name: 'Рекомендованная организация', referrer_company_id: id }] },
    { what: 'company.referrer_company_id on update', field: 'referrer_company_id',
      send: (id) => ['PATCH', `/api/v1/companies/${mine.id}`, { referrer_company_id: id }] },
  ];

  for (const f of FIELDS) {
    test(`${f.what}: a hidden and a missing record answer alike, nothing written`, async () => {
      const answers = [];
      for (const id of [hidden.id, 999999]) {
        const before = (await call(server, 'GET', '/api/v1/audit?limit=1', { token: tok.admin })).body.items[0].id;
        const [method, url, json] = f.send(id);
        const res = await call(server, method, url, { token: tok.sales, json });
        const problem = expectProblem(res, 422, [f.field]);
        assert.doesNotMatch(res.text, /Тайная/, `${f.what}: the answer names the hidden company`);
        answers.push(problem.errors.find((e) => e.name === f.field));
        const after = (await call(server, 'GET', '/api/v1/audit?limit=1', { token: tok.admin })).body.items[0].id;
        assert.equal(after, before, `${f.what}: something was written`);
      }
      assert.deepEqual(answers[0], answers[1], 'a hidden record and a missing one must look the same');
    });
  }

  test('a visible record can be referenced', async () => {
    const res = await call(server, 'POST', '/api/v1/companies', {
      token: tok.sales, json: { name: 'Рекомендованная своими', referrer_company_id: mine.id },
    });
    expectStatus(res, 201);
    assert.equal(res.body.referrer_company_id, mine.id);
  });

  test('the card, list, search, history and export of the person do not show the hidden company', async () => {
    const reads = [
      `/api/v1/persons/${shared.id}`,
      '/api/v1/persons?limit=50',
      `/api/v1/persons?q=${encodeURIComponent('Связной')}`,
      `/api/v1/persons/${shared.id}/history`,
      '/api/v1/persons/export?format=csv',
      `/persons/${shared.id}`,
      `/persons/${shared.id}/history`,
    ];
    for (const url of reads) {
      const res = await call(server, 'GET', url, { token: tok.sales });
      if (res.status === 404 && url.startsWith('/persons/')) continue; // no such page
      expectStatus(res, 200);
      assert.doesNotMatch(res.text, /Тайная организация/, `${url} names the hidden company`);
    }
    const card = await call(server, 'GET', `/api/v1/persons/${shared.id}`, { token: tok.sales });
    assert.deepEqual(card.body.companies.map((c) => c.company_id), [mine.id]);
    // Those who may see it still do.
    const credit = await call(server, 'GET', `/api/v1/persons/${shared.id}`, { token: tok.admin });
    assert.ok(credit.body.companies.some((c) => c.company_name === 'Тайная организация Альфа'));
  });

  test('consents, merges and other answers that hold the person do not name the hidden company', async () => {
    const add = await call(server, 'POST', `/api/v1/persons/${shared.id}/consents`, {
      token: tok.sales, json: { purpose: 'Рассылка', given_at: '2026-01-15', channel: 'paper', text_version: 'v1' },
    });
    expectStatus(add, 201);
    const w = await call(server, 'POST', `/api/v1/persons/${shared.id}/consents/${add.body.id}/withdraw`, {
      token: tok.sales, json: { withdrawn_at: '2026-02-01' },
    });
    expectStatus(w, 200);
    assert.doesNotMatch(w.text, /Тайная/, 'withdraw names the hidden company');
    const twin = await call(server, 'POST', '/api/v1/persons', {
      token: tok.sales, json: { name: 'Связной Пётр Ильич', phones: ['+7 916 701-00-01'], confirm_duplicate: true },
    });
    expectStatus(twin, 201);
    const m = await call(server, 'POST', `/api/v1/persons/${shared.id}/merge`, { token: tok.sales, json: { loser_id: twin.body.id } });
    expectStatus(m, 200);
    assert.doesNotMatch(m.text, /Тайная/, 'merge names the hidden company');
  });

  test('merging with a record one may not see is 404, whether it was merged or not', async () => {
    const res = await call(server, 'POST', `/api/v1/companies/${mine.id}/merge`, { token: tok.sales, json: { loser_id: hidden.id } });
    expectProblem(res, 404);
  });

  test("an edit by someone who does not see a link keeps it", async () => {
    const res = await call(server, 'PATCH', `/api/v1/persons/${shared.id}`, {
      token: tok.sales, json: { companies: [{ company_id: mine.id, position: 'Директор' }] },
    });
    expectStatus(res, 200);
    assert.deepEqual(res.body.companies.map((c) => c.company_id), [mine.id]);
    const full = await call(server, 'GET', `/api/v1/persons/${shared.id}`, { token: tok.admin });
    assert.deepEqual(full.body.companies.map((c) => c.company_id).sort((a, b) => a - b), [mine.id, hidden.id].sort((a, b) => a - b));
  });
});
