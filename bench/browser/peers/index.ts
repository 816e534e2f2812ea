/** The client-side consent tools of the head-to-head, each set up as its own documentation says. */
import type { Peer } from "../peer";
import { peer as orejime } from "./orejime";
import { peer as tarteaucitron } from "./tarteaucitron";
import { peer as vanillaCookieConsent } from "./vanilla-cookieconsent";

export const PEERS: readonly Peer[] = [vanillaCookieConsent, orejime, tarteaucitron];
