// Import and export over the API: upload (CSV in Windows-1251, XLSX), preview with per-row errors,
// background job with progress, duplicates skip/update/create, the rejected-rows report, a job
// that survives a killed server (resumes after the last committed batch), export honouring
// permissions, and bad uploads.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, startServer, call, expectStatus, expectProblem, tokenFor, sleep, uploadImport, waitImport, runImport,
} from './harness.mjs';

const CSV1251 = fs.readFileSync(path.join(ROOT, 'tests/data/companies_cp1251.csv'));
const XLSX = fs.readFileSync(path.join(ROOT, 'tests/data/companies.xlsx'));

describe('clients import and export', () => {
  let server, admin, sales, client;
  before(async () => {
    server = await startServer();
    [admin, sales, client] = [await tokenFor(server, 'admin'), await tokenFor(server, 'sales'), await tokenFor(server, 'client')];
  });
  after(async () => { if (server) await server.stop(); });

  test('a Windows-1251 CSV: preview shows the mapping and the bad row; the job imports 5 and rejects 1 with a report', async () => {
    const up = await uploadImport(server, sales, 'компании.csv', CSV1251);
    expectStatus(up, 201);
    assert.equal(up.body.status, 'uploaded');
    const pv = await call(server, 'GET', `/api/v1/imports/${up.body.id}/preview`, { token: sales });
    expectStatus(pv, 200);
    assert.equal(pv.body.encoding, 'windows-1251');
    assert.equal(pv.body.columns[0], 'Название');
    assert.equal(pv.body.mapping.name, 0);
    assert.equal(pv.body.mapping.inn, 1);
    const bad = pv.body.rows.filter((r) => r.errors.length);
    assert.equal(bad.length, 1, JSON.stringify(pv.body.rows));
    assert.match(bad[0].errors[0], /ИНН/);
    const start = await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { on_duplicate: 'skip' } });
    expectStatus(start, 202);
    const done = await waitImport(server, sales, up.body.id);
    assert.equal(done.summary, 'imported 5, updated 0, skipped 0, rejected 1');
    assert.equal(done.progress, 100);
    const rep = await call(server, 'GET', `/api/v1/imports/${up.body.id}/report`, { token: sales });
    expectStatus(rep, 200);
    assert.match(rep.headers.get('content-type'), /text\/csv/);
    assert.match(rep.text, /Неверная контрольная сумма ИНН/);
    assert.equal(rep.text.trim().split('\n').length, 2, rep.text);
    // The new companies belong to the importer.
    const mine = await call(server, 'GET', '/api/v1/companies?limit=50', { token: sales });
    assert.equal(mine.body.items.length, 5);
    // Starting it again is refused.
    const again = await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { on_duplicate: 'skip' } });
    expectProblem(again, 409);
  });

  test('XLSX with the same companies: skip, then update, then create', async () => {
    assert.equal((await runImport(server, sales, 'companies.xlsx', XLSX, 'skip')).summary, 'imported 0, updated 0, skipped 5, rejected 1');
    assert.equal((await runImport(server, sales, 'companies.xlsx', XLSX, 'update')).summary, 'imported 0, updated 5, skipped 0, rejected 1');
    assert.equal((await runImport(server, sales, 'companies.xlsx', XLSX, 'create')).summary, 'imported 5, updated 0, skipped 0, rejected 1');
  });

  test('another manager cannot see the job, its preview or its report', async () => {
    const up = await uploadImport(server, sales, 'x.csv', CSV1251);
    for (const url of [`/api/v1/imports/${up.body.id}`, `/api/v1/imports/${up.body.id}/preview`, `/api/v1/imports/${up.body.id}/report`])
      expectProblem(await call(server, 'GET', url, { token: client }), 404);
    expectProblem(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: client, json: {} }), 404);
    // Nor add to an upload in chunks (issue 11): the job is not theirs.
    const first = await call(server, 'POST', `/api/v1/imports?file_name=y.csv&size=${CSV1251.length + 10}`, {
      token: sales, body: CSV1251, headers: { 'content-type': 'application/octet-stream' },
    });
    expectStatus(first, 201);
    assert.equal(first.body.status, 'uploading');
    expectProblem(await call(server, 'PUT', `/api/v1/imports/${first.body.id}/content?offset=${CSV1251.length}`, {
      token: client, body: 'aaaaaaaaaa', headers: { 'content-type': 'application/octet-stream' },
    }), 404);
    expectProblem(await call(server, 'PUT', `/api/v1/imports/${first.body.id}/content?offset=x`, {
      token: sales, body: 'aaaaaaaaaa', headers: { 'content-type': 'application/octet-stream' },
    }), 422, ['offset']);
  });

  test('bad uploads and bad start options are refused by name', async () => {
    expectProblem(await uploadImport(server, sales, 'empty.csv', Buffer.alloc(0)), 422, ['file']);
    expectProblem(await uploadImport(server, sales, 'junk.bin', Buffer.from([0, 1, 2, 3, 0, 0, 7, 8])), 422, ['file']);
    const up = await uploadImport(server, sales, 'x.csv', CSV1251);
    expectProblem(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { on_duplicate: 'merge' } }), 422, ['on_duplicate']);
    expectProblem(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { mapping: { inn: 1 } } }), 422, ['mapping']);
    expectProblem(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token: sales, json: { mapping: { name: 'A' } } }), 422, ['mapping.name']);
  });

  test('risk and security may not import (403) but may export everything; a manager exports only their own', async () => {
    expectProblem(await uploadImport(server, await tokenFor(server, 'risk'), 'x.csv', CSV1251), 403);
    const all = await call(server, 'GET', '/api/v1/companies/export?format=csv', { token: await tokenFor(server, 'security') });
    expectStatus(all, 200);
    assert.match(all.headers.get('content-disposition'), /attachment/);
    const lines = all.text.trim().split('\n').length;
    const own = await call(server, 'GET', '/api/v1/companies/export?format=csv', { token: client });
    assert.equal(own.text.trim().split('\n').length, 1, 'the client manager owns nothing yet: header only');
    assert.ok(lines > 5, `security should see the imported companies: ${lines}`);
    const x = await call(server, 'GET', '/api/v1/companies/export?format=xlsx&region=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0', { token: admin });
    expectStatus(x, 200);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    expectProblem(await call(server, 'GET', '/api/v1/companies/export?format=pdf', { token: admin }), 422, ['format']);
  });
});

describe('an import survives a killed server', () => {
  test('kill -9 during a 10,000-row import: after restart the job resumes and every row lands exactly once', async () => {
    let server = await startServer();
    const token = await tokenFor(server, 'sales');
    const rows = ['Название;Регион'];
    for (let i = 1; i <= 10000; ++i) rows.push(`Компания номер ${i} ${(i * 7919) % 100003};Москва`);
    const up = await uploadImport(server, token, 'big.csv', Buffer.from(rows.join('\n'), 'utf8'));
    expectStatus(up, 201);
    expectStatus(await call(server, 'POST', `/api/v1/imports/${up.body.id}/start`, { token, json: { on_duplicate: 'create' } }), 202);
    // Wait until some batches are committed, then kill the server without warning.
    for (let i = 0; i < 600; ++i) {
      const j = await call(server, 'GET', `/api/v1/imports/${up.body.id}`, { token });
      if (j.body.rows >= 1000 || j.body.status === 'done') break;
      await sleep(20);
    }
    const mid = await call(server, 'GET', `/api/v1/imports/${up.body.id}`, { token });
    await server.stop({ signal: 'SIGKILL', keep: true });
    server = await startServer({ reuse: server });
    try {
      const fresh = await tokenFor(server, 'sales');
      const done = await waitImport(server, fresh, up.body.id, 120000);
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.equal(done.summary, 'imported 10000, updated 0, skipped 0, rejected 0', `mid-way it was ${mid.body.summary}`);
      const list = await call(server, 'GET', '/api/v1/companies?q=%D0%BA%D0%BE%D0%BC%D0%BF%D0%B0%D0%BD%D0%B8%D1%8F&limit=1', { token: fresh });
      expectStatus(list, 200);
      const count = await call(server, 'GET', '/api/v1/companies/export?format=csv', { token: fresh });
      assert.equal(count.text.trim().split('\n').length, 10001, 'every row exactly once');
    } finally {
      await server.stop();
    }
  });
});
