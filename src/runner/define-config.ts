import type { RigConfig } from './cli/config.js';

/**
 * Typed helper for myna-rig.config.ts: `export default defineConfig({ suite: …, level: 'basic' })`.
 * It returns its argument unchanged; the point is the editor's completion and type checks. The
 * config is checked again when loaded (a .js config has no types).
 */
export type MynaRigConfig = Omit<RigConfig, '$schema'>;

export function defineConfig(config: MynaRigConfig): MynaRigConfig {
  return config;
}
