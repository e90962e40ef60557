/**
 * Checks a JSON answer against the schema openapi.json gives for that operation and status: the subset of OpenAPI
 * 3.0 schemas the document uses (type, nullable, enum, properties, required, items, additionalProperties, oneOf,
 * allOf, $ref). Stricter than JSON Schema on one point: a property the schema does not name is reported unless the
 * schema allows additional properties, so an answer that grew a field the document does not describe fails.
 */
type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };

export function schemaOfAnswer(doc: Doc, method: string, path: string, status: number, mediaType = 'application/json'): Schema {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`openapi.json has no ${method} ${path}`);
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`openapi.json has no ${status} for ${method} ${path}`);
  const schema = response.content?.[mediaType]?.schema;
  if (!schema) throw new Error(`openapi.json has no ${mediaType} schema for ${status} of ${method} ${path}`);
  return schema;
}

/** The places where `value` departs from `schema` ("" when it fits), as `path: reason` lines. */
export function conformance(doc: Doc, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return conformance(doc, resolve(doc, schema.$ref), value, at);
  if (value === null) return schema.nullable ? [] : [`${at}: null where the schema does not allow it`];
  if (schema.allOf) return schema.allOf.flatMap((s: Schema) => conformance(doc, s, value, at));
  if (schema.oneOf) {
    const fits = schema.oneOf.filter((s: Schema) => conformance(doc, s, value, at).length === 0);
    return fits.length === 1 ? [] : [`${at}: matches ${fits.length} of the oneOf schemas, not exactly one`];
  }
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected a string, got ${JSON.stringify(value)}`];
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: ${value} is not a date-time`);
      if (schema.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) problems.push(`${at}: ${value} is not a uuid`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) return [`${at}: expected an integer, got ${JSON.stringify(value)}`];
      break;
    case 'number':
      if (typeof value !== 'number') return [`${at}: expected a number, got ${JSON.stringify(value)}`];
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at}: expected a boolean, got ${JSON.stringify(value)}`];
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      value.forEach((item, i) => problems.push(...conformance(doc, schema.items ?? {}, item, `${at}[${i}]`)));
      break;
    case 'object':
    case undefined:
      if (schema.type === undefined && !schema.properties) break;
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
      for (const name of schema.required ?? []) if (!(name in (value as object))) problems.push(`${at}.${name}: missing`);
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        const property = schema.properties?.[name];
        if (property) problems.push(...conformance(doc, property, v, `${at}.${name}`));
        else if (typeof schema.additionalProperties === 'object') problems.push(...conformance(doc, schema.additionalProperties, v, `${at}.${name}`));
        else if (schema.additionalProperties !== true) problems.push(`${at}.${name}: not in the schema`);
      }
      break;
  }
  return problems;
}

function resolve(doc: Doc, ref: string): Schema {
  const name = ref.replace('#/components/schemas/', '');
  const schema = doc.components.schemas[name];
  if (!schema) throw new Error(`unresolved ${ref}`);
  return schema;
}
