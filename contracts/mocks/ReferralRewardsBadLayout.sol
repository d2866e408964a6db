// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title ReferralRewardsBadLayout (test fixture)
/// @notice Reuses ReferralRewards' namespace with a reordered struct: an upgrade to it would
///         corrupt state, and the storage-layout check must reject it.
contract ReferralRewardsBadLayout is Initializable, UUPSUpgradeable {
    struct Limits {
        uint96 maxPerPayment;
        uint96 windowRemaining;
        uint40 windowEnd;
    }

    /// @custom:storage-location erc7201:refcodes.storage.ReferralRewards
    struct ReferralRewardsStorage {
        Limits limits; // swapped with `config`
        address token;
        mapping(bytes32 orderRef => uint256 payment) payments;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function _authorizeUpgrade(address) internal override {}
}
