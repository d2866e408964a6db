// A translated sentence with one value in bold, wherever the language puts it: the text comes
// from t() with a marker in the value's place (no <Trans>, whose parser the landing chunk skips).
import type { TFunction } from "i18next";

const MARK = "\u0000";

export function Emphasis({ t, i18nKey, value }: { t: TFunction; i18nKey: string; value: string }) {
  const [before, after = ""] = t(i18nKey, { value: MARK }).split(MARK);
  return (
    <>
      {before}
      <strong>{value}</strong>
      {after}
    </>
  );
}
