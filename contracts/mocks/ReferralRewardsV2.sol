// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReferralRewards} from "../ReferralRewards.sol";

/// @title ReferralRewardsV2 (test upgrade target)
/// @notice Adds state in its own ERC-7201 namespace, so V1's layout is untouched.
contract ReferralRewardsV2 is ReferralRewards {
    /// @custom:storage-location erc7201:refcodes.storage.ReferralRewardsV2
    struct ReferralRewardsV2Storage {
        string upgradeNote;
    }

    // keccak256(abi.encode(uint256(keccak256("refcodes.storage.ReferralRewardsV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE_LOCATION =
        0x7d6b816593840cd4cdfd96e524e5b42bb73a6abd3a2a9df145bd66c11d2a8a00;

    function _getV2Storage() private pure returns (ReferralRewardsV2Storage storage $) {
        assembly {
            $.slot := V2_STORAGE_LOCATION
        }
    }

    /// @notice Runs once with the upgrade (`upgradeToAndCall`).
    function initializeV2(string calldata note) external reinitializer(2) onlyRole(DEFAULT_ADMIN_ROLE) {
        _getV2Storage().upgradeNote = note;
    }

    /// @notice The note written by `initializeV2`.
    function upgradeNote() external view returns (string memory) {
        return _getV2Storage().upgradeNote;
    }

    /// @inheritdoc ReferralRewards
    function version() external pure override returns (string memory) {
        return "2.0.0";
    }
}
