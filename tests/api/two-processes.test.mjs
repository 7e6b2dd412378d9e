// Issue 11, defect 5: two `sdelka serve` processes on one database (PostgreSQL in the PostgreSQL
// run, one SQLite file in the SQLite run) and one shared files directory, used at the same time:
// idempotent POSTs, imports and merges give every effect once and never a 500.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, call, expectStatus, tokenFor, uploadImport, waitImport, listAll, validInn10, unique,
} from './harness.mjs';

describe('two server processes on one database', () => {
  let a;
  let b;
  let ta;
  let tb;
  before(async () => {
    a = await startServer({ demo: false });
    b = await startServer({ demo: false, reuse: { dir: a.dir, db: a.db } });
    ta = await tokenFor(a, 'admin');
    tb = await tokenFor(b, 'admin');
  });
  after(async () => {
    if (b) await b.stop({ keep: true });
    if (a) await a.stop();
  });

  test('the same Idempotency-Key sent to both at once creates the record once', async () => {
    for (let i = 0; i < 8; ++i) {
      const key = unique('idem');
      const json = { name: `Идемпотентная организация ${key}`, inn: validInn10(9000 + i) };
      const headers = { 'idempotency-key': key };
      const [ra, rb] = await Promise.all([
        call(a, 'POST', '/api/v1/companies', { token: ta, json, headers }),
        call(b, 'POST', '/api/v1/companies', { token: ta, json, headers }),
      ]);
      for (const r of [ra, rb]) assert.ok([201, 409].includes(r.status), `${r.status}: ${r.text}`);
      assert.ok(ra.status === 201 || rb.status === 201, 'neither created it');
      const found = await call(a, 'GET', `/api/v1/companies?q=${json.inn}`, { token: ta });
      expectStatus(found, 200);
      assert.equal(found.body.items.length, 1, `key ${key}: ${found.body.items.length} companies`);
      // A retry after both answered replays the first answer on either process.
      const again = await call(b, 'POST', '/api/v1/companies', { token: ta, json, headers });
      expectStatus(again, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
    }
  });

  test('imports queued on both are each run once, by one of the two', async () => {
    const tag = unique('imp');
    const jobs = [];
    for (let j = 0; j < 6; ++j) {
      let csv = 'Название;Регион\n';
      for (let r = 0; r < 400; ++r) csv += `ООО "${tag} ${j}-${r}";Москва\n`;
      const srv = j % 2 ? b : a;
      const up = await uploadImport(srv, ta, `p${j}.csv`, Buffer.from(csv, 'utf8'));
      expectStatus(up, 201);
      jobs.push([srv, up.body.id]);
    }
    await Promise.all(jobs.map(([srv, id]) => call(srv, 'POST', `/api/v1/imports/${id}/start`, { token: ta, json: { on_duplicate: 'create' } })
      .then((r) => expectStatus(r, 202))));
    for (const [srv, id] of jobs) {
      const job = await waitImport(srv === a ? b : a, ta, id, 120000);
      assert.equal(job.status, 'done', JSON.stringify(job));
      assert.equal(job.imported, 400, JSON.stringify(job));
    }
    const all = await listAll(a, ta, `/api/v1/companies?q=${encodeURIComponent(tag)}`);
    assert.equal(all.length, 6 * 400, 'every row once');
  });

  test('a process that starts while another runs a job leaves that job alone', async () => {
    const tag = unique('live');
    let csv = 'Название;Регион\n';
    for (let r = 0; r < 3000; ++r) csv += `ООО "${tag} ${r}";Москва\n`;
    const up = await uploadImport(a, ta, 'live.csv', Buffer.from(csv, 'utf8'));
    expectStatus(up, 201);
    expectStatus(await call(a, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: ta, json: { on_duplicate: 'create' } }), 202);
    // While it runs (on a or b), a third process starts on the same database.
    for (;;) {
      const j = await call(a, 'GET', `/api/v1/imports/${up.body.id}`, { token: ta });
      if (j.body.status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const c = await startServer({ demo: false, reuse: { dir: a.dir, db: a.db } });
    try {
      const job = await waitImport(c, ta, up.body.id, 120000);
      assert.equal(job.status, 'done', JSON.stringify(job));
      const all = await listAll(a, ta, `/api/v1/companies?q=${encodeURIComponent(tag)}`);
      assert.equal(all.length, 3000, 'every row exactly once (a job run twice would create them twice)');
    } finally {
      await c.stop({ keep: true });
    }
  });

  test('two merges of one record at once: one wins, the other is refused, the children are not split', async () => {
    for (let i = 0; i < 4; ++i) {
      const mk = async (name, phone) => {
        const r = await call(a, 'POST', '/api/v1/companies', { token: ta, json: { name, phones: [phone], confirm_duplicate: true } });
        expectStatus(r, 201);
        return r.body;
      };
      const tag = unique('m');
      const x = await mk(`Слияние Икс ${tag}`, `+7 495 61${i}-00-01`);
      const z = await mk(`Слияние Зет ${tag}`, `+7 495 62${i}-00-02`);
      const y = await mk(`Слияние Игрек ${tag}`, `+7 495 63${i}-00-03`);
      const [rx, rz] = await Promise.all([
        call(a, 'POST', `/api/v1/companies/${x.id}/merge`, { token: ta, json: { loser_id: y.id } }),
        call(b, 'POST', `/api/v1/companies/${z.id}/merge`, { token: tb, json: { loser_id: y.id } }),
      ]);
      const statuses = [rx.status, rz.status].sort();
      assert.equal(statuses[0], 200, `${rx.status} ${rx.text} / ${rz.status} ${rz.text}`);
      assert.ok([409, 422].includes(statuses[1]), `${rx.status} ${rx.text} / ${rz.status} ${rz.text}`);
      const phones = async (id) => (await call(a, 'GET', `/api/v1/companies/${id}`, { token: ta })).body.phones.map((p) => p.number);
      const px = await phones(x.id);
      const pz = await phones(z.id);
      const holders = [px, pz].filter((ps) => ps.some((n) => n.startsWith(`+749563${i}`))).length;
      assert.equal(holders, 1, `y's phone is on ${holders} survivors`);
    }
  });
});
