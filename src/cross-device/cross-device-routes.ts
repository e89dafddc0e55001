/**
 * Cross-device sign-in: a phone wallet signs for a desktop's sign-in, with
 * this server as the relay (no third-party service). The desktop shows a QR
 * code of `${ISSUER}/sign/<handle>` and a two-digit match code; the phone
 * opens it in its wallet's browser, checks the code, and signs; the desktop
 * learns of it (an event stream) and finishes the login with its own cookie.
 * See desktop-routes.ts, phone-routes.ts, handles.ts and waiting-pages.ts.
 */
import Router from '@koa/router';
import { loginAttempt } from '../interaction/audit.js';
import { acceptBody } from '../interaction/body.js';
import { interactionErrors } from '../interaction/error-responses.js';
import { noStore } from '../interaction/routes.js';
import type { CrossDeviceDeps } from './cross-device-deps.js';
import { events, finish, start } from './desktop-routes.js';
import { limitCrossDevice } from './limit.js';
import { phoneMessage, phonePage, phoneSign } from './phone-routes.js';

export function crossDeviceRoutes(deps: CrossDeviceDeps) {
  const router = new Router();
  const limited = limitCrossDevice(deps.rateLimiter);
  router.use(['/interaction/:uid/cross-device', '/sign/:handle'], noStore, interactionErrors);
  router.post('/interaction/:uid/cross-device', limited, acceptBody(), start(deps));
  router.get('/interaction/:uid/cross-device/events', limited, events(deps));
  router.post('/interaction/:uid/cross-device/finish', limited, acceptBody(), finish(deps));
  router.get('/sign/:handle', limited, phonePage(deps));
  router.get('/sign/:handle/message', limited, phoneMessage(deps));
  router.post('/sign/:handle', loginAttempt, limited, acceptBody('message', 'signature'), phoneSign(deps));
  return router.routes();
}
