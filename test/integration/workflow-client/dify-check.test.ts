import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createWorkflowClient } from '../../../src/workflow-client/create.js';
import { FakeDify } from '../../fakes/fake-dify.js';
import { clientFor, configFor, testDeps } from './helpers.js';

let fake: FakeDify;
beforeAll(async () => {
  fake = await FakeDify.start({ appName: 'Support bot' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.options = { appName: 'Support bot' };
  fake.mode = 'chat';
});

test('all good: three items, each a sentence', async () => {
  fake.mode = 'advanced-chat';
  const report = await clientFor(fake, 'dify_chat').check();
  expect(report.ok).toBe(true);
  expect(report.items).toEqual([
    { name: 'api_key', ok: true, detail: 'Dify accepted the API key for “Support bot”.' },
    { name: 'app_mode', ok: true, detail: 'The key belongs to a chatflow app, which matches the binding (chat).' },
    { name: 'inputs', ok: true, detail: 'The app has no required inputs.' },
  ]);
});

test('a rejected key', async () => {
  const report = await createWorkflowClient(configFor(fake, 'dify_chat', { apiKey: 'app-nope' }), testDeps()).check();
  expect(report.ok).toBe(false);
  expect(report.items).toEqual([
    { name: 'api_key', ok: false, detail: "The API key was rejected by Dify (401). Copy the app's API key again from Dify → API Access." },
  ]);
  expect(JSON.stringify(report)).not.toContain('app-nope');
});

test('a key of another app type', async () => {
  fake.mode = 'workflow';
  const report = await clientFor(fake, 'dify_chat', { inputMapping: { query: '{{message.text}}' } }).check();
  expect(report.items.find((i) => i.name === 'app_mode')).toEqual({
    name: 'app_mode',
    ok: false,
    detail: 'This key belongs to a workflow app, but the binding says chat. Change the binding to workflow, or use the key of a chat app.',
  });
  expect(report.ok).toBe(false);
});

test('agent apps with a blocking binding: accepted, with a note', async () => {
  fake.mode = 'agent-chat';
  const report = await clientFor(fake, 'dify_chat', { responseMode: 'blocking' }).check();
  expect(report.items[1]?.detail).toBe('The key belongs to an agent app, which matches the binding (chat). Agent apps only stream, so Switchboard will stream its answers.');
});

test('required inputs not mapped are named', async () => {
  fake.mode = 'workflow';
  fake.options = {
    userInputForm: [
      { 'text-input': { label: 'Customer name', variable: 'customer', required: true } },
      { paragraph: { label: 'Question', variable: 'question', required: true } },
      { select: { label: 'Tone', variable: 'tone', required: false, options: ['a'] } },
    ],
  };
  const report = await clientFor(fake, 'dify_workflow', { inputMapping: { question: '{{message.text}}', extra: 'x' } }).check();
  expect(report.items.find((i) => i.name === 'inputs')).toEqual({
    name: 'inputs',
    ok: false,
    detail: 'The app requires the input “customer” (Customer name), but the binding does not map it. Add it to the input mapping, e.g. customer: {{message.text}}.',
  });
});

test('unreachable Dify and a wrong base URL', async () => {
  const closed = await FakeDify.start();
  const url = closed.url;
  await closed.close();
  const unreachable = await createWorkflowClient({ ...configFor(fake, 'dify_chat'), baseUrl: url }, testDeps()).check();
  expect(unreachable.items[0]?.detail).toMatch(/^Could not reach Dify at http:\/\/127\.0\.0\.1:\d+\/v1 \(.*ECONNREFUSED.*\)\. Check the base URL/);
  const wrongPath = await createWorkflowClient({ ...configFor(fake, 'dify_chat'), baseUrl: fake.url.replace('/v1', '/api') }, testDeps()).check();
  expect(wrongPath.items[0]?.detail).toMatch(/answered 404 .* the base URL is probably wrong/);
});
