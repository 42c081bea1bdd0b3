/**
 * Block Kit limits (docs.slack.dev "Block Kit" reference). Slack rejects the whole message with
 * `invalid_blocks` when one is exceeded, so an alert would silently never arrive: every renderer
 * truncates to these, marking the cut with "…".
 */
export const blockKitLimits = {
  /** Blocks per message (and per response_url reply). */
  blocksPerMessage: 50,
  /** `text` of a section block. */
  sectionText: 3000,
  /** Each entry of a section's `fields`. */
  fieldText: 2000,
  /** Entries in a section's `fields`. */
  fieldsPerSection: 10,
  /** Header blocks take plain text only. */
  headerText: 150,
  /** Elements of a context block. */
  contextElements: 10,
  /** Text of one context element (Slack documents 3000 for text objects; kept lower to be safe). */
  contextText: 2000,
  /** Button label. */
  buttonText: 75,
  /** Button or option value, returned to us on click. */
  actionValue: 2000,
  /** action_id and block_id. */
  actionId: 255,
  /** Select option label. */
  optionText: 75,
  /** Options of a static select. */
  selectOptions: 100,
  /** Elements of an actions block. */
  actionsElements: 25,
  /**
   * Top-level `text`: the notification and screen-reader fallback. Slack truncates at 40,000 but
   * notifications show a line or two, so keep it short and meaningful.
   */
  fallbackText: 1000,
  /**
   * Sum of all text in a message's blocks. Undocumented: chat.postMessage answers
   * `msg_blocks_too_long` from about 12,000-13,200 characters (slackapi/bolt-js #2509, #2867), far
   * below the 50 x 3000 the per-block limits suggest, so every message is budgeted to this.
   */
  messageTextTotal: 10_000,
  /** A thread line (chat.postMessage `text`). */
  threadText: 3000,
} as const;
