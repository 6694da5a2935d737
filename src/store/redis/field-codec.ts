import type { JobRecord } from '../../job.js';

/*
 * One hash per job at `<prefix>job:<id>`. The text fields below are stored as they are and the counters as
 * numbers; every other field of the record (options, result, error, and whatever later versions add) is
 * stored as JSON, so fields this file does not know about pass through untouched. Results hold no bytes
 * (a PDF is stored as base64, see `toStoredOutputs`), so plain JSON carries every field.
 */
const TEXT_FIELDS = new Set(['id', 'status', 'mediaType', 'createdAt', 'startedAt', 'finishedAt']);
const NUMBER_FIELDS = new Set(['attempts', 'progress']);

/** The hash fields of a record; undefined fields are left out. */
export function toFields(record: object): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    fields[name] = TEXT_FIELDS.has(name) || NUMBER_FIELDS.has(name) ? String(value) : JSON.stringify(value);
  }
  return fields;
}

/** The record a hash holds, or undefined when there is none (an empty hash has no status). */
export function fromFields(fields: Record<string, string>): JobRecord | undefined {
  if (!fields.status) return undefined;
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    record[name] = TEXT_FIELDS.has(name) ? value : NUMBER_FIELDS.has(name) ? Number(value) : JSON.parse(value);
  }
  return record as unknown as JobRecord;
}

/** HGETALL inside Lua answers a flat [field, value, ...] list. */
export function pairsToFields(pairs: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!] = pairs[i + 1]!;
  return fields;
}
