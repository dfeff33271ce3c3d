/**
 * The demo upstream's data, JSONPlaceholder-shaped: 10 users, 100 posts, 500 comments,
 * 200 todos. Generated from a fixed seed, so every run (and every test) sees the same records.
 */

export type DemoRecord = Record<string, unknown> & { id: number };

export interface DemoData {
  users: DemoRecord[];
  posts: DemoRecord[];
  comments: DemoRecord[];
  todos: DemoRecord[];
}

const PEOPLE: [name: string, username: string, city: string, company: string][] = [
  ['Leanne Graham', 'Bret', 'Gwenborough', 'Romaguera-Crona'],
  ['Ervin Howell', 'Antonette', 'Wisokyburgh', 'Deckow-Crist'],
  ['Clementine Bauch', 'Samantha', 'McKenziehaven', 'Romaguera-Jacobson'],
  ['Patricia Lebsack', 'Karianne', 'South Elvis', 'Robel-Corkery'],
  ['Chelsey Dietrich', 'Kamren', 'Roscoeview', 'Keebler LLC'],
  ['Dennis Schulist', 'Leopoldo_Corkery', 'South Christy', 'Considine-Lockman'],
  ['Kurtis Weissnat', 'Elwyn.Skiles', 'Howemouth', 'Johns Group'],
  ['Nicholas Runolfsdottir V', 'Maxime_Nienow', 'Aliyaview', 'Abernathy Group'],
  ['Glenna Reichert', 'Delphine', 'Bartholomebury', 'Yost and Sons'],
  ['Clementina DuBuque', 'Moriah.Stanton', 'Lebsackbury', 'Hoeger LLC'],
];

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat ' +
  'duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint occaecat ' +
  'cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum'
).split(' ');

/** mulberry32: a tiny seeded PRNG; the same seed gives the same data everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateDemoData(seed = 42): DemoData {
  const next = random(seed);
  const words = (min: number, max: number) => {
    const count = min + Math.floor(next() * (max - min + 1));
    return Array.from({ length: count }, () => WORDS[Math.floor(next() * WORDS.length)]!).join(' ');
  };
  const sentences = (count: number) => Array.from({ length: count }, () => words(6, 12)).join('\n');

  const users: DemoRecord[] = PEOPLE.map(([name, username, city, company], index) => ({
    id: index + 1,
    name,
    username,
    email: `${username.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`,
    address: { street: `${words(1, 2)} street`, suite: `Apt. ${100 + Math.floor(next() * 900)}`, city, zipcode: String(10000 + Math.floor(next() * 89999)) },
    phone: `1-555-${String(100 + index).padStart(3, '0')}-${String(1000 + Math.floor(next() * 8999))}`,
    website: `${username.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.org`,
    company: { name: company, catchPhrase: words(3, 5), bs: words(3, 4) },
  }));

  const posts: DemoRecord[] = Array.from({ length: 100 }, (_, i) => ({
    userId: Math.floor(i / 10) + 1,
    id: i + 1,
    title: words(3, 8),
    body: sentences(4),
  }));

  const comments: DemoRecord[] = Array.from({ length: 500 }, (_, i) => {
    const first = words(1, 1);
    return { postId: Math.floor(i / 5) + 1, id: i + 1, name: words(3, 6), email: `${first}${i + 1}@example.net`, body: sentences(3) };
  });

  const todos: DemoRecord[] = Array.from({ length: 200 }, (_, i) => ({
    userId: Math.floor(i / 20) + 1,
    id: i + 1,
    title: words(2, 6),
    completed: next() < 0.45,
  }));

  return { users, posts, comments, todos };
}
