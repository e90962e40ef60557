import { conformance } from './openapi-conformance';

// The checker the conformance tests rely on must itself refuse what does not fit.

const doc = {
  paths: {},
  components: {
    schemas: {
      Item: { type: 'object', required: ['id', 'tags'], properties: { id: { type: 'string', format: 'uuid' }, count: { type: 'integer' }, note: { type: 'string', nullable: true }, tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } } },
      Free: { type: 'object', additionalProperties: true },
    },
  },
};
const item = { $ref: '#/components/schemas/Item' };
const id = '0b6f4f5e-2c1d-4a51-9a3e-5f0c8c7d9e21';

describe('conformance', () => {
  it('accepts what fits, null where nullable, and anything in a free-form object', () => {
    expect(conformance(doc, item, { id, count: 2, note: null, tags: ['a'] })).toEqual([]);
    expect(conformance(doc, { $ref: '#/components/schemas/Free' }, { any: { thing: 1 } })).toEqual([]);
  });

  it('reports missing, undocumented, mistyped and out-of-enum values with their paths', () => {
    expect(conformance(doc, item, { count: 1.5, extra: true, tags: ['c'], note: 3 })).toEqual([
      '$.id: missing',
      '$.count: expected an integer, got 1.5',
      '$.extra: not in the schema',
      '$.tags[0]: "c" is not one of ["a","b"]',
      '$.note: expected a string, got 3',
    ]);
    expect(conformance(doc, item, { id: 'nope', tags: [] })).toEqual(['$.id: nope is not a uuid']);
    expect(conformance(doc, item, null)).toEqual(['$: null where the schema does not allow it']);
  });

  it('requires exactly one branch of a oneOf', () => {
    const either = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    expect(conformance(doc, either, 'x')).toEqual([]);
    expect(conformance(doc, either, true)).toEqual(['$: matches 0 of the oneOf schemas, not exactly one']);
  });
});
