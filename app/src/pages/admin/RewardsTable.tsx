// The queue's rows: a checkbox per row (and one for the page), amounts, state, errors, tx.
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { TxLink } from "../../components/TxLink.tsx";
import { shortAddress } from "../../components/WalletPanel.tsx";
import { useFormat } from "../../i18n/format.ts";
import type { Reward } from "./types.ts";

export function RewardsTable({
  rows,
  selected,
  onToggle,
  onToggleAll,
}: {
  rows: Reward[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (select: boolean) => void;
}) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const selectedCount = rows.filter((row) => selected.has(row.id)).length;
  const all = rows.length > 0 && selectedCount === rows.length;
  const some = selectedCount > 0 && !all;
  const selectAll = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = some;
  }, [some]);

  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t("queue.tableLabel")}>
      <table>
        <thead>
          <tr>
            <th scope="col">
              <input
                ref={selectAll}
                type="checkbox"
                checked={all}
                onChange={() => onToggleAll(!all)}
                aria-label={t("queue.selectAll")}
              />
            </th>
            <th scope="col">{t("queue.order")}</th>
            <th scope="col">{t("queue.created")}</th>
            <th scope="col">{t("queue.state")}</th>
            <th scope="col">{t("queue.referrer")}</th>
            <th scope="col" className="num">
              {t("queue.orderAmount")}
            </th>
            <th scope="col" className="num">
              {t("queue.reward")}
            </th>
            <th scope="col" className="num">
              {t("queue.tokens")}
            </th>
            <th scope="col">{t("queue.notes")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={selected.has(row.id) ? "selected" : undefined}>
              <td>
                <input
                  type="checkbox"
                  checked={selected.has(row.id)}
                  onChange={() => onToggle(row.id)}
                  aria-label={t("queue.selectRow", { orderReference: row.orderReference })}
                />
              </td>
              <td className="mono">{row.orderReference}</td>
              <td>{format.dateTime(row.createdAt)}</td>
              <td>
                <span className={`state state-${row.state}`}>{t(`state.${row.state}`)}</span>
              </td>
              <td className="mono" title={row.referrerWallet}>
                {shortAddress(row.referrerWallet, 8, 6)}
                {row.referralCode && <div className="hint">{row.referralCode}</div>}
              </td>
              <td className="num">{format.moneyMinor(row.baseAmountMinor, row.currency)}</td>
              <td className="num">
                {format.moneyMinor(row.rewardMinor, row.currency)}
                <div className="hint">
                  {t("queue.commission", { percent: format.number(row.commissionBps / 100, 2) })}
                </div>
              </td>
              <td className="num">
                {row.tokenAmount === null ? t("sizing.pending_price") : format.tokens(row.tokenAmount)}
              </td>
              <td className="wrap">
                <RowNotes row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RowNotes({ row }: { row: Reward }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  return (
    <>
      {t(`kind.${row.kind}`)} · {t(`rail.${row.rail}`)}
      {row.refundedMinor > 0 && (
        <div>{t("queue.refunded", { amount: format.moneyMinor(row.refundedMinor, row.currency) })}</div>
      )}
      {row.approveAfter && row.state === "pending_approval" && (
        <div className="hint">{t("queue.autoApprove", { date: format.dateTime(row.approveAfter) })}</div>
      )}
      {row.sizingError && <div className="field-error">{row.sizingError}</div>}
      {row.lastError && <div className="field-error">{row.lastError}</div>}
      {row.txHash && (
        <div>
          <TxLink hash={row.txHash} short />
        </div>
      )}
    </>
  );
}
