// A transaction hash, linked to the explorer when the server configures one (useTxUrl); in full,
// or shortened like an address with the full hash in its title.
import { useTxUrl } from "../config/use-runtime.ts";
import { shortAddress } from "./WalletPanel.tsx";

interface Props {
  hash: string;
  short?: boolean;
  className?: string;
}

export function TxLink({ hash, short = false, className = "mono" }: Props) {
  const url = useTxUrl()(hash);
  const text = short ? shortAddress(hash, 8, 6) : hash;
  return url ? (
    <a className={className} href={url} target="_blank" rel="noreferrer" title={hash}>
      {text}
    </a>
  ) : (
    <code className={className} title={hash}>
      {text}
    </code>
  );
}
