/** OpenAPI shapes the RMA routes share. */
import type { z } from 'zod';

/** A JSON response of `schema`. */
export const jsonResponse = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
