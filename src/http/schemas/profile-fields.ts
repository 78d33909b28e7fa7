import { z } from "@hono/zod-openapi";
import { isSafeText } from "../../core/display-text";

/** Field rules shared by the self-service profile and the admin user endpoints. */

function isIanaTimeZone(value: string): boolean {
  try {
    // Throws RangeError for anything that is not a zone the runtime's ICU knows.
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(value) || value === "UTC";
  } catch {
    return false;
  }
}

function isBcp47(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/**
 * Text shown to people (a display name, a passkey's name): trimmed, 1 to `max` characters, refused
 * (422) with control, bidi-override or zero-width characters (core/display-text.ts).
 */
export const displayTextField = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(isSafeText, { message: "Control, bidi-override and zero-width characters are not allowed" });

export const displayNameField = displayTextField(100);
export const emailField = z.email({ message: "Invalid e-mail address" }).max(254);
export const avatarUrlField = z
  .url({ protocol: /^https$/, message: "avatar_url must be an https URL" })
  .max(2048);
export const bioField = z.string().max(1000);
export const timezoneField = z
  .string()
  .max(64)
  .refine(isIanaTimeZone, { message: "Not an IANA time zone (e.g. Europe/Berlin)" })
  .openapi({ example: "Europe/Berlin" });
export const localeField = z
  .string()
  .max(35)
  .refine(isBcp47, { message: "Not a BCP 47 language tag (e.g. en-GB)" })
  .openapi({ example: "en-GB" });

/** Editable profile: every field optional, null clears it; any other key is refused (422). */
export const ProfileUpdateSchema = z
  .strictObject({
    display_name: displayNameField.nullable().optional(),
    email: emailField.nullable().optional(),
    avatar_url: avatarUrlField.nullable().optional(),
    bio: bioField.nullable().optional(),
    timezone: timezoneField.nullable().optional(),
    locale: localeField.nullable().optional(),
  })
  .openapi("UserProfileUpdate");

export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;

/** Wire names → column names, keeping only the keys the client actually sent. */
export function profileUpdateToColumns(update: ProfileUpdate) {
  const columns: {
    displayName?: string | null;
    email?: string | null;
    avatarUrl?: string | null;
    bio?: string | null;
    timezone?: string | null;
    locale?: string | null;
  } = {};
  if (update.display_name !== undefined) columns.displayName = update.display_name;
  if (update.email !== undefined) columns.email = update.email?.toLowerCase() ?? null;
  if (update.avatar_url !== undefined) columns.avatarUrl = update.avatar_url;
  if (update.bio !== undefined) columns.bio = update.bio;
  if (update.timezone !== undefined) columns.timezone = update.timezone;
  if (update.locale !== undefined) columns.locale = update.locale;
  return columns;
}
