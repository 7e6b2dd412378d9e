// List pages copy each record's stored list row (column list_json) instead of reading its columns,
// phones and e-mails: after every kind of write — create, edit of fields and contacts, archive,
// hand-over to another owner, merge (survivor, loser, and a company that named the loser as its
// referrer), a record created archived, import with "update" (where empty cells change nothing),
// consents given and withdrawn — every record's list item must equal its card (links to persons or
// companies and consents are not part of a list item).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, call, expectStatus, tokenFor, listAll, runImport, validInn10 } from './harness.mjs';

describe('clients: list items are the cards', () => {
  let server, admin, sales, salesId, headId;
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    sales = await tokenFor(server, 'sales');
    salesId = (await call(server, 'GET', '/api/v1/me', { token: sales })).body.id;
    headId = (await call(server, 'GET', '/api/v1/me', { token: await tokenFor(server, 'head') })).body.id;
  });
  after(async () => {
    if (server) await server.stop();
  });

  async function post(url, json, status = 201) {
    const res = await call(server, 'POST', url, { token: sales, json });
    expectStatus(res, status);
    return res.body;
  }
  async function patch(url, json, token = sales) {
    const res = await call(server, 'PATCH', url, { token, json });
    expectStatus(res, 200);
    return res.body;
  }

  // Every listed company and person (archived ones too; merged ones are never listed) as the list
  // shows it and as the card does; `touched` must all be among them.
  async function assertListsMatchCards(touched) {
    for (const [type, strip] of [['companies', ['persons']], ['persons', ['companies', 'consents']]]) {
      const items = await listAll(server, admin, `/api/v1/${type}?archived=true`, 200);
      const ids = new Set(items.map((x) => x.id));
      for (const id of touched[type]) assert.ok(ids.has(id), `${type} ${id} is not listed`);
      for (const item of items) {
        const card = await call(server, 'GET', `/api/v1/${type}/${item.id}`, { token: admin });
        expectStatus(card, 200);
        const want = { ...card.body };
        for (const k of strip) delete want[k];
        const got = { ...item };
        for (const k of strip) delete got[k];
        assert.deepEqual(got, want, `${type} ${item.id}: the list item differs from the card`);
        if (type === 'persons') {
          assert.deepEqual(item.companies, [], 'a list item carries no links');
          assert.deepEqual(item.consents, [], 'a list item carries no consents');
        }
      }
    }
  }

  test('after creates, edits, archive, hand-over, merges, an import update and consents', async () => {
    const touched = { companies: [], persons: [] };
    const a = await post('/api/v1/companies', {
      name: 'ООО "Лист-Строка"', inn: validInn10(9101), region: 'Тверская область', segment: 'client',
      phones: [{ number: '8 (4822) 10-20-30', type: 'work' }, { number: '+7 900 000-11-22', type: 'mobile' }],
      emails: ['Office@List-Stroka.ru'], note: 'кавычки " и \\ обратная черта\nвторая строка',
    });
    const b = await post('/api/v1/companies', {
      name: 'Лист-Строка ООО', region: 'Тверь', phones: ['+7 4822 99-88-77'], confirm_duplicate: true,
    });
    // c names b (the future loser) as the client who referred it.
    const c = await post('/api/v1/companies', {
      name: 'АО «Рекомендованный»', source: 'referral', referrer_company_id: b.id, phones: ['+7 4822 55-44-33'],
    });
    touched.companies.push(a.id, c.id);

    await patch(`/api/v1/companies/${a.id}`, {
      segment: 'vip', industry: 'Полиграфия', phones: [{ number: '+7 4822 10-20-31', type: 'fax' }],
      emails: ['new@list-stroka.ru', 'second@list-stroka.ru'],
    });
    await patch(`/api/v1/companies/${c.id}`, { owner_id: headId }, admin);
    const merged = await post(`/api/v1/companies/${a.id}/merge`, { loser_id: b.id, take_from_loser: ['region'] }, 200);
    assert.equal(merged.phones.length, 2, 'the survivor took the loser’s phone');
    const referred = (await call(server, 'GET', `/api/v1/companies/${c.id}`, { token: admin })).body;
    assert.equal(referred.referrer_company_id, a.id, 'the referrer moved to the survivor');

    const d = await post('/api/v1/companies', { name: 'ООО «В архив»', region: 'Псков' });
    touched.companies.push(d.id);
    await patch(`/api/v1/companies/${d.id}`, { archived: true });
    // Created archived: stored archived (not in the plain list), listed as archived.
    const e = await post('/api/v1/companies', { name: 'ООО «Сразу в архив»', archived: true });
    touched.companies.push(e.id);
    assert.equal((await call(server, 'GET', `/api/v1/companies/${e.id}`, { token: admin })).body.archived, true);
    const plain = await listAll(server, admin, '/api/v1/companies', 200);
    assert.ok(!plain.some((x) => x.id === e.id), 'a company created archived is in the plain list');
    // A survivor that the loser had referred refers to nobody after the merge (not to itself).
    const loser2 = await post('/api/v1/companies', { name: 'ООО «Рекомендатель»', phones: ['+7 4822 12-12-12'] });
    const survivor2 = await post('/api/v1/companies', {
      name: 'ООО «Рекомендатель Плюс»', source: 'referral', referrer_company_id: loser2.id, phones: ['+7 4822 12-12-12'],
      confirm_duplicate: true,
    });
    touched.companies.push(survivor2.id);
    const merged2 = await post(`/api/v1/companies/${survivor2.id}/merge`, { loser_id: loser2.id }, 200);
    assert.equal(merged2.referrer_company_id, null);

    // An import row with a's ИНН updates a; a second one with an empty segment cell leaves the
    // segment as it is.
    const importCsv = async (csv) => (await runImport(server, sales, 'update.csv', Buffer.from(csv, 'utf8'), 'update')).summary;
    const header = 'Название;ИНН;Телефон;Регион;Отрасль;Сегмент';
    assert.equal(await importCsv(`${header}\nООО «Лист-Строка»;${a.inn};+7 4822 77-77-77;Тверская обл.;Типография;Постоянный\n`),
      'imported 0, updated 1, skipped 0, rejected 0');
    let card = (await call(server, 'GET', `/api/v1/companies/${a.id}`, { token: admin })).body;
    assert.equal(card.industry, 'Типография');
    assert.equal(card.segment, 'regular');
    assert.equal(await importCsv(`${header}\nООО «Лист-Строка»;${a.inn};;;Печать;\n`), 'imported 0, updated 1, skipped 0, rejected 0');
    card = (await call(server, 'GET', `/api/v1/companies/${a.id}`, { token: admin })).body;
    assert.equal(card.industry, 'Печать');
    assert.equal(card.segment, 'regular', 'an empty segment cell does not reset the segment');
    assert.equal(card.region, 'Тверская обл.', 'an empty region cell does not clear the region');

    const p = await post('/api/v1/persons', {
      name: 'Строкова Анна Павловна', phones: ['+7 916 300-00-01'], emails: ['anna@list-stroka.ru'],
      birthday: '1980-02-03', companies: [{ company_id: a.id, position: 'Директор', decision_maker: true }],
    });
    const q = await post('/api/v1/persons', { name: 'Строкова Анна', phones: ['+7 916 300-00-02'] });
    touched.persons.push(p.id);
    const consent = await post(`/api/v1/persons/${q.id}/consents`, {
      purpose: 'Рассылка', given_at: '2026-01-10', channel: 'paper', text_version: 'v2',
    });
    await patch(`/api/v1/persons/${p.id}`, { region: 'Тверь', note: 'звонить после 10' });
    touched.persons.push(q.id);
    let listed = (await listAll(server, admin, '/api/v1/persons?archived=true', 200)).find((x) => x.id === q.id);
    assert.equal(listed.consent_active, true, 'a consent given shows in the list at once');
    await assertListsMatchCards(touched);

    expectStatus(await call(server, 'POST', `/api/v1/persons/${q.id}/consents/${consent.id}/withdraw`, {
      token: sales, json: { withdrawn_at: '2026-02-01' },
    }), 200);
    listed = (await listAll(server, admin, '/api/v1/persons?archived=true', 200)).find((x) => x.id === q.id);
    assert.equal(listed.consent_active, false, 'a withdrawal shows in the list at once');
    await post(`/api/v1/persons/${p.id}/merge`, { loser_id: q.id, take_from_loser: [] }, 200);
    touched.persons.pop();
    await assertListsMatchCards(touched);
  });
});
