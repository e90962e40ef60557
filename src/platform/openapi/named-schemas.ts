import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

const NAMED = new Map<string, SchemaObject>();

/**
 * A named component schema that no class can express (a discriminated union, a free-form map), registered when the
 * module that declares it is loaded and added to components.schemas when the document is finished. Returns its $ref.
 */
export function namedSchema(name: string, schema: SchemaObject): ReferenceObject {
  const known = NAMED.get(name);
  if (known && JSON.stringify(known) !== JSON.stringify(schema)) throw new Error(`OpenAPI schema ${name} is declared twice, differently`);
  NAMED.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** The schemas namedSchema registered, by name. */
export function namedSchemas(): Record<string, SchemaObject> {
  return Object.fromEntries([...NAMED.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
