/** Exit codes: 0 all passed, 1 a scenario failed (or a baseline entry is stale), 2 usage or file error. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;
