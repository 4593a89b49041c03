// Which tool calls the inspector holds: the tools its config tags with a tag it holds.

export interface TagConfig {
  /** Tool name -> its tags. */
  tags: Record<string, string[]>;
  /** Calls to a tool with any of these tags wait for an approver. */
  hold: string[];
}

export function parseConfig(text: string, source: string): TagConfig {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null) {
    throw new Error(`${source}: a JSON object is expected`);
  }
  const { tags, hold } = value as Record<string, unknown>;
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)
    || !Object.values(tags).every(t => Array.isArray(t) && t.every(s => typeof s === "string"))) {
    throw new Error(`${source}: tags must map tool names to lists of tags`);
  }
  if (!Array.isArray(hold) || hold.length === 0 || !hold.every(h => typeof h === "string")) {
    throw new Error(`${source}: hold must be a non-empty list of tags`);
  }
  return { tags: tags as Record<string, string[]>, hold };
}

/** The tag that makes a call to tool wait for approval, or undefined when it may go on. */
export function holdingTag(config: TagConfig, tool: string | null | undefined): string | undefined {
  if (!tool || !Object.prototype.hasOwnProperty.call(config.tags, tool)) {
    return undefined;
  }
  return config.tags[tool].find(tag => config.hold.includes(tag));
}
