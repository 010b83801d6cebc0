/**
 * CSRF defence: a state-changing request authenticated by the session cookie must say, by `Origin` (or, when a
 * browser leaves that out, `Referer`), that it comes from this site. SameSite=Lax is not enough: another port of
 * the same host is the same site, so its pages could post with our cookie. Bearer tokens are never sent by a
 * browser on its own, so requests carrying one are not checked.
 */
import type { Request, RequestHandler } from 'express';
import { AppError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin a request came from, by its Origin header or else its Referer; undefined when neither says. */
function claimedOrigin(req: Request): string | undefined {
  const origin = req.get('origin');
  if (origin && origin !== 'null') return origin;
  const referer = req.get('referer');
  if (!referer) return origin; // 'null' (sandboxed frame, file:) or nothing
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * Refuses (403 `csrf-origin-mismatch`) cookie-authenticated state changes whose origin is neither this server's
 * own (the scheme and Host the browser addressed) nor one of `allowedOrigins` (PUBLIC_URL, ALLOWED_ORIGINS).
 */
export function requireSameOrigin(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.credentialSource !== 'cookie') return next();
    const origin = claimedOrigin(req);
    const own = `${req.protocol}://${req.get('host') ?? ''}`;
    if (origin && (origin === own || allowed.has(origin))) return next();
    next(
      new AppError(
        'csrf-origin-mismatch',
        origin
          ? `a request signed in by cookie must come from this site; ${origin} is not ${[own, ...allowed].join(' or ')}`
          : 'a request signed in by cookie must carry an Origin or Referer header naming this site',
      ),
    );
  };
}
