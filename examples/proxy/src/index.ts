/**
 * consent-edge as its own Worker in front of an origin (here https://origin.example.com): every
 * request to the site's hosts goes through it, and it fetches the origin itself.
 */
import { createWorker } from "consent-edge/worker";
import config from "../consent-edge.config.json";

export default createWorker(config);
