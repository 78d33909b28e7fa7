/**
 * Characters a display name must never carry, because they make one name render as another or
 * hide text: control characters (C0, DEL, C1; NUL included), bidirectional overrides, embeddings,
 * isolates and marks (the "Trojan Source" set, CVE-2021-42574), and zero-width characters. The
 * zero-width joiner is among them, so emoji sequences such as 👨‍👩‍👧 lose their joiners: a small
 * price for names that read as what they are. One definition, used to strip provider claims
 * (we cannot refuse what a provider sends) and to refuse such input on the API (422).
 */
const UNSAFE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u200B-\u200D\u2060-\u2064\uFEFF\u180E]/gu;

/** The text without unsafe characters. */
export function stripUnsafeText(value: string): string {
  return value.replace(UNSAFE, "");
}

/** True when the text has no unsafe character. */
export function isSafeText(value: string): boolean {
  return stripUnsafeText(value) === value;
}
