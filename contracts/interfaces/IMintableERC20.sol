// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title An ERC-20 with a restricted `mint`, as required by `RewardMode.MINT`
interface IMintableERC20 is IERC20 {
    /// @notice Creates `amount` tokens for `to`. Restricted to the token's minters.
    function mint(address to, uint256 amount) external;
}
