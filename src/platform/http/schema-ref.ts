import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * A typed `$ref` to a schema registered once at the root (so OpenAPI shows it as a component and
 * the validators never see the same `$id` twice).
 */
export function ref<T extends TSchema>(schema: T) {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}
