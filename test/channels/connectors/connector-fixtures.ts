import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { expect } from 'vitest';
import type { NormaliseResult } from '../../../src/channels/connectors/connector-types.ts';
import { OrderInput } from '../../../src/orders/order-input-schema.ts';

type Json = Record<string, unknown>;

/** A recorded platform payload, parsed fresh on every call so tests can mutate it. */
export function fixture(platform: string, name: string): Json {
  const url = new URL(`../../fixtures/connectors/${platform}/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Json;
}

/** Sets (or, with undefined, deletes) the value at a JSON pointer inside a payload. */
export function mutate(payload: Json, pointer: string, value: unknown): Json {
  const parts = pointer.split('/').slice(1);
  const last = parts.pop()!;
  let target: Record<string, unknown> = payload;
  for (const part of parts) target = target[part] as Record<string, unknown>;
  if (value === undefined) {
    if (Array.isArray(target)) target.splice(Number(last), 1);
    else delete target[last];
  } else target[last] = value;
  return payload;
}

export function expectOrder(result: NormaliseResult) {
  if (!result.ok) throw new Error(`expected an order, got ${JSON.stringify(result.errors)}`);
  expect([...Value.Errors(OrderInput, result.order)]).toEqual([]);
  expect(Value.Check(OrderInput, result.order)).toBe(true);
  return result;
}

/** The result is a rejection naming the pointer; returns the matching problem's detail. */
export function expectRejected(result: NormaliseResult, pointer: string): string {
  if (result.ok) throw new Error(`expected a rejection at ${pointer}, got order ${result.order.externalId}`);
  const problem = result.errors.find((e) => e.pointer === pointer);
  if (!problem) throw new Error(`no problem at ${pointer}: ${JSON.stringify(result.errors)}`);
  expect(problem.detail.length).toBeGreaterThan(3);
  return problem.detail;
}
