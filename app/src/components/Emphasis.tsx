// A translated sentence with one value in bold, wherever the language puts it: the text comes
// from t() with a marker in {{value}}'s place (no <Trans>, whose parser the landing chunk skips);
// `values` fills the rest.
import type { TFunction } from "i18next";

const MARK = "\u0000";

interface Props {
  t: TFunction;
  i18nKey: string;
  value: string;
  values?: Record<string, string>;
}

export function Emphasis({ t, i18nKey, value, values }: Props) {
  const [before, after = ""] = t(i18nKey, { ...values, value: MARK }).split(MARK);
  return (
    <>
      {before}
      <strong>{value}</strong>
      {after}
    </>
  );
}
