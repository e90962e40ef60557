import { createHash } from 'node:crypto';

/**
 * A Merkle tree over stream heads, shaped as RFC 6962 / RFC 9162 §2.1 (Certificate Transparency): leaves and
 * interior nodes are domain-separated (0x00 / 0x01) so a leaf can never pass for a node, and an odd count is
 * split at the largest power of two below it, so the tree of n leaves is unique.
 *
 * Leaf of a stream head, bytes hashed in this order:
 *   0x00 ‖ UTF-8(streamId) ‖ 0x00 ‖ ASCII(decimal version) ‖ 0x00 ‖ the head's 32-byte hash
 * Leaves are ordered by stream id in Unicode code point order (= the byte order of their UTF-8), never by a
 * database collation. The root of no leaves is SHA-256 of the empty string.
 */
export interface MerkleStreamHead {
  streamId: string;
  version: number;
  /** The head event's hash, 64 hex characters. */
  hash: string;
}

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);
const SEPARATOR = Buffer.from([0x00]);
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export const EMPTY_MERKLE_ROOT = createHash('sha256').digest();

export function merkleLeafHash(head: MerkleStreamHead): Buffer {
  if (!HEX_SHA256.test(head.hash)) throw new Error(`stream ${head.streamId}: head hash is not 64 lowercase hex characters`);
  if (!Number.isSafeInteger(head.version) || head.version < 1) throw new Error(`stream ${head.streamId}: version must be a positive integer`);
  return createHash('sha256')
    .update(LEAF)
    .update(head.streamId, 'utf8')
    .update(SEPARATOR)
    .update(String(head.version), 'ascii')
    .update(SEPARATOR)
    .update(Buffer.from(head.hash, 'hex'))
    .digest();
}

export function merkleNodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/**
 * Folds leaves into the root in O(log n) memory, one leaf at a time, in their final order. The RFC 6962 tree of
 * n leaves is its perfect subtrees (one per set bit of n, largest first) merged from the right, which is what
 * the stack below holds.
 */
export class MerkleAccumulator {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leaf: Buffer): void {
    let node = { size: 1, hash: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: merkleNodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count += 1;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_MERKLE_ROOT;
    let hash = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1) hash = merkleNodeHash(this.stack[i].hash, hash);
    return hash;
  }
}

export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  const acc = new MerkleAccumulator();
  for (const leaf of leaves) acc.push(leaf);
  return acc.root();
}

/**
 * Orders stream ids by Unicode code point, which is the byte order of their UTF-8 (JavaScript's `<` compares
 * UTF-16 code units, which differs only between surrogate pairs and U+E000–U+FFFF).
 */
export function compareStreamIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (0xD800–0xDFFF) stand for code points above 0xFFFF: above every other unit from 0xD800 on.
      const rank = (u: number) => (u <= 0xdfff ? u + 0x2000 : u - 0x800);
      return rank(x) - rank(y);
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Leaves of these heads in tree order (sorted by stream id); a stream id given twice is refused. */
export function sortedHeadLeaves(heads: Iterable<MerkleStreamHead>): { streamId: string; leaf: Buffer }[] {
  const leaves = [...heads].map((h) => ({ streamId: h.streamId, leaf: merkleLeafHash(h) }));
  leaves.sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  for (let i = 1; i < leaves.length; i += 1) {
    if (leaves[i - 1].streamId === leaves[i].streamId) throw new Error(`stream ${leaves[i].streamId} has two heads`);
  }
  return leaves;
}

/** The root over stream heads in any order (they are sorted here). */
export function merkleRootOfHeads(heads: Iterable<MerkleStreamHead>): Buffer {
  return merkleRoot(sortedHeadLeaves(heads).map((l) => l.leaf));
}

/** RFC 6962 §2.1.1 audit path of leaf `index`: the sibling hashes from the leaf up to the root. */
export function merkleInclusionProof(leaves: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError(`leaf index ${index} is outside 0..${leaves.length - 1}`);
  // Walk down from the root, taking the sibling subtree at every split; the path lists them bottom-up.
  const siblings: Buffer[] = [];
  let lo = 0;
  let hi = leaves.length;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index - lo < k) {
      siblings.push(merkleRoot(leaves.slice(lo + k, hi)));
      hi = lo + k;
    } else {
      siblings.push(merkleRoot(leaves.slice(lo, lo + k)));
      lo += k;
    }
  }
  return siblings.reverse();
}

/** RFC 9162 §2.1.3.2: whether `leaf` sits at `index` of a tree of `size` leaves whose root is `root`. */
export function verifyMerkleInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
