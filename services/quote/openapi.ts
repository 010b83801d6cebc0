/** OpenAPI shapes the quote routes share. */
import { z } from 'zod';

export const multipart = (schema: z.ZodType) => ({ content: { 'multipart/form-data': { schema } } });
export const FileField = z.string().meta({ format: 'binary' });
export const ok = (description: string) => ({
  200: { description, content: { 'application/json': { schema: z.object({}).passthrough() } } },
});
