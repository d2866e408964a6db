// CSV of the loaded rewards, built in the browser: RFC 4180 quoting, CRLF line ends, a BOM so
// spreadsheet programs read UTF-8, and text cells that could run as formulas defused.
import { minorToDecimal, priceToDecimal } from "../../i18n/money.ts";
import { weiToDecimal } from "./money.ts";
import type { Reward } from "./types.ts";

type Cell = string | number | null | undefined;

/** Quotes a cell when it holds a quote, a separator or a line break (quotes doubled). */
function csvCell(value: Cell): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Text from outside (order references, codes) starting like a formula gets a leading quote. */
const safeText = (text: string | null) => (text && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function toCsv(rows: readonly (readonly Cell[])[]): string {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

const HEADER = [
  "created_at",
  "order_reference",
  "code",
  "kind",
  "state",
  "currency",
  "order_amount",
  "commission_bps",
  "gross_reward",
  "refunded",
  "reward",
  "token_amount",
  "offset_token_amount",
  "price_per_token",
  "price_source",
  "price_at",
  "tx_hash",
  "block_number",
  "minted_at",
  "last_error",
] as const;

export function rewardsCsv(rewards: readonly Reward[]): string {
  const money = (minor: number, currency: string) => minorToDecimal(minor, currency);
  return toCsv([
    HEADER,
    ...rewards.map((reward) => [
      reward.createdAt,
      safeText(reward.orderReference),
      safeText(reward.referralCode),
      reward.kind,
      reward.state,
      reward.currency,
      money(reward.baseAmountMinor, reward.currency),
      reward.commissionBps,
      money(reward.grossRewardMinor, reward.currency),
      money(reward.refundedMinor, reward.currency),
      money(reward.rewardMinor, reward.currency),
      reward.tokenAmount === null ? null : weiToDecimal(reward.tokenAmount),
      weiToDecimal(reward.offsetTokenAmount),
      reward.price && priceToDecimal(reward.price),
      reward.price?.source,
      reward.price?.at,
      reward.txHash,
      reward.blockNumber,
      reward.mintedAt,
      safeText(reward.lastError),
    ]),
  ]);
}

/** Saves a blob as a file through a temporary object URL. */
export function downloadBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export const downloadCsv = (text: string, filename: string) =>
  downloadBlob(new Blob(["\uFEFF", text], { type: "text/csv;charset=utf-8" }), filename);

export const csvFilename = (now = new Date()) => `refcodes-rewards-${now.toISOString().slice(0, 10)}.csv`;
