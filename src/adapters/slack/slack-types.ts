/**
 * The parts of Slack's payloads Switchboard reads. Slack sends more; unknown fields are ignored.
 * Shapes follow https://docs.slack.dev/reference/events (message, app_mention) and interactivity payloads.
 */
export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  mode?: string;
  url_private?: string;
  url_private_download?: string;
}

export interface SlackMessageEvent {
  type: 'message' | 'app_mention';
  subtype?: string;
  channel: string;
  channel_type?: 'im' | 'mpim' | 'channel' | 'group' | 'app_home';
  user?: string;
  bot_id?: string;
  app_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  parent_user_id?: string;
  client_msg_id?: string;
  team?: string;
  files?: SlackFile[];
  user_profile?: { display_name?: string; real_name?: string; name?: string };
}

export interface SlackEventCallback {
  type: 'event_callback';
  team_id?: string;
  api_app_id?: string;
  event_id?: string;
  event_time?: number;
  event: { type: string; [key: string]: unknown };
  authorizations?: { team_id?: string | null; user_id?: string; is_bot?: boolean }[];
}

export interface SlackSlashCommand {
  command: string;
  text: string;
  channel_id: string;
  channel_name?: string;
  user_id: string;
  user_name?: string;
  team_id?: string;
  trigger_id?: string;
  response_url?: string;
}

/** What a reply is aimed at; persisted on the message row as `replyTarget`. */
export interface SlackReplyTarget {
  channel: string;
  /** Thread to answer in; absent: answer at top level (DMs). */
  threadTs?: string;
  /** The user's message (absent for slash commands). */
  messageTs?: string;
  userId?: string;
  teamId?: string;
  direct?: boolean;
}

export function toReplyTarget(target: Record<string, unknown>): SlackReplyTarget {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const channel = str(target.channel);
  if (!channel) throw new TypeError('Slack reply target has no channel');
  return {
    channel,
    threadTs: str(target.threadTs),
    messageTs: str(target.messageTs),
    userId: str(target.userId),
    teamId: str(target.teamId),
    direct: target.direct === true,
  };
}
