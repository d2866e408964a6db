// The contract this build talks to, from deployments/<network>.json at build time.
import deployment from "virtual:refcodes-deployment";
import { referralRewardsAbi } from "../../../deployments/abi.ts";

export { deployment, referralRewardsAbi };
