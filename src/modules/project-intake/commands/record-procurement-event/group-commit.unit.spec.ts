import { GroupCommit } from './group-commit';

/** A write the test releases by hand, recording the groups it was given. */
function controlledWrite() {
  const groups: { key: string; items: number[]; release(fail?: Error): void }[] = [];
  const write = (context: { id: string }, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      groups.push({ key: context.id, items, release: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `${context.id}:${i}`))) });
    });
  return { groups, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes an item alone and at once when nothing of its key is being written', async () => {
    const { groups, write } = controlledWrite();
    const commit = new GroupCommit((c: { id: string }) => c.id, write);
    const answer = commit.submit({ id: 'a' }, 1);
    expect(groups.map((g) => g.items)).toEqual([[1]]);
    groups[0].release();
    await expect(answer).resolves.toBe('a:1');
  });

  it('groups the items that arrive while two groups of their key are in flight, and answers each its own result', async () => {
    const { groups, write } = controlledWrite();
    const commit = new GroupCommit((c: { id: string }) => c.id, write);
    const answers = [1, 2, 3, 4, 5].map((i) => commit.submit({ id: 'a' }, i));
    expect(groups.map((g) => g.items)).toEqual([[1], [2]]);
    groups[0].release();
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1], [2], [3, 4, 5]]);
    groups[1].release();
    groups[2].release();
    await expect(Promise.all(answers)).resolves.toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
  });

  it('keeps keys apart: one client waiting does not hold another back', async () => {
    const { groups, write } = controlledWrite();
    const commit = new GroupCommit((c: { id: string }) => c.id, write);
    void commit.submit({ id: 'a' }, 1);
    void commit.submit({ id: 'a' }, 2);
    void commit.submit({ id: 'a' }, 3);
    const b = commit.submit({ id: 'b' }, 9);
    expect(groups.map((g) => [g.key, g.items])).toEqual([
      ['a', [1]],
      ['a', [2]],
      ['b', [9]],
    ]);
    groups[2].release();
    await expect(b).resolves.toBe('b:9');
  });

  it('fails only the group whose write failed; the next group is still written', async () => {
    const { groups, write } = controlledWrite();
    const commit = new GroupCommit((c: { id: string }) => c.id, write);
    const first = commit.submit({ id: 'a' }, 1);
    const second = commit.submit({ id: 'a' }, 2);
    const third = commit.submit({ id: 'a' }, 3);
    groups[0].release(new Error('database gone'));
    await expect(first).rejects.toThrow('database gone');
    await tick();
    expect(groups.map((g) => g.items)).toEqual([[1], [2], [3]]);
    groups[1].release();
    groups[2].release();
    await expect(second).resolves.toBe('a:2');
    await expect(third).resolves.toBe('a:3');
  });

  it('never puts more than 500 items in one group', async () => {
    const { groups, write } = controlledWrite();
    const commit = new GroupCommit((c: { id: string }) => c.id, write);
    const answers = Array.from({ length: 1202 }, (_, i) => commit.submit({ id: 'a' }, i));
    groups[0].release();
    groups[1].release();
    await tick();
    expect(groups.slice(2).map((g) => g.items.length)).toEqual([500, 500]);
    groups[2].release();
    groups[3].release();
    await tick();
    expect(groups.slice(4).map((g) => g.items.length)).toEqual([200]);
    groups[4].release();
    expect((await Promise.all(answers)).length).toBe(1202);
  });
});
