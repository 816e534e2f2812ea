/**
 * A rule's `service`: the one vendor or embed within its category that a visitor can grant on its own
 * ("YouTube" without the rest of marketing). Ids are short, lowercase, and safe inside the consent
 * cookie (RFC 6265 cookie-octets), a space-separated attribute and a debug header.
 */
import * as v from "valibot";
import { describeValue, say } from "./problems";

export const SERVICE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const serviceField = v.optional(
  v.pipe(
    v.string(say("service must be text", 'write a short id, e.g. "service": "youtube"')),
    v.regex(
      SERVICE,
      say(
        (input) => `${describeValue(input)} is not a service id`,
        'write 1-32 lowercase letters, digits, "-" or "_", e.g. "youtube"',
      ),
    ),
    v.description(
      'A service within the category ("youtube", "hotjar") that a visitor can grant on its own, without the whole category: in the banner\'s Customise, or from an embed\'s placeholder.',
    ),
  ),
);
