export interface CheckItem {
  name: string;
  ok: boolean;
  /** A precise human sentence; on failure it says what to fix. */
  detail: string;
}

/** The outcome of a connection check (a bot's platform, a workflow's service), shown by the CLI and the console. */
export interface CheckReport {
  ok: boolean;
  items: CheckItem[];
  /** Setup facts to show in the console: callback URL, token, keys to paste, manifest. */
  setup?: Record<string, string>;
}
