import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Bodies are validated strictly (no coercion, unknown fields rejected — never silently dropped);
 * query strings and path parameters arrive as text, so they are coerced to the declared types.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  // ajv-formats is CommonJS: its default import is the module object, whose `default` is the plugin.
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);
const cache = new WeakMap<object, ValidateFunction>();

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  const key = schema as object;
  const known = httpPart === 'body' ? cache.get(key) : undefined;
  if (known) return known as ReturnType<FastifySchemaCompiler<unknown>>;
  const fn = ajv.compile(schema as object);
  if (httpPart === 'body') cache.set(key, fn);
  return fn as ReturnType<FastifySchemaCompiler<unknown>>;
};
