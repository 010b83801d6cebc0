/**
 * Loads the versioned pricing rule set and component catalog from config/pricing, checked against the
 * schema, so that a broken file fails loudly at start-up rather than pricing a quote wrongly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Catalog, PricingRules } from '../../domain/quote/pricing-rules';

/** Folder of the rule sets shipped with the project. */
export const PRICING_CONFIG_DIR = join(__dirname, '..', '..', 'config', 'pricing');
/** The rule set in force. */
export const CURRENT_RULES_FILE = join(PRICING_CONFIG_DIR, 'rules-2026-11-v2.json');
/** The component catalog in force. */
export const CURRENT_CATALOG_FILE = join(PRICING_CONFIG_DIR, 'catalog-2026-11.json');

async function loadJson<T>(path: string, schema: { parse(v: unknown): T }, what: string): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${what} ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return schema.parse(raw);
  } catch (err) {
    throw new Error(`${what} ${path} is invalid: ${(err as Error).message}`);
  }
}

/** Reads and validates a pricing rule set (defaults to the one in force). */
export function loadPricingRules(path = CURRENT_RULES_FILE): Promise<PricingRules> {
  return loadJson(path, PricingRules, 'pricing rule set');
}

/** Reads and validates a component catalog (defaults to the one in force). */
export function loadCatalog(path = CURRENT_CATALOG_FILE): Promise<Catalog> {
  return loadJson(path, Catalog, 'component catalog');
}
