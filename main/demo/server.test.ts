/** The demo upstream behaves like JSONPlaceholder, plus its demo endpoints. Real sockets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../testing/net';
import { generateDemoData } from './data';
import { startDemoUpstream, type DemoUpstream } from './server';

let demo: DemoUpstream;
beforeAll(async () => {
  demo = await startDemoUpstream({ port: 0 });
});
afterAll(() => demo.close());

describe('demo upstream', () => {
  it('serves deterministic JSONPlaceholder-sized collections', async () => {
    const users = await request(`${demo.url}/users`);
    expect(users.status).toBe(200);
    expect(users.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(users.json()).toHaveLength(10);
    expect((await request(`${demo.url}/posts`)).json()).toHaveLength(100);
    expect((await request(`${demo.url}/todos`)).json()).toHaveLength(200);
    expect((await request(`${demo.url}/users/1`)).json()).toMatchObject({ id: 1, name: 'Leanne Graham', username: 'Bret' });
    expect(generateDemoData()).toEqual(generateDemoData());
  });

  it('filters by query, nests comments and posts, and answers 404 for a missing record', async () => {
    const todos = (await request(`${demo.url}/todos?userId=3&completed=true`)).json<{ userId: number; completed: boolean }[]>();
    expect(todos.length).toBeGreaterThan(0);
    expect(todos.every((todo) => todo.userId === 3 && todo.completed)).toBe(true);
    const comments = (await request(`${demo.url}/posts/7/comments`)).json<{ postId: number }[]>();
    expect(comments).toHaveLength(5);
    expect(comments.every((comment) => comment.postId === 7)).toBe(true);
    expect((await request(`${demo.url}/users/2/posts`)).json()).toHaveLength(10);
    expect((await request(`${demo.url}/users/99`)).status).toBe(404);
    expect((await request(`${demo.url}/nothing-here`)).status).toBe(404);
  });

  it('creates, replaces, patches and deletes records in memory', async () => {
    const json = { 'content-type': 'application/json' };
    const created = await request(`${demo.url}/posts`, { method: 'POST', headers: json, body: JSON.stringify({ userId: 1, title: 'hello' }) });
    expect(created.status).toBe(201);
    const post = created.json<{ id: number }>();
    expect(post).toMatchObject({ id: 101, title: 'hello' });
    expect(created.headers.location).toBe('/posts/101');
    expect((await request(`${demo.url}/posts/101`)).json()).toMatchObject({ title: 'hello' });

    const patched = await request(`${demo.url}/posts/101`, { method: 'PATCH', headers: json, body: '{"title":"patched"}' });
    expect(patched.json()).toEqual({ id: 101, userId: 1, title: 'patched' });
    const replaced = await request(`${demo.url}/posts/101`, { method: 'PUT', headers: json, body: '{"title":"replaced"}' });
    expect(replaced.json()).toEqual({ id: 101, title: 'replaced' });
    expect((await request(`${demo.url}/posts/101`, { method: 'DELETE' })).status).toBe(200);
    expect((await request(`${demo.url}/posts/101`)).status).toBe(404);

    const bad = await request(`${demo.url}/posts`, { method: 'POST', headers: json, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error: 'the body is not valid JSON' });
  });

  it('has /health, /status/:code, /slow?ms= and /echo for gateway demos', async () => {
    expect((await request(`${demo.url}/health`)).json()).toEqual({ status: 'ok' });
    const unavailable = await request(`${demo.url}/status/503`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.json()).toEqual({ status: 503, message: 'Service Unavailable' });
    expect((await request(`${demo.url}/status/42`)).status).toBe(400);

    const started = Date.now();
    const slow = await request(`${demo.url}/slow?ms=300`);
    expect(slow.json()).toEqual({ sleptMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    const echo = await request(`${demo.url}/echo/a?x=1`, { method: 'POST', headers: { 'x-test': 'yes' }, body: 'hi' });
    expect(echo.json()).toMatchObject({ method: 'POST', path: '/echo/a', query: { x: '1' }, headers: { 'x-test': 'yes' }, body: 'hi' });
  });
});
