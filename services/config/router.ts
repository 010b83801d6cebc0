import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../../infra/http/service-deps';

/** What a client needs to know about the factory to show its dates and money (no secrets: answered to anyone). */
export const FactoryConfigView = z
  .object({
    timeZone: z.string().meta({
      description: 'IANA zone the factory works in (TIME_ZONE); dates and deadlines are shown in it',
      example: 'Asia/Shanghai',
    }),
    currency: z.string().meta({ description: 'Currency of prices and payments', example: 'CNY' }),
  })
  .meta({ id: 'FactoryConfig' });

/** `GET /api/config`: the factory's time zone and currency, for the browser UI. */
export function createRouter(deps: ServiceDeps): Router {
  const router = Router();
  const view = { timeZone: deps.config.business.timeZone, currency: deps.config.business.currency };
  router.get('/config', (_req, res) => {
    res.json(view);
  });
  deps.openapi.registerPath({
    method: 'get',
    path: '/api/config',
    tags: ['platform'],
    summary: "The factory's time zone and currency",
    responses: { 200: { description: 'The settings', content: { 'application/json': { schema: FactoryConfigView } } } },
  });
  return router;
}
