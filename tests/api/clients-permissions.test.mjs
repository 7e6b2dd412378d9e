// Clients: role × route matrix over the demo users. A manager sees and edits their own clients,
// a head their department's, risk and security read everything and write nothing, admin does
// everything; lists, search, duplicate candidates and the duplicate scan never reveal a record the
// user may not see. Each cell is one test; every refused write is checked to have changed nothing.
//
// Records: `sales` (Продажи) owns company S, its duplicate S2 (same ИНН) and person P; `credit`
// (Кредитный отдел) owns company C. `client` is another manager in Продажи, `head` is the head of
// Продажи, `operator` is in Контакт-центр.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, call, expectStatus, expectProblem, tokenFor, listAll, validInn10,
} from './harness.mjs';

const ROLES = ['admin', 'security', 'risk', 'head', 'sales', 'client', 'credit', 'operator'];

// Who may see what belongs to sales (Продажи) and to credit (Кредитный отдел).
const SEES_SALES = { admin: true, security: true, risk: true, head: true, sales: true, client: false, credit: false, operator: false };
const SEES_CREDIT = { admin: true, security: true, risk: true, head: false, sales: false, client: false, credit: true, operator: false };
// The answer to a write on sales's record: allowed, read-only (403) or invisible (404).
const WRITE_SALES = { admin: 200, security: 403, risk: 403, head: 200, sales: 200, client: 404, credit: 404, operator: 404 };
const CREATE = { admin: 201, security: 403, risk: 403, head: 201, sales: 201, client: 201, credit: 201, operator: 201 };

describe('clients permissions: role × route', () => {
  let server;
  const tok = {};
  const ids = {};
  let S;
  let S2;
  let C;
  let P;
  let seq = 0;

  before(async () => {
    server = await startServer();
    for (const r of ROLES) {
      tok[r] = await tokenFor(server, r);
      ids[r] = (await call(server, 'GET', '/api/v1/me', { token: tok[r] })).body.id;
    }
    const mk = async (token, json) => {
      const res = await call(server, 'POST', '/api/v1/companies', { token, json });
      expectStatus(res, 201);
      return res.body;
    };
    S = await mk(tok.sales, { name: 'Сбытовая компания Меркурий', inn: validInn10(501), phones: ['+7 495 501-00-01'] });
    S2 = await mk(tok.sales, { name: 'Меркурий-Сбыт', inn: S.inn, confirm_duplicate: true });
    C = await mk(tok.credit, { name: 'Лизинговая компания Юпитер', inn: validInn10(502) });
    await mk(tok.credit, { name: 'Юпитер Лизинг', inn: C.inn, confirm_duplicate: true });
    const p = await call(server, 'POST', '/api/v1/persons', {
      token: tok.sales, json: { name: 'Меркурьев Семён Ильич', phones: ['+7 916 501-00-02'], companies: [{ company_id: S.id, position: 'Директор' }] },
    });
    expectStatus(p, 201);
    P = p.body;
  });
  after(async () => {
    if (server) await server.stop();
  });

  const asAdmin = async (url) => {
    const res = await call(server, 'GET', url, { token: tok.admin });
    expectStatus(res, 200);
    return res.body;
  };
  // A fresh pair of duplicates owned by sales, for the cells that merge or mark pairs.
  async function salesPair() {
    seq += 1;
    const inn = validInn10(600 + seq);
    const a = await call(server, 'POST', '/api/v1/companies', { token: tok.sales, json: { name: `Пара ${seq} Альфа`, inn, confirm_duplicate: true } });
    const b = await call(server, 'POST', '/api/v1/companies', {
      token: tok.sales, json: { name: `Пара ${seq} Бета`, inn, region: 'Тула', phones: [`+7 495 600-00-${String(seq).padStart(2, '0')}`], confirm_duplicate: true },
    });
    expectStatus(a, 201);
    expectStatus(b, 201);
    return [a.body, b.body];
  }
  const salesScanHas = async (a, b) => {
    const scan = await call(server, 'GET', '/api/v1/companies/duplicates', { token: tok.sales });
    expectStatus(scan, 200);
    return scan.body.items.some((g) => g.ids.includes(a) && g.ids.includes(b));
  };
  // Visible: 200 with the record; hidden: 404 problem that does not mention the record.
  function readCell(res, visible, secret) {
    if (visible) {
      expectStatus(res, 200);
    } else {
      expectProblem(res, 404);
      assert.ok(!res.text.includes(secret), `${res.what}: the 404 mentions the hidden record`);
    }
  }

  const COLUMNS = {
    'sales creates a company: the owner is sales, the department Продажи': {
      only: ['sales'],
      async run() {
        const res = await call(server, 'POST', '/api/v1/companies', { token: tok.sales, json: { name: 'Своя фирма продавца', inn: validInn10(503) } });
        expectStatus(res, 201);
        assert.equal(res.body.owner_id, ids.sales);
        const me = await call(server, 'GET', '/api/v1/me', { token: tok.sales });
        assert.equal(res.body.department_id, me.body.department_id);
      },
    },
    'GET /api/v1/companies/{S of sales}': {
      async run(r) {
        readCell(await call(server, 'GET', `/api/v1/companies/${S.id}`, { token: tok[r] }), SEES_SALES[r], S.name);
      },
    },
    'GET /api/v1/companies/{C of credit}': {
      async run(r) {
        readCell(await call(server, 'GET', `/api/v1/companies/${C.id}`, { token: tok[r] }), SEES_CREDIT[r], C.name);
      },
    },
    'GET /api/v1/companies/{S}/history': {
      async run(r) {
        readCell(await call(server, 'GET', `/api/v1/companies/${S.id}/history`, { token: tok[r] }), SEES_SALES[r], S.name);
      },
    },
    'GET /api/v1/companies lists S and C as allowed': {
      async run(r) {
        const items = await listAll(server, tok[r], '/api/v1/companies', 200);
        assert.equal(items.some((x) => x.id === S.id), SEES_SALES[r], 'S');
        assert.equal(items.some((x) => x.id === C.id), SEES_CREDIT[r], 'C');
        if (r === 'client' || r === 'operator')
          assert.ok(items.every((x) => x.owner_id === ids[r]), 'a manager lists only their own');
      },
    },
    'GET /api/v1/companies?q=ИНН of S': {
      async run(r) {
        const res = await call(server, 'GET', `/api/v1/companies?q=${S.inn}`, { token: tok[r] });
        expectStatus(res, 200);
        assert.equal(res.body.items.some((x) => x.id === S.id), SEES_SALES[r]);
        if (!SEES_SALES[r]) assert.ok(!res.text.includes(S.name));
      },
    },
    'GET /api/v1/companies?q=word of S (and of C)': {
      async run(r) {
        const s = await call(server, 'GET', `/api/v1/companies?q=${encodeURIComponent('меркурия')}`, { token: tok[r] });
        expectStatus(s, 200);
        assert.equal(s.body.items.some((x) => x.id === S.id), SEES_SALES[r], 'S');
        const c = await call(server, 'GET', `/api/v1/companies?q=${encodeURIComponent('юпитер')}`, { token: tok[r] });
        expectStatus(c, 200);
        assert.equal(c.body.items.some((x) => x.id === C.id), SEES_CREDIT[r], 'C');
      },
    },
    'GET /api/v1/companies?q=phone of S': {
      async run(r) {
        const res = await call(server, 'GET', `/api/v1/companies?q=${encodeURIComponent('8 (495) 501-00-01')}`, { token: tok[r] });
        expectStatus(res, 200);
        assert.equal(res.body.items.some((x) => x.id === S.id), SEES_SALES[r]);
      },
    },
    'POST /api/v1/companies/duplicates/check names S only if visible': {
      async run(r) {
        const res = await call(server, 'POST', '/api/v1/companies/duplicates/check', { token: tok[r], json: { name: 'Проверка', inn: S.inn } });
        expectStatus(res, 200);
        assert.equal(res.body.candidates.some((x) => x.id === S.id), SEES_SALES[r], res.text);
        if (!SEES_SALES[r]) assert.ok(!res.text.includes('Меркурий'), `${r}: a hidden name leaked: ${res.text}`);
      },
    },
    'GET /api/v1/companies/duplicates groups S with S2 only if visible': {
      async run(r) {
        const res = await call(server, 'GET', '/api/v1/companies/duplicates', { token: tok[r] });
        expectStatus(res, 200);
        assert.equal(res.body.items.some((g) => g.ids.includes(S.id) && g.ids.includes(S2.id)), SEES_SALES[r], res.text.slice(0, 400));
        const leaked = res.body.items.flatMap((g) => g.ids).filter((id) => (id === S.id || id === S2.id) && !SEES_SALES[r]);
        assert.deepEqual(leaked, [], `${r}: hidden ids in the scan`);
        if (!SEES_SALES[r]) assert.ok(!res.text.includes('Меркурий'), `${r}: a hidden name leaked`);
      },
    },
    'POST /api/v1/companies with the ИНН of S: 409 if S is visible, else 201 revealing nothing': {
      async run(r) {
        const before = (await listAll(server, tok.admin, '/api/v1/companies?archived=true', 500)).length;
        const res = await call(server, 'POST', '/api/v1/companies', { token: tok[r], json: { name: `Новая фирма ${r}`, inn: S.inn } });
        const count = (await listAll(server, tok.admin, '/api/v1/companies?archived=true', 500)).length;
        if (CREATE[r] === 403) {
          expectProblem(res, 403);
          assert.equal(count, before, 'a refused create stored a company');
        } else if (SEES_SALES[r]) {
          const p = expectProblem(res, 409);
          assert.ok(p.candidates.some((x) => x.id === S.id), res.text);
          assert.equal(count, before);
        } else {
          expectStatus(res, 201);
          assert.ok(!('candidates' in res.body), `${r}: candidates in a 201: ${res.text}`);
          assert.ok(!res.text.includes('Меркурий'), `${r}: the hidden record leaked`);
          assert.equal(res.body.owner_id, ids[r]);
          assert.equal(count, before + 1);
        }
      },
    },
    'POST /api/v1/companies': {
      async run(r) {
        const before = (await listAll(server, tok.admin, '/api/v1/companies?archived=true', 500)).length;
        const res = await call(server, 'POST', '/api/v1/companies', { token: tok[r], json: { name: `Компания роли ${r}`, inn: validInn10(700 + ROLES.indexOf(r)) } });
        const count = (await listAll(server, tok.admin, '/api/v1/companies?archived=true', 500)).length;
        if (CREATE[r] === 201) {
          expectStatus(res, 201);
          assert.equal(res.body.owner_id, ids[r]);
          assert.equal(count, before + 1);
        } else {
          expectProblem(res, 403);
          assert.equal(count, before, 'a refused create stored a company');
        }
      },
    },
    'PATCH /api/v1/companies/{S}': {
      async run(r) {
        const before = await asAdmin(`/api/v1/companies/${S.id}`);
        const res = await call(server, 'PATCH', `/api/v1/companies/${S.id}`, { token: tok[r], json: { note: `правка ${r}` } });
        const now = await asAdmin(`/api/v1/companies/${S.id}`);
        if (WRITE_SALES[r] === 200) {
          expectStatus(res, 200);
          assert.equal(now.note, `правка ${r}`);
          assert.equal(now.owner_id, ids.sales, 'an edit keeps the owner');
        } else {
          expectProblem(res, WRITE_SALES[r]);
          assert.deepEqual(now, before, 'a refused PATCH changed the company');
        }
      },
    },
    'PATCH /api/v1/companies/{id of sales} archived=true': {
      async run(r) {
        const [a] = await salesPair();
        const res = await call(server, 'PATCH', `/api/v1/companies/${a.id}`, { token: tok[r], json: { archived: true } });
        const now = await asAdmin(`/api/v1/companies/${a.id}`);
        if (WRITE_SALES[r] === 200) {
          expectStatus(res, 200);
          assert.equal(now.archived, true);
        } else {
          expectProblem(res, WRITE_SALES[r]);
          assert.equal(now.archived, false);
          assert.equal(now.version, a.version);
        }
      },
    },
    'POST /api/v1/companies/not-duplicates {pair of sales}': {
      async run(r) {
        const [a, b] = await salesPair();
        assert.ok(await salesScanHas(a.id, b.id), 'the fresh pair is not in the scan');
        const res = await call(server, 'POST', '/api/v1/companies/not-duplicates', { token: tok[r], json: { a: a.id, b: b.id } });
        if (WRITE_SALES[r] === 200) {
          expectStatus(res, 204);
          assert.equal(await salesScanHas(a.id, b.id), false);
        } else {
          expectProblem(res, WRITE_SALES[r]);
          assert.equal(await salesScanHas(a.id, b.id), true, 'a refused mark removed the pair from the scan');
        }
      },
    },
    'POST /api/v1/companies/{id}/merge {pair of sales}': {
      async run(r) {
        const [a, b] = await salesPair();
        const res = await call(server, 'POST', `/api/v1/companies/${a.id}/merge`, { token: tok[r], json: { loser_id: b.id, take_from_loser: ['region'] } });
        const na = await asAdmin(`/api/v1/companies/${a.id}`);
        const nb = await asAdmin(`/api/v1/companies/${b.id}`);
        if (WRITE_SALES[r] === 200) {
          expectStatus(res, 200);
          assert.equal(na.region, 'Тула');
          assert.equal(nb.archived, true);
        } else {
          expectProblem(res, WRITE_SALES[r]);
          assert.equal(na.version, a.version, 'a refused merge changed the survivor');
          assert.equal(nb.version, b.version, 'a refused merge changed the loser');
          assert.equal(nb.archived, false);
        }
      },
    },
    'POST /api/v1/companies/{own}/merge {archived company of sales}: 404 like any hidden record': {
      only: ['client', 'credit', 'operator'],
      async run(r) {
        const [a] = await salesPair();
        expectStatus(await call(server, 'PATCH', `/api/v1/companies/${a.id}`, { token: tok.sales, json: { archived: true } }), 200);
        const own = await call(server, 'POST', '/api/v1/companies', { token: tok[r], json: { name: `Своя для слияния ${r}`, confirm_duplicate: true } });
        expectStatus(own, 201);
        const before = await asAdmin(`/api/v1/companies/${a.id}`);
        const hidden = await call(server, 'POST', `/api/v1/companies/${own.body.id}/merge`, { token: tok[r], json: { loser_id: a.id } });
        expectProblem(hidden, 404);
        const missing = await call(server, 'POST', `/api/v1/companies/${own.body.id}/merge`, { token: tok[r], json: { loser_id: 987654 } });
        expectProblem(missing, 404);
        assert.equal(hidden.text.replace(/\d+/g, ''), missing.text.replace(/\d+/g, ''), 'a hidden archived record answers unlike a missing one');
        assert.deepEqual(await asAdmin(`/api/v1/companies/${a.id}`), before);
      },
    },
    'GET /api/v1/persons/{P of sales}': {
      async run(r) {
        readCell(await call(server, 'GET', `/api/v1/persons/${P.id}`, { token: tok[r] }), SEES_SALES[r], P.last_name);
      },
    },
    'GET /api/v1/persons lists P and ?q=surname finds it as allowed': {
      async run(r) {
        const items = await listAll(server, tok[r], '/api/v1/persons', 200);
        assert.equal(items.some((x) => x.id === P.id), SEES_SALES[r], 'list');
        const res = await call(server, 'GET', `/api/v1/persons?q=${encodeURIComponent('Меркурьев')}`, { token: tok[r] });
        expectStatus(res, 200);
        assert.equal(res.body.items.some((x) => x.id === P.id), SEES_SALES[r], 'search');
      },
    },
    'GET /api/v1/companies/{S} lists P among its persons as allowed': {
      only: ['admin', 'security', 'risk', 'head', 'sales'],
      async run(r) {
        const c = await call(server, 'GET', `/api/v1/companies/${S.id}`, { token: tok[r] });
        expectStatus(c, 200);
        assert.ok(c.body.persons.some((x) => x.id === P.id));
      },
    },
    'POST /api/v1/persons': {
      async run(r) {
        const res = await call(server, 'POST', '/api/v1/persons', { token: tok[r], json: { name: `Персона Роли ${r}`, phones: [`+7 916 700-00-${10 + ROLES.indexOf(r)}`] } });
        if (CREATE[r] === 201) {
          expectStatus(res, 201);
          assert.equal(res.body.owner_id, ids[r]);
        } else {
          expectProblem(res, 403);
          const found = await call(server, 'GET', `/api/v1/persons?q=${encodeURIComponent(`+7 916 700-00-${10 + ROLES.indexOf(r)}`)}`, { token: tok.admin });
          assert.deepEqual(found.body.items, [], 'a refused create stored a person');
        }
      },
    },
    'PATCH /api/v1/persons/{P}': {
      async run(r) {
        const before = await asAdmin(`/api/v1/persons/${P.id}`);
        const res = await call(server, 'PATCH', `/api/v1/persons/${P.id}`, { token: tok[r], json: { note: `правка ${r}` } });
        const now = await asAdmin(`/api/v1/persons/${P.id}`);
        if (WRITE_SALES[r] === 200) {
          expectStatus(res, 200);
          assert.equal(now.note, `правка ${r}`);
        } else {
          expectProblem(res, WRITE_SALES[r]);
          assert.deepEqual(now, before, 'a refused PATCH changed the person');
        }
      },
    },
    'POST /api/v1/persons/{P}/consents': {
      async run(r) {
        const before = await asAdmin(`/api/v1/persons/${P.id}`);
        const res = await call(server, 'POST', `/api/v1/persons/${P.id}/consents`, {
          token: tok[r], json: { purpose: `Согласие через ${r}`, given_at: '2025-04-01', channel: 'paper', text_version: 'v1' },
        });
        const now = await asAdmin(`/api/v1/persons/${P.id}`);
        if (WRITE_SALES[r] === 200) {
          expectStatus(res, 201);
          assert.equal(now.consents.length, before.consents.length + 1);
        } else {
          expectProblem(res, WRITE_SALES[r]);
          assert.deepEqual(now.consents, before.consents, 'a refused consent was stored');
        }
      },
    },
  };

  for (const [column, cell] of Object.entries(COLUMNS))
    for (const r of cell.only || ROLES)
      test(`${r} × ${column}`, async () => cell.run(r));
});
