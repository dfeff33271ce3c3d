import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { parseCondition, parseMessage } from './message-template';

export const MESSAGE_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

const messageString = z.string().min(1).superRefine((value, ctx) => {
  const parsed = parseMessage(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

const conditionString = z.string().superRefine((value, ctx) => {
  const parsed = parseCondition(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

export const messageLoggingItemSchema = z
  .object({
    itemName: z.string().min(1).describe('Name of this logging configuration'),
    itemData: z
      .object({
        message: messageString.describe("What to log: text, or an expression such as #['Status ' ++ attributes.statusCode]"),
        conditional: conditionString.optional().describe("Log only when this is true, e.g. #[attributes.method == 'POST']"),
        category: z.string().optional().describe('A prefix on the line that says where it comes from'),
        // Flex writes levels in capitals; lower case is accepted too.
        level: z.preprocess((value) => (typeof value === 'string' ? value.toUpperCase() : value), z.enum(MESSAGE_LOG_LEVELS)).describe('DEBUG, INFO, WARN or ERROR'),
        firstSection: z.boolean().default(true).describe('Log before the upstream is called (from the request)'),
        secondSection: z.boolean().default(false).describe('Log after the upstream answered (from the response)'),
      })
      .strict(),
  })
  .strict();

export const messageLoggingSchema = z
  .object({
    loggingConfiguration: z.array(messageLoggingItemSchema).min(1).describe('What to log, one entry per message'),
  })
  .strict();
export type MessageLoggingConfig = z.infer<typeof messageLoggingSchema>;
export type MessageLoggingItem = z.infer<typeof messageLoggingItemSchema>;

export const messageLoggingEntry: PolicyCatalogueEntry<typeof messageLoggingSchema> = {
  name: 'message-logging-flex',
  title: 'Message logging',
  description: 'Writes a message built from the request (before the upstream) or the response (after it) to the gateway log and the request trace.',
  category: 'quality',
  scope: 'request',
  schema: messageLoggingSchema,
  defaults: {
    loggingConfiguration: [
      { itemName: 'requests', itemData: { message: "#[attributes.method ++ ' ' ++ attributes.requestPath]", level: 'INFO', firstSection: true, secondSection: false } },
    ],
  },
  fields: {
    loggingConfiguration: { label: 'Messages', itemLabel: 'Message' },
    'loggingConfiguration.itemName': { label: 'Name' },
    'loggingConfiguration.itemData': { label: 'What to log' },
    'loggingConfiguration.itemData.message': { label: 'Message', placeholder: "#['Status ' ++ attributes.statusCode]", help: "Text, or #[…] joining 'text' and attributes (method, requestPath, headers['x'], queryParams['x'], statusCode) with ++" },
    'loggingConfiguration.itemData.conditional': { label: 'Only when', placeholder: "#[attributes.method == 'POST']", help: 'Leave empty to log every request' },
    'loggingConfiguration.itemData.category': { label: 'Category', help: 'A prefix on the line' },
    'loggingConfiguration.itemData.level': { label: 'Level', options: { DEBUG: 'Debug', INFO: 'Info', WARN: 'Warning', ERROR: 'Error' } },
    'loggingConfiguration.itemData.firstSection': { label: 'Before calling the upstream' },
    'loggingConfiguration.itemData.secondSection': { label: 'After the upstream answered' },
  },
};
