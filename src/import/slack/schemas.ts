import { z } from 'zod';

// The shapes stek reads from a Slack export. Everything but the ids is optional: exports from
// different years and plans leave out different fields, and a missing field is no reason to
// drop a record. Unknown fields are ignored.

const Text = z.string().optional();
const Flag = z.boolean().optional();

const TopicSchema = z.object({ value: Text, creator: Text, last_set: z.number().optional() });

export const SlackUserSchema = z.object({
  id: z.string().min(1),
  name: Text,
  real_name: Text,
  deleted: Flag,
  is_admin: Flag,
  is_owner: Flag,
  is_primary_owner: Flag,
  is_bot: Flag,
  updated: z.number().optional(),
  profile: z.object({ display_name: Text, real_name: Text, bot_id: Text }).optional(),
});

export type SlackUser = z.infer<typeof SlackUserSchema>;

/** channels.json, groups.json, dms.json and mpims.json entries share this shape. */
export const SlackConversationSchema = z.object({
  id: z.string().min(1),
  name: Text,
  created: z.number().optional(),
  creator: Text,
  is_archived: Flag,
  members: z.array(z.string()).optional(),
  topic: TopicSchema.optional(),
  purpose: TopicSchema.optional(),
});

export type SlackConversation = z.infer<typeof SlackConversationSchema>;

const ReactionSchema = z.object({
  name: z.string().min(1),
  users: z.array(z.string()).default([]),
  count: z.number().optional(),
});

const FileSchema = z.object({
  name: Text,
  title: Text,
  permalink: Text,
  url_private: Text,
});

const AttachmentSchema = z.object({
  fallback: Text,
  pretext: Text,
  title: Text,
  title_link: Text,
  text: Text,
  from_url: Text,
  original_url: Text,
});

export const SlackMessageSchema = z.object({
  type: Text,
  subtype: Text,
  ts: z.string().regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a Slack timestamp'),
  user: Text,
  bot_id: Text,
  username: Text,
  bot_profile: z.object({ name: Text }).optional(),
  user_profile: z.object({ name: Text, real_name: Text, display_name: Text }).optional(),
  text: z.string().default(''),
  thread_ts: Text,
  edited: z.object({ user: Text, ts: Text }).optional(),
  reactions: z.array(ReactionSchema).optional(),
  files: z.array(FileSchema).optional(),
  attachments: z.array(AttachmentSchema).optional(),
  // Carried by system subtypes.
  topic: Text,
  purpose: Text,
  name: Text,
  old_name: Text,
  inviter: Text,
});

export type SlackMessage = z.infer<typeof SlackMessageSchema>;

/** A zod failure as one line: where in the record, and what was wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'record'}: ${issue.message}`)
    .join('; ');
}
