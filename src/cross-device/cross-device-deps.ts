import type { InteractionDeps } from '../interaction/deps.js';
import type { WaitingPages } from './waiting-pages.js';

/** What the cross-device handlers work with: the interaction's, and the waiting desktop pages of this instance. */
export interface CrossDeviceDeps extends InteractionDeps {
  waiting: WaitingPages;
}
