/** `app.use(consentEdge(config))`: consent-edge around the routes of your own Hono app. */
export { type ConsentEdgeOptions, ConsentEdgeConfigError, consentEdge } from "../middleware/consent-edge";
export type { Env } from "../env";
