/**
 * Writes TypeScript types from the JSON Schema the shapes convert to (the same the OpenAPI document
 * carries), so the client's request and response types cannot drift from what the API checks and
 * returns. Handles the subset the shapes use, and refuses anything else rather than guess.
 */
type Schema = Record<string, unknown>;

function doc(text: unknown, indent: string): string {
  return typeof text === 'string' ? `${indent}/** ${text} */\n` : '';
}

export function tsType(schema: Schema, indent = ''): string {
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if ('const' in schema) return JSON.stringify(schema.const);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return alternatives.map((alternative) => tsType(alternative, indent)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `readonly ${tsType(schema.items as Schema, indent)}[]`;
    case 'object': {
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const inner = `${indent}  `;
      const members = Object.entries((schema.properties as Record<string, Schema>) ?? {}).map(
        ([name, property]) => `${doc(property.description, inner)}${inner}readonly ${name}${required.has(name) ? '' : '?'}: ${tsType(property, inner)};`,
      );
      return `{\n${members.join('\n')}\n${indent}}`;
    }
    default:
      throw new Error(`no TypeScript form for the JSON Schema ${JSON.stringify(schema)}`);
  }
}

/** `export interface Name {...}` for an object, `export type Name = ...` otherwise (a union, a scalar). */
export function tsDeclaration(name: string, schema: Schema, description: string): string {
  const type = tsType(schema);
  const head = `/** ${description} */\n`;
  const isObject = schema.type === 'object' && schema.anyOf === undefined && schema.oneOf === undefined;
  return isObject ? `${head}export interface ${name} ${type}` : `${head}export type ${name} = ${type};`;
}
