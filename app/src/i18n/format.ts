// Numbers, money, token amounts and dates in the reader's language.
import { useTranslation } from "react-i18next";
import { erc20Abi, formatUnits } from "viem";
import { useReadContract } from "wagmi";
import { deployment } from "../config/deployment.ts";
import { minorToDecimal } from "./money.ts";

const locales: Record<string, string> = { en: "en-US", uk: "uk-UA", ru: "ru-RU" };

/** The reward token's symbol and decimals, read once from the chain (it never changes). */
function useRewardToken() {
  const read = { address: deployment.token, abi: erc20Abi, query: { staleTime: Infinity, gcTime: Infinity } } as const;
  const symbol = useReadContract({ ...read, functionName: "symbol" });
  const decimals = useReadContract({ ...read, functionName: "decimals" });
  return { symbol: symbol.data ?? "", decimals: decimals.data ?? 18 };
}

export function useFormat() {
  const { i18n } = useTranslation();
  const token = useRewardToken();
  const locale = locales[i18n.language] ?? "en-US";
  const money = (value: number | string, currency: string) =>
    new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(value));
  return {
    locale,
    number: (value: number, digits = 0) =>
      new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value),
    /** An amount in major units (12.34). */
    money,
    /** An amount in the currency's minor units, as the server keeps it (1234 USD → $12.34). */
    moneyMinor: (amountMinor: number, currency: string) => money(minorToDecimal(amountMinor, currency), currency),
    /** A token amount in base units, with up to 4 decimals and the token's symbol. */
    tokens: (baseUnits: string | bigint) =>
      `${new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(Number(formatUnits(BigInt(baseUnits), token.decimals)))} ${token.symbol}`.trim(),
    date: (value: string | Date) => new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(value)),
    dateTime: (value: string | Date) =>
      new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value)),
  };
}
