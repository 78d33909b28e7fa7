/**
 * The key two names collide on: NFKC (compatibility forms: full-width, ligatures, superscripts)
 * and Unicode case folding (upper- then lower-casing also folds "ß"/"SS", "ﬁ"/"FI", Greek sigmas).
 * Group names are unique by this key, so look-alikes that differ only in form or case cannot coexist.
 */
export function foldKey(name: string): string {
  return name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC").trim();
}
