import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

/** Flex's convention: -1 (or the key left out) means no limit. */
const limit = (what: string) => z.number().int().min(-1).default(-1).describe(`${what}; -1 for no limit`);

export const jsonThreatProtectionSchema = z
  .object({
    maxContainerDepth: limit('How deep objects and arrays may nest'),
    maxStringValueLength: limit('Longest string value, in characters'),
    maxObjectEntryNameLength: limit('Longest entry name of an object, in characters'),
    maxObjectEntryCount: limit('Most entries one object may have'),
    maxArrayElementCount: limit('Most elements one array may have'),
  })
  .strict();
export type JsonThreatProtectionConfig = z.infer<typeof jsonThreatProtectionSchema>;

export const jsonThreatProtectionEntry: PolicyCatalogueEntry<typeof jsonThreatProtectionSchema> = {
  name: 'json-threat-protection-flex',
  title: 'JSON threat protection',
  description:
    'Refuses JSON request bodies that nest too deep or carry oversized strings, names, objects or arrays (400), checked while the body streams: nothing is held in memory beyond the limits.',
  category: 'security',
  scope: 'request',
  schema: jsonThreatProtectionSchema,
  defaults: { maxContainerDepth: 20, maxStringValueLength: 10_000, maxObjectEntryNameLength: 100, maxObjectEntryCount: 1000, maxArrayElementCount: 10_000 },
  fields: {
    maxContainerDepth: { label: 'Nesting depth at most', help: 'How deep objects and arrays may nest (-1: no limit)' },
    maxStringValueLength: { label: 'String length at most', help: 'Characters in one string value (-1: no limit)' },
    maxObjectEntryNameLength: { label: 'Entry name length at most', help: 'Characters in one object entry name (-1: no limit)' },
    maxObjectEntryCount: { label: 'Entries per object at most', help: 'Entries one object may have (-1: no limit)' },
    maxArrayElementCount: { label: 'Elements per array at most', help: 'Elements one array may have (-1: no limit)' },
  },
};
