import { createHash } from 'node:crypto';
import {
  compareStreamIds,
  EMPTY_MERKLE_ROOT,
  MerkleAccumulator,
  merkleInclusionProof,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  merkleRootOfHeads,
  sortedHeadLeaves,
  verifyMerkleInclusion,
} from './merkle';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const hex = (n: number) => createHash('sha256').update(String(n)).digest('hex');
const leaves = (n: number) => Array.from({ length: n }, (_, i) => merkleLeafHash({ streamId: `s-${i}`, version: i + 1, hash: hex(i) }));

/** RFC 6962 §2.1 MTH, written recursively as the RFC states it. */
function referenceRoot(d: Buffer[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha256(Buffer.from([1]), referenceRoot(d.slice(0, k)), referenceRoot(d.slice(k)));
}

describe('Merkle tree over stream heads', () => {
  it('hashes a leaf as 0x00 ‖ stream id ‖ 0x00 ‖ decimal version ‖ 0x00 ‖ raw head hash', () => {
    const head = { streamId: 'project-7307', version: 12, hash: hex(1) };
    const expected = sha256(Buffer.from([0]), Buffer.from('project-7307'), Buffer.from([0]), Buffer.from('12'), Buffer.from([0]), Buffer.from(hex(1), 'hex'));
    expect(merkleLeafHash(head).equals(expected)).toBe(true);
  });

  it('hashes a node as 0x01 ‖ left ‖ right', () => {
    const [a, b] = leaves(2);
    expect(merkleNodeHash(a, b).equals(sha256(Buffer.from([1]), a, b))).toBe(true);
  });

  it('gives SHA-256 of nothing for no leaves, and the leaf itself for one', () => {
    expect(merkleRoot([]).equals(sha256())).toBe(true);
    expect(EMPTY_MERKLE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const [one] = leaves(1);
    expect(merkleRoot([one]).equals(one)).toBe(true);
  });

  it('folds leaves one at a time to the RFC 6962 root for every count up to 70', () => {
    for (let n = 0; n <= 70; n += 1) {
      const d = leaves(n);
      expect(merkleRoot(d).toString('hex')).toBe(referenceRoot(d).toString('hex'));
    }
  });

  it('splits an odd count at the largest power of two below it: three leaves are H(H(a,b), c)', () => {
    const [a, b, c] = leaves(3);
    expect(merkleRoot([a, b, c]).equals(merkleNodeHash(merkleNodeHash(a, b), c))).toBe(true);
  });

  it('counts what it folded', () => {
    const acc = new MerkleAccumulator();
    leaves(5).forEach((l) => acc.push(l));
    expect(acc.size).toBe(5);
  });

  it('orders heads by stream id whatever order they come in, so the root does not depend on it', () => {
    const heads = [
      { streamId: 'project-b', version: 3, hash: hex(3) },
      { streamId: 'case-a', version: 1, hash: hex(1) },
      { streamId: 'compliance-b', version: 2, hash: hex(2) },
    ];
    expect(merkleRootOfHeads(heads).equals(merkleRootOfHeads([...heads].reverse()))).toBe(true);
    expect(sortedHeadLeaves(heads).map((l) => l.streamId)).toEqual(['case-a', 'compliance-b', 'project-b']);
  });

  it('changes the root when any head moves, version or hash', () => {
    const heads = [
      { streamId: 'a', version: 1, hash: hex(1) },
      { streamId: 'b', version: 2, hash: hex(2) },
    ];
    const root = merkleRootOfHeads(heads).toString('hex');
    expect(merkleRootOfHeads([heads[0], { ...heads[1], version: 3 }]).toString('hex')).not.toBe(root);
    expect(merkleRootOfHeads([heads[0], { ...heads[1], hash: hex(9) }]).toString('hex')).not.toBe(root);
    expect(merkleRootOfHeads([heads[0]]).toString('hex')).not.toBe(root);
  });

  it('refuses a stream with two heads and a malformed head hash', () => {
    expect(() => sortedHeadLeaves([{ streamId: 'a', version: 1, hash: hex(1) }, { streamId: 'a', version: 2, hash: hex(2) }])).toThrow('two heads');
    expect(() => merkleLeafHash({ streamId: 'a', version: 1, hash: 'XYZ' })).toThrow('64 lowercase hex');
  });

  it('orders stream ids by code point, as their UTF-8 bytes sort', () => {
    const ids = ['b', 'a\u{1F600}', 'a\uFF01', 'a', 'ab', 'A'];
    const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...ids].sort(compareStreamIds)).toEqual(byBytes);
  });

  it('proves and checks the inclusion of every leaf for sizes 1 to 33, and refuses a wrong index or root', () => {
    for (let n = 1; n <= 33; n += 1) {
      const d = leaves(n);
      const root = merkleRoot(d);
      for (let i = 0; i < n; i += 1) {
        const proof = merkleInclusionProof(d, i);
        expect(verifyMerkleInclusion(d[i], i, n, proof, root)).toBe(true);
        if (n > 1) expect(verifyMerkleInclusion(d[i], (i + 1) % n, n, proof, root)).toBe(false);
        expect(verifyMerkleInclusion(d[i], i, n, proof, EMPTY_MERKLE_ROOT)).toBe(false);
      }
    }
  });
});
