// Clients: persons over the API — the full name split into its parts, contacts, links to
// companies with a position and the decision-maker flag, birthday, consents to personal-data
// processing (152-ФЗ) and their withdrawal, duplicate control (a bare namesake is not a
// duplicate), merge. Rejected writes are checked to leave the person as it was.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, call, expectStatus, expectProblem, tokenFor, listAll, validInn10, validInn12,
} from './harness.mjs';

describe('clients: persons', () => {
  let server;
  let admin;
  let sales;
  let credit;
  let company;
  let foreign; // a company of another manager (credit), invisible to sales
  before(async () => {
    server = await startServer();
    admin = await tokenFor(server, 'admin');
    sales = await tokenFor(server, 'sales');
    credit = await tokenFor(server, 'credit');
    const c = await call(server, 'POST', '/api/v1/companies', { token: sales, json: { name: 'Завод Прогресс', inn: validInn10(201) } });
    expectStatus(c, 201);
    company = c.body;
    const f = await call(server, 'POST', '/api/v1/companies', { token: credit, json: { name: 'Кредитный клиент Омега', inn: validInn10(202) } });
    expectStatus(f, 201);
    foreign = f.body;
  });
  after(async () => {
    if (server) await server.stop();
  });

  async function snapshot() {
    const items = await listAll(server, admin, '/api/v1/persons?archived=true', 500);
    const audit = await call(server, 'GET', '/api/v1/audit?limit=1', { token: admin });
    return JSON.stringify({ items, audit: audit.body.items[0]?.id ?? 0 });
  }
  async function rejected(fn) {
    const before = await snapshot();
    const res = await fn();
    assert.equal(await snapshot(), before, `${res.what} answered ${res.status} but changed the stored persons or wrote an audit record`);
    return res;
  }
  async function create(json, token = sales) {
    const res = await call(server, 'POST', '/api/v1/persons', { token, json });
    expectStatus(res, 201);
    return res.body;
  }

  test('POST /api/v1/persons splits the full name, normalises contacts, links companies, keeps the birthday', async () => {
    const res = await call(server, 'POST', '/api/v1/persons', {
      token: sales,
      json: {
        name: 'Иванов Иван Иванович',
        phones: [{ number: '8 (903) 123-45-67', type: 'mobile' }],
        emails: [{ email: 'I.Ivanov@Progress-Zavod.RU', type: 'work' }],
        companies: [{ company_id: company.id, position: 'Главный инженер', decision_maker: true }],
        birthday: '1979-03-14',
        region: 'Пермский край',
      },
    });
    expectStatus(res, 201);
    const p = res.body;
    assert.ok(Number.isInteger(p.id) && p.id > 0);
    assert.equal(res.headers.get('location'), `/api/v1/persons/${p.id}`);
    assert.equal(res.headers.get('etag'), `"${p.version}"`);
    assert.equal(p.last_name, 'Иванов');
    assert.equal(p.first_name, 'Иван');
    assert.equal(p.middle_name, 'Иванович');
    assert.equal(p.name, 'Иванов Иван Иванович');
    assert.deepEqual(p.phones, [{ number: '+79031234567', type: 'mobile' }]);
    assert.deepEqual(p.emails, [{ email: 'i.ivanov@progress-zavod.ru', type: 'work' }]);
    assert.equal(p.birthday, '1979-03-14');
    assert.equal(p.companies.length, 1);
    assert.equal(p.companies[0].company_id, company.id);
    assert.equal(p.companies[0].position, 'Главный инженер');
    assert.equal(p.companies[0].decision_maker, true);
    assert.equal(p.consent_active, false);
    assert.deepEqual(p.consents, []);

    const got = await call(server, 'GET', `/api/v1/persons/${p.id}`, { token: sales });
    expectStatus(got, 200);
    assert.equal(got.body.companies[0].company_name, 'Завод Прогресс');

    const card = await call(server, 'GET', `/api/v1/companies/${company.id}`, { token: sales });
    expectStatus(card, 200);
    const link = card.body.persons.find((x) => x.id === p.id);
    assert.ok(link, `the company card does not show the person: ${card.text}`);
    assert.equal(link.name, 'Иванов Иван Иванович');
    assert.equal(link.position, 'Главный инженер');
    assert.equal(link.decision_maker, true);

    const parts = await create({ last_name: 'Смирнова', first_name: 'Ольга', phones: ['+7 912 000-00-01'] });
    assert.equal(parts.name, 'Смирнова Ольга');
  });

  test('bad person fields are each named and store nothing', async () => {
    const wrong12 = (() => { const v = validInn12(203); return v.slice(0, 11) + String((Number(v[11]) + 1) % 10); })();
    const cases = [
      [{ name: 'Петров Пётр', birthday: '1980-02-30' }, 'birthday'],
      [{ name: 'Петров Пётр', birthday: '14.03.1979' }, 'birthday'],
      [{ name: 'Петров Пётр', inn: wrong12 }, 'inn'],
      [{ name: 'Петров Пётр', phones: ['555'] }, 'phones[0].number'],
      [{ name: 'Петров Пётр', emails: ['petrov@'] }, 'emails[0].email'],
      [{ name: 'Петров Пётр', segment: 'friend' }, 'segment'],
      [{ name: 'Петров Пётр', companies: [{ company_id: 987654 }] }, 'companies[0].company_id'],
      [{ phones: ['+7 912 000-00-02'] }, 'name'],
    ];
    for (const [json, field] of cases) {
      const res = await rejected(() => call(server, 'POST', '/api/v1/persons', { token: sales, json }));
      const p = expectProblem(res, 422, [field]);
      assert.match(p.errors.find((e) => e.name === field).reason, /[а-яё]/i, `${field}: not a Russian reason`);
    }
  });

  test('a link to a company the user may not see is refused like an unknown one', async () => {
    const res = await rejected(() => call(server, 'POST', '/api/v1/persons', {
      token: sales, json: { name: 'Кузнецов Олег', companies: [{ company_id: foreign.id, position: 'Бухгалтер' }] },
    }));
    const p = expectProblem(res, 422, ['companies[0].company_id']);
    assert.ok(!res.text.includes('Омега'), 'the hidden company’s name leaked');
    const unknown = await call(server, 'POST', '/api/v1/persons', {
      token: sales, json: { name: 'Кузнецов Олег', companies: [{ company_id: 987654 }] },
    });
    assert.equal(p.errors.find((e) => e.name === 'companies[0].company_id').reason,
      unknown.body.errors.find((e) => e.name === 'companies[0].company_id').reason, 'hidden and missing companies answer alike');
  });

  test('PATCH with If-Match; a stale version is 412 and changes nothing', async () => {
    const p = await create({ name: 'Орлова Марина Викторовна', phones: ['+7 912 000-00-03'] });
    const ok = await call(server, 'PATCH', `/api/v1/persons/${p.id}`, {
      token: sales, headers: { 'if-match': `"${p.version}"` }, json: { region: 'Самара', companies: [{ company_id: company.id, position: 'Закупщик' }] },
    });
    expectStatus(ok, 200);
    assert.equal(ok.body.region, 'Самара');
    assert.equal(ok.body.version, p.version + 1);
    assert.equal(ok.body.companies[0].position, 'Закупщик');
    assert.equal(ok.body.companies[0].decision_maker, false);
    const stale = await rejected(() => call(server, 'PATCH', `/api/v1/persons/${p.id}`, {
      token: sales, headers: { 'if-match': `"${p.version}"` }, json: { region: 'Сызрань' },
    }));
    expectProblem(stale, 412);
  });

  test('consents: recording one makes consent_active true, withdrawing it makes it false', async () => {
    const p = await create({ name: 'Соколова Елена', emails: ['sokolova@mail.example'] });
    const res = await call(server, 'POST', `/api/v1/persons/${p.id}/consents`, {
      token: sales, json: { purpose: 'Рассылка предложений', given_at: '2025-02-01', channel: 'web_form', text_version: 'v2.1' },
    });
    expectStatus(res, 201);
    const consent = res.body;
    assert.ok(Number.isInteger(consent.id));
    assert.equal(consent.purpose, 'Рассылка предложений');
    assert.equal(consent.given_at, '2025-02-01');
    assert.equal(consent.channel, 'web_form');
    assert.equal(consent.text_version, 'v2.1');
    assert.equal(consent.withdrawn_at, null);
    const withConsent = await call(server, 'GET', `/api/v1/persons/${p.id}`, { token: sales });
    assert.equal(withConsent.body.consent_active, true);
    assert.equal(withConsent.body.consents.length, 1);
    // The list says the same as the card (campaigns pick people from lists).
    const listed = async () => (await call(server, 'GET', `/api/v1/persons?q=${encodeURIComponent('Соколова')}`, { token: sales }))
      .body.items.find((x) => x.id === p.id);
    assert.equal((await listed()).consent_active, true);

    const w = await call(server, 'POST', `/api/v1/persons/${p.id}/consents/${consent.id}/withdraw`, {
      token: sales, json: { withdrawn_at: '2025-06-30' },
    });
    expectStatus(w, 200);
    assert.equal(w.body.consent_active, false);
    assert.equal(w.body.consents[0].withdrawn_at, '2025-06-30');
    const after = await call(server, 'GET', `/api/v1/persons/${p.id}`, { token: sales });
    assert.equal(after.body.consent_active, false);
    assert.equal((await listed()).consent_active, false);

    const again = await rejected(() => call(server, 'POST', `/api/v1/persons/${p.id}/consents/${consent.id}/withdraw`, { token: sales, json: {} }));
    assert.ok([404, 409].includes(again.status), `withdrawing twice: ${again.status}`);
    expectProblem(again, again.status);

    const hist = await call(server, 'GET', `/api/v1/persons/${p.id}/history`, { token: sales });
    expectStatus(hist, 200);
    const actions = hist.body.items.map((h) => h.action);
    assert.ok(actions.includes('create') && actions.includes('consent') && actions.includes('consent_withdrawn'), `history: ${actions}`);
  });

  test('bad consents are each named and store nothing', async () => {
    const p = await create({ name: 'Белова Ирина', emails: ['belova@mail.example'] });
    const good = { purpose: 'Звонки', given_at: '2025-01-15', channel: 'phone', text_version: 'v1' };
    const cases = [
      [{ purpose: '  ' }, 'purpose'],
      [{ given_at: '2025-02-30' }, 'given_at'],
      [{ given_at: '2999-01-01' }, 'given_at'],
      [{ channel: 'pigeon' }, 'channel'],
      [{ text_version: '' }, 'text_version'],
    ];
    for (const [extra, field] of cases) {
      const res = await rejected(() => call(server, 'POST', `/api/v1/persons/${p.id}/consents`, { token: sales, json: { ...good, ...extra } }));
      expectProblem(res, 422, [field]);
    }
    const after = await call(server, 'GET', `/api/v1/persons/${p.id}`, { token: sales });
    assert.deepEqual(after.body.consents, []);
    const missing = await rejected(() => call(server, 'POST', '/api/v1/persons/987654/consents', { token: sales, json: good }));
    expectProblem(missing, 404);
  });

  test('duplicates: a bare namesake is not a 409; a shared phone, e-mail or ИНН is', async () => {
    const inn = validInn12(210);
    const base = await create({ name: 'Кузьмин Андрей Петрович', inn, phones: ['+7 (921) 444-55-66'], emails: ['a.kuzmin@example.org'] });
    const namesake = await call(server, 'POST', '/api/v1/persons', { token: sales, json: { name: 'Кузьмин Андрей Петрович' } });
    expectStatus(namesake, 201);
    assert.ok(!('candidates' in namesake.body));

    const cases = [
      [{ phones: ['8 921 444 55 66'] }, 'phone'],
      [{ emails: ['A.Kuzmin@EXAMPLE.org'] }, 'email'],
      [{ inn }, 'inn'],
    ];
    for (const [extra, reason] of cases) {
      const res = await rejected(() => call(server, 'POST', '/api/v1/persons', { token: sales, json: { name: 'Другой Человек', ...extra } }));
      const p = expectProblem(res, 409);
      const cand = (p.candidates || []).find((x) => x.id === base.id);
      assert.ok(cand && cand.reasons.includes(reason), `${reason}: ${res.text}`);
      const ok = await call(server, 'POST', '/api/v1/persons', {
        token: sales, json: { name: 'Другой Человек', ...extra, confirm_duplicate: true },
      });
      expectStatus(ok, 201);
    }
    const scan = await call(server, 'GET', '/api/v1/persons/duplicates', { token: sales });
    expectStatus(scan, 200);
    assert.ok(scan.body.items.some((g) => g.ids.includes(base.id) && g.score > 0), scan.text.slice(0, 600));
  });

  test('an edit asks about duplicates only for what it adds, not for a phone the card already had', async () => {
    const first = await create({ name: 'Лаптев Олег', phones: ['+7 (921) 777-10-20'] });
    const twin = await call(server, 'POST', '/api/v1/persons', {
      token: sales, json: { name: 'Лаптева Ольга', phones: ['+7 921 777-10-20'], confirm_duplicate: true },
    });
    expectStatus(twin, 201);
    // Saving the twin's card again with the same phone (as the edit form does) is not a 409.
    const resave = await call(server, 'PATCH', `/api/v1/persons/${twin.body.id}`, {
      token: sales, json: { middle_name: 'Игоревна', phones: ['8 921 777 10 20'] },
    });
    expectStatus(resave, 200);
    assert.equal(resave.body.middle_name, 'Игоревна');
    // Adding the phone of another person is.
    const third = await create({ name: 'Зуев Пётр', phones: ['+7 921 777-30-40'] });
    const res = await rejected(() => call(server, 'PATCH', `/api/v1/persons/${first.id}`, {
      token: sales, json: { phones: ['+7 921 777-10-20', '+7 921 777-30-40'] },
    }));
    const p = expectProblem(res, 409);
    assert.deepEqual((p.candidates || []).map((c) => c.id), [third.id], res.text);
  });

  test('merge of persons moves contacts, links and consents to the survivor', async () => {
    const s = await create({ name: 'Громов Илья', phones: ['+7 913 100-00-01'], companies: [{ company_id: company.id, position: 'Директор', decision_maker: true }] });
    const l = await create({ name: 'Громов Илья Ильич', phones: ['+7 913 100-00-02'], emails: ['gromov@example.org'], birthday: '1970-01-02' });
    const c = await call(server, 'POST', `/api/v1/persons/${l.id}/consents`, {
      token: sales, json: { purpose: 'Рассылка', given_at: '2025-03-01', channel: 'paper', text_version: 'v1' },
    });
    expectStatus(c, 201);
    const res = await call(server, 'POST', `/api/v1/persons/${s.id}/merge`, {
      token: sales, json: { loser_id: l.id, take_from_loser: ['middle_name', 'birthday'] },
    });
    expectStatus(res, 200);
    assert.equal(res.body.name, 'Громов Илья Ильич');
    assert.equal(res.body.birthday, '1970-01-02');
    assert.deepEqual(res.body.phones.map((x) => x.number).sort(), ['+79131000001', '+79131000002']);
    assert.deepEqual(res.body.emails.map((x) => x.email), ['gromov@example.org']);
    assert.equal(res.body.companies.length, 1);
    assert.equal(res.body.consent_active, true, 'the loser’s consent moved');
    const list = await listAll(server, sales, '/api/v1/persons', 500);
    assert.ok(!list.some((x) => x.id === l.id), 'the loser is still listed');
    const hist = await call(server, 'GET', `/api/v1/persons/${s.id}/history`, { token: sales });
    assert.ok(hist.body.items.some((h) => h.action === 'merge'));
    assert.ok(hist.body.items.some((h) => h.action === 'consent' && String(h.object_id) === String(l.id)), 'the loser’s history is shown');
  });
});
