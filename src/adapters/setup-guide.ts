/**
 * What a user does in a platform's admin console to connect a bot, in words, with the values to paste. Computed from
 * the bot's stored configuration alone — no call to the platform — so it can be shown offline (`switchboard bots
 * show`) and beside a connection check.
 */

/** One value to paste; `key` names it in CheckReport.setup. */
export interface SetupValue {
  key: string;
  label: string;
  value: string;
}

/** One place in the platform's admin console and what to do there. */
export interface SetupStep {
  /** The place, as the platform's console names it. */
  where: string;
  values: SetupValue[];
  /** What to do there beyond pasting the values. */
  note?: string;
  /** Keeps this step's sentence in CheckReport.setup under this key. */
  key?: string;
}

export interface SetupGuide {
  /** The callback path (/hooks/<platform>/<id>); absent when the mode needs no callback (Slack Socket Mode). */
  callbackPath?: string;
  /** The full callback URL; absent when the public base URL is unknown or the mode needs no callback. */
  callbackUrl?: string;
  /** Set when the mode keeps its own connection to the platform instead of a callback (e.g. 'Socket Mode'). */
  ownConnection?: string;
  steps: SetupStep[];
}

/** The guide as the flat record of CheckReport.setup: each value under its key, each keyed step as one sentence. */
export function setupFacts(guide: SetupGuide): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const step of guide.steps) {
    if (step.key) facts[step.key] = step.note ? `${step.where}: ${step.note}` : step.where;
    for (const value of step.values) facts[value.key] = value.value;
  }
  return facts;
}
