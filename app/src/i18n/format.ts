// Numbers, money, token amounts and dates in the reader's language.
import { useTranslation } from "react-i18next";
import { formatUnits } from "viem";

const locales: Record<string, string> = { en: "en-US", uk: "uk-UA", ru: "ru-RU" };

export function useFormat() {
  const { i18n } = useTranslation();
  const locale = locales[i18n.language] ?? "en-US";
  return {
    locale,
    number: (value: number, digits = 0) =>
      new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value),
    money: (value: number | string, currency: string) =>
      new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(value)),
    /** A token amount in base units (18 decimals), shown with up to 4 decimals. */
    tokens: (baseUnits: string | bigint, symbol = "RWD") =>
      `${new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(Number(formatUnits(BigInt(baseUnits), 18)))} ${symbol}`,
    date: (value: string | Date) => new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(value)),
    dateTime: (value: string | Date) =>
      new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value)),
  };
}
